"""The real Caddy, with the repository's Caddyfile, in front of the real collector (COLLECTOR_BIN), which migrated its
own database with the real sql/ files: what a host sends arrives, and Grafana's role can read it.
Without COLLECTOR_BIN these tests fail: the deployment is only shown to work with the collector it deploys."""
import json
import re
import subprocess
import urllib.error
import urllib.request

import pytest

import telemetry_db as db
from caddy_proxy import MAX_BODY_BYTES, MAX_TRANSCRIPT_BYTES
from dockerfile import run_healthcheck
from paths import REPO
from pgcluster import QueryError

# The example batch of the collector's issue, verbatim.
EXAMPLE_BATCH = (
    '{"events":[{"hostId":"laptop","sessionId":"abc123","eventType":"agent_execution","agentName":"tool-approve",'
    '"timestamp":"2024-01-15T10:30:00Z","decision":"APPROVED","decisionReason":"Tool is safe","toolName":"Bash",'
    '"latencyMs":150,"modelTier":"haiku"}]}')


def as_reader(pg, sql):
    return pg.query(sql, db.E2E_DATABASE, db.READER, db.READER_PASSWORD)


def post(caddy, collector, path, body):
    return caddy.request("POST", path, body=body,
                         headers={"Content-Type": "application/json", "X-API-Key": collector.key})


def assert_api_headers(response):
    assert response.header("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
    assert response.header("X-Content-Type-Options") == "nosniff"
    assert response.header("X-Frame-Options") == "DENY"


def test_health_answers_through_caddy_with_the_api_headers(caddy, collector):
    response = caddy.request("GET", "/api/v1/health")
    assert response.status == 200
    assert json.loads(response.body)["status"] == "ok"
    assert_api_headers(response)


def test_the_health_answer_the_readme_shows_after_the_first_start_is_the_collectors_whole_answer(caddy, collector):
    readme = (REPO / "README.md").read_text()
    (documented,) = re.findall(r"^curl -sS https://telemetry\.example\.com/api/v1/health\n# (.*)$", readme, re.M)
    assert json.loads(caddy.request("GET", "/api/v1/health").body) == json.loads(documented)


def test_the_example_batch_is_stored_and_grafanas_role_can_read_it(caddy, collector, pg):
    response = post(caddy, collector, "/api/v1/telemetry/batch", EXAMPLE_BATCH.encode())
    assert response.status == 200, response.body
    assert json.loads(response.body)["inserted"] == 1
    assert_api_headers(response)
    rows = as_reader(pg, "SELECT host_id, agent_name, decision FROM events WHERE session_id = 'abc123'").rows
    assert rows == [["laptop", "tool-approve", "APPROVED"]]


def test_grafanas_role_cannot_read_the_keys_the_collector_stores(collector, pg):
    with pytest.raises(QueryError, match="permission denied for table api_keys"):
        as_reader(pg, "SELECT count(*) FROM api_keys")


def test_a_transcript_larger_than_the_batch_limit_reaches_the_collector(caddy, collector, pg):
    line = "x" * (MAX_BODY_BYTES + 200_000)  # one transcript line over the batch limit, as real transcripts have
    body = json.dumps({"sessionId": "long-session", "transcript": [{"type": "user", "message": line}]}).encode()
    assert MAX_BODY_BYTES < len(body) < MAX_TRANSCRIPT_BYTES
    response = post(caddy, collector, "/api/v1/transcript", body)
    assert response.status == 200, response.body
    assert json.loads(response.body)["sessionId"] == "long-session"
    assert_api_headers(response)
    (row,) = as_reader(pg, "SELECT host_id, size_bytes FROM transcripts WHERE session_id = 'long-session'").rows
    assert row[0] == "laptop" and int(row[1]) > MAX_BODY_BYTES


def test_a_request_without_a_key_is_refused_by_the_collector_with_the_api_headers(caddy, collector):
    response = caddy.request("POST", "/api/v1/telemetry/batch", body=EXAMPLE_BATCH.encode(),
                             headers={"Content-Type": "application/json"})
    assert response.status == 401
    assert_api_headers(response)


def test_a_chunked_batch_over_the_limit_is_refused_with_413_not_502(caddy, collector):
    response = caddy.post_declaring("/api/v1/telemetry/batch", b"x" * (2 * MAX_BODY_BYTES),
                                    headers={"X-API-Key": collector.key}, chunked=True)
    assert response.status == 413


def test_the_image_health_check_passes_against_the_collector(collector):
    assert run_healthcheck(collector.port) == 0


def too_large(limit):
    return {"error": f"the request body is larger than {limit} bytes", "code": "body_too_large"}


def curl_post(caddy, key, path, body_file, *options):
    """curl as a host runs it: HTTP/2 over TLS unless told otherwise. Returns (curl's exit code, status, HTTP version,
    headers, body)."""
    done = subprocess.run(
        ["curl", "-sS", "--max-time", "30", "--cacert", caddy.root_certificate, "-D", "-", "-o", str(body_file) + ".out",
         "-w", "\n%{http_code} %{http_version}", "-H", f"X-API-Key: {key}", "-H", "Content-Type: application/json",
         "--data-binary", f"@{body_file}", *options, f"https://localhost:{caddy.https_port}{path}"],
        capture_output=True, text=True, timeout=60)
    head, _, written = done.stdout.rpartition("\n")
    status, _, version = written.partition(" ")
    headers = {}
    for line in head.splitlines()[1:]:
        name, _, value = line.partition(":")
        if value:
            headers[name.strip().lower()] = value.strip()
    try:
        with open(str(body_file) + ".out", "rb") as f:
            body = f.read()
    except FileNotFoundError:
        body = b""
    return done.returncode, done.stderr.strip(), status, version, headers, body


@pytest.mark.parametrize("path, limit, framing", [
    ("/api/v1/telemetry/batch", MAX_BODY_BYTES, "declared"),
    ("/api/v1/telemetry/batch", MAX_BODY_BYTES, "chunked"),
    ("/api/v1/transcript", MAX_TRANSCRIPT_BYTES, "declared"),
    ("/api/v1/transcript", MAX_TRANSCRIPT_BYTES, "chunked"),
])
def test_an_http2_client_posting_over_the_limit_gets_413_with_the_apis_json_error(caddy, collector, tmp_path, path,
                                                                                   limit, framing):
    body = tmp_path / "oversized.json"
    body.write_bytes(b'{"events":[' + b"x" * (limit + 1048576) + b"]}")
    # curl sends Content-Length for a file; with Transfer-Encoding given it streams the body without a length (over
    # HTTP/2 the header itself is dropped), which Caddy's request_body cuts off.
    options = ["--http2"] + (["-H", "Transfer-Encoding: chunked"] if framing == "chunked" else [])
    for attempt in range(3):  # the stream reset races the upload: one lucky answer proves nothing
        code, error, status, version, headers, answer = curl_post(caddy, collector.key, path, body, *options)
        # The 413 itself always arrives, never a stream error. curl 7.88 (Debian 12) sometimes drops the body that
        # follows it, when Caddy's RST_STREAM(NO_ERROR) overtakes its reading while it is still uploading
        # (exit 18, "transfer closed with outstanding read data remaining"): a race inside curl, which other HTTP/2
        # clients (Python's h2, browsers) do not have. When curl keeps the body, it is the API's JSON error.
        assert code in (0, 18), f"attempt {attempt}: curl failed: {error}"
        assert (status, version) == ("413", "2"), f"attempt {attempt}"
        assert headers.get("content-type") == "application/json"
        if code == 0:
            assert json.loads(answer) == too_large(limit)
        if framing == "declared":
            assert headers.get("x-frame-options") == "DENY"
            assert headers.get("strict-transport-security") == "max-age=31536000; includeSubDomains"


def test_caddys_413_is_the_one_the_collector_itself_sends(collector):
    request = urllib.request.Request(f"http://127.0.0.1:{collector.port}/api/v1/telemetry/batch",
                                     data=b"x" * (MAX_BODY_BYTES + 1), method="POST",
                                     headers={"Content-Type": "application/json", "X-API-Key": collector.key})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 413
    assert json.loads(refused.value.read()) == too_large(MAX_BODY_BYTES)
