"""The Caddyfile: `caddy validate` with production settings, then the real Caddy on loopback (its own CA) in front of a
stand-in for Grafana: routing, the body limits that Caddy enforces itself, and every header rule.
The tests that also need the real collector are in test_end_to_end.py."""
import subprocess
import tempfile

import pytest

from caddy_proxy import (CADDYFILE, HOMEASSISTANT_ORIGINS, MAX_BODY_BYTES, MAX_TRANSCRIPT_BYTES, adapt,
                         caddy_binary, isolated_env, validate)

HSTS = "max-age=31536000; includeSubDomains"


def assert_everywhere_headers(response):
    assert response.header("Strict-Transport-Security") == HSTS
    assert response.header("X-Content-Type-Options") == "nosniff"
    assert response.header("Server") is None


def production_env(home, **settings):
    return isolated_env(home, ACME_EMAIL="ops@example.com", HOMEASSISTANT_ORIGINS="https://homeassistant.example.com",
                        MAX_BODY_BYTES="1048576", MAX_TRANSCRIPT_BYTES="16777216", **settings)


# (HTTPS, DOMAIN, where Caddy listens, who issues the certificate)
MODES = [("letsencrypt", "telemetry.example.com", ":443", "acme"),
         ("internal", "telemetry.lan", ":443", "internal"),
         ("internal", "192.168.1.20", ":443", "internal"),
         ("off", "telemetry.lan", ":80", None),
         ("off", "192.168.1.20", ":80", None)]


@pytest.mark.parametrize("https, domain", [mode[:2] for mode in MODES])
def test_caddyfile_validates_with_production_settings_in_every_https_mode(https, domain):
    with tempfile.TemporaryDirectory() as home:
        done = validate(production_env(home, DOMAIN=domain, HTTPS=https))
    assert done.returncode == 0, done.stderr
    assert "Valid configuration" in done.stdout + done.stderr


def test_caddyfile_without_https_is_the_public_letsencrypt_site():
    with tempfile.TemporaryDirectory() as home:
        assert adapt(production_env(home, DOMAIN="telemetry.example.com")) == \
            adapt(production_env(home, DOMAIN="telemetry.example.com", HTTPS="letsencrypt"))


@pytest.mark.parametrize("https, domain, listen, issuer", MODES)
def test_each_https_mode_serves_the_domain_on_its_port_with_its_certificate_issuer(https, domain, listen, issuer):
    with tempfile.TemporaryDirectory() as home:
        config = adapt(production_env(home, DOMAIN=domain, HTTPS=https))
    (server,) = config["apps"]["http"]["servers"].values()
    assert server["listen"] == [listen]
    assert [route["match"] for route in server["routes"]] == [[{"host": [domain]}]]
    policies = config["apps"].get("tls", {}).get("automation", {}).get("policies", [])
    if issuer is None:
        assert policies == [], "plain HTTP gets no certificate"
    else:
        (policy,) = policies
        assert policy["subjects"] == [domain]
        assert policy["issuers"][0]["module"] == issuer
        if issuer == "acme":
            assert policy["issuers"][0]["email"] == "ops@example.com"


def test_an_unknown_https_mode_is_refused():
    with tempfile.TemporaryDirectory() as home:
        done = validate(production_env(home, DOMAIN="telemetry.lan", HTTPS="yes"))
    assert done.returncode != 0 and "https-yes" in done.stderr


def test_caddyfile_is_in_caddy_fmt_form():
    formatted = subprocess.run([caddy_binary(), "fmt", str(CADDYFILE)], capture_output=True, text=True, timeout=30)
    assert formatted.stdout == CADDYFILE.read_text()


def test_homeassistant_dashboard_url_reaches_grafana_with_the_prefix_kept(caddy, grafana_standin):
    response = caddy.request("GET", "/grafana/d/agent-overview?orgId=1&refresh=30s&kiosk")
    assert response.status == 200
    method, path, headers = grafana_standin.requests[-1]
    assert (method, path) == ("GET", "/grafana/d/agent-overview?orgId=1&refresh=30s&kiosk")
    # Grafana checks the Host and the scheme against its root_url.
    assert headers["Host"] == f"localhost:{caddy.https_port}"
    assert headers["X-Forwarded-Proto"] == "https"


def test_grafana_may_be_framed_by_itself_and_the_homeassistant_origins_only(caddy):
    response = caddy.request("GET", "/grafana/d/agent-overview?orgId=1&kiosk")
    assert response.header("Content-Security-Policy") == f"frame-ancestors 'self' {HOMEASSISTANT_ORIGINS}"
    assert response.header("X-Frame-Options") is None, "Grafana's own X-Frame-Options must not reach the browser"
    assert_everywhere_headers(response)


def test_grafana_without_the_trailing_slash_and_the_site_root_lead_to_grafana(caddy):
    bare = caddy.request("GET", "/grafana")
    assert (bare.status, bare.header("Location")) == (308, "/grafana/")
    root = caddy.request("GET", "/")
    assert (root.status, root.header("Location")) == (302, "/grafana/")
    assert_everywhere_headers(bare)
    assert_everywhere_headers(root)


def test_other_paths_are_not_found(caddy):
    response = caddy.request("GET", "/wp-login.php")
    assert response.status == 404
    assert_everywhere_headers(response)


def test_plain_http_is_redirected_to_https(caddy):
    status, location = caddy.plain_http("/api/v1/health")
    assert status == 308 and location.startswith("https://localhost") and location.endswith("/api/v1/health")


@pytest.mark.parametrize("path", ["/api/v1/telemetry/batch", "/api/v1/hooks/claude-code", "/api/otlp/v1/logs"])
def test_an_api_body_over_the_limit_is_refused_with_413_without_being_read(caddy, path):
    response = caddy.post_declaring(path, b"x" * (MAX_BODY_BYTES + 1))
    assert response.status == 413
    assert response.header("X-Frame-Options") == "DENY"
    assert_everywhere_headers(response)


def test_a_client_that_sends_the_whole_oversized_body_also_gets_413(caddy):
    response = caddy.request("POST", "/api/v1/telemetry/batch", body=b"x" * (MAX_BODY_BYTES + 100_000),
                             headers={"Content-Type": "application/json"})
    assert response.status == 413


def test_a_transcript_over_its_own_limit_is_refused_with_413(caddy):
    response = caddy.post_declaring("/api/v1/transcript", b"x" * (MAX_TRANSCRIPT_BYTES + 1))
    assert response.status == 413
    assert response.header("X-Frame-Options") == "DENY"
    assert_everywhere_headers(response)
