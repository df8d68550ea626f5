"""openapi.yaml against the collector it describes: a valid OpenAPI 3.1 document whose routes are exactly the endpoints
the Swift sources define and register, and exactly what the running collector answers; whose length caps are
EventSchema.swift's; and whose examples (real payloads: the README's batch and transcript, Claude Code's captured hook
and OTLP bodies) get their documented status, body and headers from the real collector with a real key."""
import datetime
import http.client
import json
import socket

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

import openapi_document as doc
import telemetry_db as db
from caddy_proxy import MAX_BODY_BYTES, MAX_TRANSCRIPT_BYTES
from collector_process import Collector
from paths import SHARED_SCHEMAS
from pgcluster import free_port

SPEC = doc.load()
ROUTES = doc.routes(SPEC)
OPERATIONS = list(doc.operations(SPEC))
# Routes that take JSON; the LangSmith multipart route's refusals have a test of their own.
POST_OPERATIONS = [(path, method) for path, method, operation in OPERATIONS
                   if method == "POST" and "application/json" in operation["requestBody"]["content"]]
MULTIPART_PATH = "/api/langsmith/runs/multipart"
CLAUDE_CODE_FIXTURES = SHARED_SCHEMAS.parent / "fixtures" / "claude-code"
DATABASE = "telemetry_openapi"
# The host the examples name (`"hostId": "laptop"` in the README's batch); the key is created for it.
EXAMPLE_HOST = "laptop"
# Low enough for one test to exhaust with a second host's key in a few requests, above what the others send.
RATE_LIMIT_EVENTS_PER_MINUTE = 60
PROBED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
UNKNOWN_PATHS = ("/", "/api", "/api/v1", "/api/v1/telemetry", "/api/v1/telemetry/batch/", "/api/v1/Health",
                 "/api/otlp/v1/profiles", "/api/otlp/logs", "/metrics", "/grafana/")


def request_examples():
    for path, method, operation in OPERATIONS:
        for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
            for name, example in content.get("examples", {}).items():
                yield pytest.param(path, method, media_type, name, example["value"], id=f"{method} {path} {name}")


def response_examples():
    for path, method, operation in OPERATIONS:
        for status, answer in operation["responses"].items():
            answer = doc.resolve(SPEC, answer)
            for media_type, content in answer.get("content", {}).items():
                examples = {name: example["value"] for name, example in content.get("examples", {}).items()}
                if "example" in content:
                    examples["example"] = content["example"]
                for name, value in examples.items():
                    yield pytest.param(path, method, status, media_type, value, id=f"{method} {path} {status} {name}")


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # {lower-case name: value}
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"{self.status} {self.headers} {self.body[:500]!r}"


def call(api, method, path, body=None, headers=None):
    """One request on its own connection, so that whatever one answer does to a connection cannot touch the next."""
    connection = http.client.HTTPConnection("127.0.0.1", api.port, timeout=15)
    try:
        connection.request(method, path, body=body, headers={"Connection": "close", **(headers or {})})
        response = connection.getresponse()
        return Answer(response.status, {name.lower(): value for name, value in response.getheaders()}, response.read())
    finally:
        connection.close()


def raw(api, request):
    """Sends bytes as they are and reads one answer: for requests http.client will not send, or whose body the
    collector refuses before reading it. The answer to HEAD is read without a body, as HTTP says."""
    with socket.create_connection(("127.0.0.1", api.port), timeout=15) as connection:
        connection.sendall(request)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(65536)
            assert chunk, f"the connection closed before an answer: {received!r}"
            received += chunk
        status, headers, body = parse_head(received)
        if request.startswith(b"HEAD "):
            return Answer(status, headers, b"")
        while len(body) < int(headers.get("content-length", 0)):
            chunk = connection.recv(65536)
            assert chunk, "the connection closed in the middle of the body"
            body += chunk
        return Answer(status, headers, body)


def parse_head(received):
    """(status, {lower-case name: value}, the bytes after the header section) of an answer's first bytes."""
    head, _, after = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, after


def post_json(api, path, value, key=True, headers=None):
    sent = {"Content-Type": "application/json", **({"X-API-Key": api.key} if key else {}), **(headers or {})}
    return call(api, "POST", path, json.dumps(value).encode(), sent)


def assert_documented(path, method, answer, from_route=True):
    """The answer's status is documented for the operation, and its body and headers are what that response says."""
    documented = doc.response(SPEC, path, method, answer.status)
    assert documented is not None, f"{method} {path} answered {answer.status}, which is not documented: {answer}"
    assert_matches(documented, answer, f"{method} {path} {answer.status}", from_route)


def assert_matches(documented, answer, where, from_route=True):
    content = documented.get("content")
    if content is None or where.startswith("HEAD "):
        assert answer.body == b"", f"{where}: no body expected, got {answer.body[:200]!r}"
    else:
        media_type = answer.headers.get("content-type", "").split(";")[0]
        assert media_type in content, f"{where}: Content-Type {media_type!r}, documented {list(content)}"
        errors = schema_errors_at(content[media_type], answer.json())
        assert not errors, f"{where}: the body does not match its schema: {errors}\n{answer.body[:500]!r}"
    for name, header in documented.get("headers", {}).items():
        header = doc.resolve(SPEC, header)
        value = answer.headers.get(name.lower())
        # A route sets X-Request-Id on every answer (the HTTP layer's own answers have none); a success passed the
        # rate limiter, which is on by default and then sets its two headers.
        expected = header.get("required") or (name == "X-Request-Id" and from_route) or (
            name.startswith("X-RateLimit-") and 200 <= answer.status < 300)
        if expected:
            assert value is not None, f"{where}: documented header {name} is missing: {answer.headers}"
        if value is not None:
            typed = int(value) if header["schema"].get("type") == "integer" else value
            errors = doc.validator(SPEC, *schema_location(header)).iter_errors(typed)
            assert not list(errors), f"{where}: header {name}: {value!r} does not match {header['schema']}"


def schema_location(node):
    """Where a node's `schema` is in the document, found by identity: schemas are validated where they stand, so
    that their own references resolve."""
    def search(current, parts):
        if current is node:
            return parts
        children = (current.items() if isinstance(current, dict)
                    else enumerate(current) if isinstance(current, list) else ())
        for key, child in children:
            found = search(child, parts + [key])
            if found is not None:
                return found
        return None
    location = search(SPEC, [])
    assert location is not None, "node not in the document"
    return location + ["schema"]


def schema_errors_at(media, value):
    return [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
            for error in doc.validator(SPEC, *schema_location(media)).iter_errors(value)]


@pytest.fixture(scope="module")
def api(pg):
    """The real collector on a database of its own (the examples' events stay out of the other tests' counts), with a
    key for the examples' host, and the metrics port off so that it never clashes with another collector."""
    try:
        process = Collector(pg.dsn(db.MIGRATOR, db.MIGRATOR_PASSWORD, DATABASE), free_port(), MAX_BODY_BYTES,
                            MAX_TRANSCRIPT_BYTES)
    except RuntimeError as error:
        pytest.fail(str(error))
    process.env.update(METRICS_PORT="0", RATE_LIMIT_EVENTS_PER_MINUTE=str(RATE_LIMIT_EVENTS_PER_MINUTE))
    db.create_database(pg, DATABASE)
    try:
        process.run("migrate")
        process.key = process.run("keys", "create", "--host", EXAMPLE_HOST, "--description", "OpenAPI examples").strip()
        process.throttled_key = process.run("keys", "create", "--host", "throttled", "--description", "429").strip()
        process.read_key = process.run("keys", "create", "--read", "--description", "OpenAPI reader").strip()
        yield process.start()
    finally:
        process.stop()


# The document itself


def test_the_document_is_valid_openapi_3_1():
    assert SPEC["openapi"].startswith("3.1.")
    errors = [f"{'/'.join(map(str, error.path))}: {error.message}"
              for error in OpenAPIV31SpecValidator(SPEC).iter_errors()]
    assert not errors, errors


def test_the_documented_routes_are_the_endpoints_the_sources_define_and_register():
    defined = doc.endpoints_in_sources()
    registered = doc.registered_endpoint_types()
    assert sorted(registered) == sorted(defined), "an Endpoint is defined but not registered in Service.swift, or back"
    in_sources = {path: set(methods) for path, methods in defined.values()}
    assert ROUTES == in_sources


def test_the_documented_length_caps_are_those_of_event_schema_swift():
    caps = doc.event_field_caps()
    event = SPEC["components"]["schemas"]["Event"]["properties"]
    # hostId has no cap of its own to check: any value other than the key's host is refused with 403.
    for name, cap in caps.items():
        if name != "hostId":
            assert event[name].get("maxLength") == cap, f"Event.{name}"
    schemas = SPEC["components"]["schemas"]
    assert schemas["TranscriptUpload"]["properties"]["sessionId"]["maxLength"] == caps["sessionId"]
    assert schemas["TranscriptUpload"]["properties"]["agentName"]["maxLength"] == caps["agentName"]
    assert schemas["ClaudeCodeHookInput"]["properties"]["session_id"]["maxLength"] == caps["sessionId"]
    assert schemas["ClaudeCodeHookInput"]["properties"]["hook_event_name"]["maxLength"] == caps["eventType"]
    assert schemas["EventBatch"]["properties"]["events"]["maxItems"] == doc.default_setting("maxEventsPerBatch")


@pytest.mark.parametrize("path, method, media_type, name, value", request_examples())
def test_each_request_example_matches_its_schema(path, method, media_type, name, value):
    media = SPEC["paths"][path][method.lower()]["requestBody"]["content"][media_type]
    assert not schema_errors_at(media, value)


@pytest.mark.parametrize("path, method, status, media_type, value", response_examples())
def test_each_response_example_matches_its_schema(path, method, status, media_type, value):
    media = doc.response(SPEC, path, method, status)["content"][media_type]
    assert not schema_errors_at(media, value)


def test_the_schemas_refuse_what_the_collector_refuses():
    """Spot checks that the schemas carry the server's rules, not just the right shape."""
    batch = SPEC["paths"]["/api/v1/telemetry/batch"]["post"]["requestBody"]["content"]["application/json"]
    event = {"sessionId": "s", "eventType": "e", "timestamp": "2024-01-15T10:30:00Z"}
    assert not schema_errors_at(batch, {"events": [event]})
    without_timestamp = {name: value for name, value in event.items() if name != "timestamp"}
    refused_events = [
        {**event, "timestamp": "2024-01-15 10:30:00"}, {**event, "timestamp": "0000-01-15T10:30:00Z"},
        {**event, "timestamp": "2024-02-30T10:30:00Z"}, {**event, "timestamp": "2024-01-15T10:30:00.1234567890Z"},
        {**event, "sessionId": ""}, {**event, "eventId": ""}, {**event, "toolName": "x" * 257},
        {**event, "latencyMs": -1}, {**event, "latencyMs": 2 ** 31}, {**event, "latencyMs": "150"},
        {**event, "anything": "nul \0 inside"}, {**event, "key with \0": 1}, without_timestamp,
    ]
    for refused in [{"events": []}, {"events": [event] * 101}] + [{"events": [one]} for one in refused_events]:
        assert schema_errors_at(batch, refused), refused


@pytest.mark.skipif(not CLAUDE_CODE_FIXTURES.is_dir(), reason=f"no Claude Code captures at {CLAUDE_CODE_FIXTURES}")
def test_the_claude_code_examples_are_the_captured_payloads():
    hook = SPEC["paths"]["/api/v1/hooks/claude-code"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    for name, example in hook.items():
        assert example["value"] == json.loads((CLAUDE_CODE_FIXTURES / f"hooks-{name}.json").read_text()), name
    metrics = SPEC["paths"]["/api/otlp/v1/metrics"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert metrics["claudeCode"]["value"] == json.loads((CLAUDE_CODE_FIXTURES / "otlp-metrics-1.json").read_text())
    logs = SPEC["paths"]["/api/otlp/v1/logs"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    example, captured = logs["claudeCode"]["value"], json.loads((CLAUDE_CODE_FIXTURES / "otlp-logs-1.json").read_text())
    example_records = example["resourceLogs"][0]["scopeLogs"][0].pop("logRecords")
    captured_records = captured["resourceLogs"][0]["scopeLogs"][0].pop("logRecords")
    assert example == captured, "the example's resource and scope are not the captured ones"
    assert example_records and all(record in captured_records for record in example_records)


# The running collector


@pytest.mark.parametrize("path, method", [(path, method) for path, method, _ in OPERATIONS])
def test_every_documented_method_is_answered_by_its_route(api, path, method):
    body = b"{}" if method == "POST" else None
    answer = call(api, method, path, body, {"X-API-Key": api.key, "Content-Type": "application/json"})
    assert answer.status not in (404, 405), answer
    assert_documented(path, method, answer)


@pytest.mark.parametrize("path, method", [(path, method) for path in ROUTES for method in PROBED_METHODS
                                          if method not in ROUTES[path]])
def test_an_undocumented_method_gets_405_naming_the_documented_ones(api, path, method):
    answer = call(api, method, path, None, {"X-API-Key": api.key})
    assert answer.status == 405, answer
    assert {name.strip() for name in answer.headers["allow"].split(",")} == ROUTES[path]
    assert_matches(SPEC["components"]["responses"]["MethodNotAllowed"], answer, f"{method} {path} 405")


@pytest.mark.parametrize("path", UNKNOWN_PATHS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_unknown_path_gets_404(api, path, method):
    answer = call(api, method, path, b"{}" if method == "POST" else None,
                  {"X-API-Key": api.key, "Content-Type": "application/json"})
    assert answer.status == 404, answer
    assert_matches(SPEC["components"]["responses"]["NotFound"], answer, f"{method} {path} 404")


@pytest.mark.parametrize("path, method, media_type, name, value", request_examples())
def test_each_request_example_gets_its_documented_answer(api, path, method, media_type, name, value):
    """With PostgreSQL up, the documented answer to a request the collector takes is the operation's first 2xx."""
    answer = call(api, method, path, json.dumps(value).encode(),
                  {"Content-Type": media_type, "X-API-Key": api.key})
    success = min(int(status) for status in SPEC["paths"][path][method.lower()]["responses"] if status.startswith("2"))
    assert answer.status == success, answer
    assert_documented(path, method, answer)


def test_the_bearer_scheme_is_accepted_like_the_api_key_header(api):
    schemes = SPEC["components"]["securitySchemes"]
    assert {name for entry in SPEC["security"] for name in entry} == {"apiKey", "bearerKey"}
    assert (schemes["apiKey"]["in"], schemes["apiKey"]["name"]) == ("header", "X-API-Key")
    assert (schemes["bearerKey"]["type"], schemes["bearerKey"]["scheme"]) == ("http", "bearer")
    answer = call(api, "POST", "/api/v1/hooks/claude-code",
                  json.dumps({"session_id": "bearer", "hook_event_name": "Stop"}).encode(),
                  {"Authorization": f"Bearer {api.key}", "Content-Type": "application/json"})
    assert answer.status == 200, answer


@pytest.mark.parametrize("path, method", POST_OPERATIONS)
def test_refusals_are_documented_for_their_route(api, path, method):
    refusals = [
        post_json(api, path, {}, key=False),
        post_json(api, path, {}, headers={"X-API-Key": "0" * 64}),
        call(api, method, path, b"{}", {"Content-Type": "text/plain", "X-API-Key": api.key}),
        post_json(api, path, []),
        call(api, method, path, b'{"a": 1, "a": 2', {"X-API-Key": api.key}),
    ]
    assert [answer.status for answer in refusals] == [401, 401, 415, 400, 400]
    for answer in refusals:
        assert_documented(path, method, answer)


def test_multipart_refusals_are_documented(api):
    part = b'--b\r\nContent-Disposition: form-data; name="post.not-a-run"\r\n\r\n{}\r\n--b--\r\n'
    refusals = [
        call(api, "POST", MULTIPART_PATH, part, {"Content-Type": "multipart/form-data; boundary=b"}),
        call(api, "POST", MULTIPART_PATH, b"{}", {"Content-Type": "application/json", "X-API-Key": api.key}),
        call(api, "POST", MULTIPART_PATH, part, {"Content-Type": "multipart/form-data", "X-API-Key": api.key}),
        call(api, "POST", MULTIPART_PATH, part, {"Content-Type": "multipart/form-data; boundary=b", "X-API-Key": api.key}),
        call(api, "POST", MULTIPART_PATH, part, {"Content-Type": "multipart/form-data; boundary=b", "X-API-Key": api.key,
                                                 "Content-Encoding": "zstd"}),
    ]
    assert [answer.status for answer in refusals] == [401, 415, 400, 400, 415]
    for answer in refusals:
        assert_documented(MULTIPART_PATH, "POST", answer)


def test_a_hostid_of_another_host_is_a_documented_403(api):
    event = {"sessionId": "s", "eventType": "e", "timestamp": "2024-01-15T10:30:00Z", "hostId": "not-" + EXAMPLE_HOST}
    answer = post_json(api, "/api/v1/telemetry/batch", {"events": [event]})
    assert answer.status == 403, answer
    assert_documented("/api/v1/telemetry/batch", "POST", answer)


def test_a_partly_bad_otlp_export_is_a_documented_200_with_partial_success(api):
    point = {"asInt": "5", "timeUnixNano": "1795313658431000000"}
    export = {"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": "openapi.test", "gauge": {
        "dataPoints": [point, {**point, "asInt": True}]}}]}]}]}
    answer = post_json(api, "/api/otlp/v1/metrics", export)
    assert answer.status == 200, answer
    assert answer.json()["partialSuccess"]["rejectedDataPoints"] == "1"
    assert_documented("/api/otlp/v1/metrics", "POST", answer)


# One small request each rate-limited route takes, for a host of its own.
ONE_EVENT = {
    "/api/v1/telemetry/batch": {"events": [{"sessionId": "s", "eventType": "e", "timestamp": "2024-01-15T10:30:00Z"}]},
    "/api/v1/hooks/claude-code": {"session_id": "s", "hook_event_name": "Stop"},
    "/api/otlp/v1/logs": {"resourceLogs": [{"scopeLogs": [{"logRecords": [
        {"attributes": [{"key": "session.id", "value": {"stringValue": "s"}}]}]}]}]},
}


@pytest.mark.parametrize("path, method", [(path, method) for path, method, operation in OPERATIONS
                                          if "429" in operation["responses"]])
def test_a_host_over_its_rate_limit_gets_the_documented_429(api, path, method):
    """Another host's key, so that the examples' host keeps its allowance; sent until the bucket is empty."""
    for _ in range(RATE_LIMIT_EVENTS_PER_MINUTE * 2):
        answer = post_json(api, path, ONE_EVENT[path], key=False, headers={"X-API-Key": api.throttled_key})
        if answer.status != 200:
            break
    assert answer.status == 429, answer
    assert_documented(path, method, answer)
    assert int(answer.headers["x-ratelimit-limit"]) == RATE_LIMIT_EVENTS_PER_MINUTE
    assert int(answer.headers["retry-after"]) >= 1


def answer_bytes(api, method, path):
    """Everything the collector sends back to one request on a connection it then closes."""
    with socket.create_connection(("127.0.0.1", api.port), timeout=15) as connection:
        connection.sendall(f"{method} {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return parse_head(received)


@pytest.mark.parametrize("path", ["/api/v1/health", "/api/v1/telemetry/batch", "/api/v1/no-such-route"])
def test_an_answer_to_head_is_the_answer_to_get_without_its_body(api, path):
    get_status, _, get_body = answer_bytes(api, "GET", path)
    head_status, head_headers, head_body = answer_bytes(api, "HEAD", path)
    assert head_status == get_status
    assert head_headers.get("content-length", str(len(get_body))) == str(len(get_body))
    assert head_body == b""


@pytest.mark.parametrize("path, method", [(path, method) for path, method, _ in OPERATIONS])
def test_the_http_layers_limits_give_documented_answers(api, path, method):
    too_long_target = f"{path}?{'q' * 9000}"
    answer = raw(api, f"{method} {too_long_target} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
    assert answer.status == 414, answer
    assert_documented(path, method, answer, from_route=False)
    answer = raw(api, f"{method} {path} HTTP/1.1\r\nHost: t\r\nX-Big: {'h' * 20000}\r\n\r\n".encode())
    assert answer.status == 431, answer
    assert_documented(path, method, answer, from_route=False)
    if method == "POST":
        # The OTLP routes' limit is OTLP_MAX_BODY_BYTES, 4 MiB unless set.
        limit = {"/api/v1/transcript": MAX_TRANSCRIPT_BYTES}.get(path, 4 << 20 if path.startswith("/api/otlp/") else MAX_BODY_BYTES)
        announced = limit + 1
        answer = raw(api, f"POST {path} HTTP/1.1\r\nHost: t\r\nX-API-Key: {api.key}\r\n"
                          f"Content-Type: application/json\r\nContent-Length: {announced}\r\n\r\n".encode())
        assert answer.status == 413, answer
        assert_documented(path, method, answer, from_route=False)


READ_OPERATIONS = [(path, method) for path, method, operation in OPERATIONS if "read" in operation.get("tags", [])]


@pytest.mark.parametrize("path, method", READ_OPERATIONS)
def test_a_read_key_gets_the_documented_answers_of_each_read_route(api, path, method):
    """With events and a transcript of a session stored now, each read route's 200 has its documented shape; a bad
    parameter is a documented 400, a host's key a documented 403."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    event = {"sessionId": "read-api", "eventType": "claude_code.api_request", "timestamp": now, "decision": "DENIED",
             "input_tokens": 10, "cost_usd": "0.01"}
    assert post_json(api, "/api/v1/telemetry/batch", {"events": [event]}).status == 200
    assert post_json(api, "/api/v1/transcript", {"sessionId": "read-api", "transcript": [{"role": "user"}]}).status == 200
    reader = {"X-API-Key": api.read_key}
    target = path.replace("{host}", EXAMPLE_HOST).replace("{session}", "read-api")
    answer = call(api, method, target, None, reader)
    assert answer.status == 200, answer
    if path == "/api/v1/export":
        # NDJSON: each line one documented event.
        assert answer.headers["content-type"] == "application/x-ndjson", answer
        assert answer.headers.get("transfer-encoding") == "chunked", answer
        media = doc.response(SPEC, path, method, 200)["content"]["application/x-ndjson"]
        lines = answer.body.decode().splitlines()
        assert lines and all(not schema_errors_at(media, json.loads(line)) for line in lines), answer
    else:
        assert_documented(path, method, answer)
    assert "read-api" in answer.body.decode() or path == "/api/v1/stats/summary", answer
    bad = call(api, method, target + "?limit=0&window=0h", None, reader)
    assert bad.status == 400, bad
    assert_documented(path, method, bad)
    wrong = call(api, method, target, None, {"X-API-Key": api.key})
    assert wrong.status == 403, wrong
    assert_documented(path, method, wrong)


def test_a_read_key_may_not_store(api):
    answer = post_json(api, "/api/v1/telemetry/batch", ONE_EVENT["/api/v1/telemetry/batch"], key=False,
                       headers={"X-API-Key": api.read_key})
    assert answer.status == 403, answer
    assert answer.json()["code"] == "wrong_key_scope"
    assert_documented("/api/v1/telemetry/batch", "POST", answer)
