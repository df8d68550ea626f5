"""The Caddyfile's home-LAN modes, run by the real Caddy in front of the real collector and a stand-in for Grafana,
as test_caddy.py and test_end_to_end.py do for the public one: HTTPS=internal (Caddy's own certificate authority, for
a LAN name or an address) and HTTPS=off (plain HTTP). No option of the tests' own changes how certificates are got:
Caddy must find the internal CA in the Caddyfile, or the TLS handshake fails."""
import json
import socket

import pytest

import telemetry_db as db
from caddy_proxy import MAX_BODY_BYTES, CaddyProxy
from test_end_to_end import EXAMPLE_BATCH

LAN_MODES = [("internal", "telemetry.lan"), ("internal", "127.0.0.1"), ("off", "telemetry.lan")]


@pytest.fixture(scope="module", params=LAN_MODES, ids=lambda mode: f"HTTPS={mode[0]},DOMAIN={mode[1]}")
def lan_caddy(request, collector_port, grafana_standin):
    https, domain = request.param
    proxy = CaddyProxy(collector_port=collector_port, grafana_port=grafana_standin.port, domain=domain, https=https)
    try:
        yield proxy.start()
    finally:
        proxy.stop()


def assert_lan_headers(response):
    assert response.header("X-Content-Type-Options") == "nosniff"
    assert response.header("Server") is None
    assert response.header("Strict-Transport-Security") is None, "no HSTS on a LAN name"


def test_health_answers_through_caddy_with_the_api_headers(lan_caddy, collector):
    response = lan_caddy.request("GET", "/api/v1/health")
    assert response.status == 200
    assert json.loads(response.body)["status"] == "ok"
    assert response.header("X-Frame-Options") == "DENY"
    assert_lan_headers(response)


def test_a_batch_posted_on_the_lan_is_stored_under_the_keys_host(lan_caddy, collector, pg):
    session = f"lan-{lan_caddy.https}-{lan_caddy.domain}"
    body = EXAMPLE_BATCH.replace('"abc123"', json.dumps(session)).encode()
    response = lan_caddy.request("POST", "/api/v1/telemetry/batch", body=body,
                                 headers={"Content-Type": "application/json", "X-API-Key": collector.key})
    assert response.status == 200, response.body
    assert json.loads(response.body)["inserted"] == 1
    rows = pg.query(f"SELECT host_id FROM events WHERE session_id = '{session}'", db.E2E_DATABASE, db.READER,
                    db.READER_PASSWORD).rows
    assert rows == [["laptop"]]


def test_the_homeassistant_dashboard_url_reaches_grafana_and_may_be_framed(lan_caddy, grafana_standin):
    response = lan_caddy.request("GET", "/grafana/d/agent-overview?orgId=1&refresh=30s&kiosk")
    assert response.status == 200
    assert response.header("Content-Security-Policy").startswith("frame-ancestors 'self' ")
    assert response.header("X-Frame-Options") is None
    assert_lan_headers(response)
    method, path, headers = grafana_standin.requests[-1]
    assert (method, path) == ("GET", "/grafana/d/agent-overview?orgId=1&refresh=30s&kiosk")
    assert headers["Host"] == f"{lan_caddy.domain}:{lan_caddy.port}"
    assert headers["X-Forwarded-Proto"] == lan_caddy.scheme


def test_a_body_over_the_limit_is_refused_with_413(lan_caddy):
    response = lan_caddy.post_declaring("/api/v1/telemetry/batch", b"x" * (MAX_BODY_BYTES + 1))
    assert response.status == 413


def test_the_other_scheme_leads_to_the_site_or_is_not_served(lan_caddy):
    """HTTPS=internal redirects plain HTTP to HTTPS; HTTPS=off listens for plain HTTP only."""
    if lan_caddy.tls:
        status, location = lan_caddy.plain_http("/api/v1/health")
        assert status == 308 and location.startswith(f"https://{lan_caddy.domain}")
    else:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", lan_caddy.https_port), timeout=5).close()
