"""The LangSmith SDK from PyPI against the real collector, configured as the README says (LANGSMITH_ENDPOINT,
LANGSMITH_API_KEY, LANGSMITH_TRACING and nothing else), the collector serving as collector_writer so that migration
010's grants are what the upserts run with. A recording proxy between them keeps what the SDK sent: which route,
which encoding; set LANGSMITH_CAPTURE_DIR to write those bodies out as fixtures (Tests/deploy/fixtures/langsmith)."""
import http.client
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import telemetry_db as db
from collector_process import Collector
from paths import REPO
from pgcluster import free_port

DATABASE = "telemetry_langsmith"
APP = Path(__file__).parent / "langsmith" / "traced_app.py"
FIELD_MAX_BYTES = 1024


class RecordingProxy:
    """Forwards every request to the collector and keeps (method, path, headers, body, status)."""

    def __init__(self, target_port):
        self.requests = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                upstream = http.client.HTTPConnection("127.0.0.1", target_port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                answer = response.read()
                proxy.requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers.items()),
                                       "body": body, "status": response.status, "answer": answer})
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("connection", "transfer-encoding"):
                        self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer)
                upstream.close()

            do_GET = do_POST = do_PATCH = forward

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def traced(pg):
    db.create_database(pg, DATABASE)
    migrator = Collector(pg.dsn(db.MIGRATOR, db.MIGRATOR_PASSWORD, DATABASE), free_port(), 1048576, 1048576)
    try:
        migrator.run("migrate")
    finally:
        migrator.stop()
    db.give_writer_login(pg, DATABASE)
    collector = Collector(pg.dsn(db.WRITER, db.WRITER_PASSWORD, DATABASE), free_port(), 1048576, 1048576)
    collector.env["LANGSMITH_FIELD_MAX_BYTES"] = str(FIELD_MAX_BYTES)
    key = collector.run("keys", "create", "--host", "langchain-box").strip()
    collector.start()
    proxy = RecordingProxy(collector.port)
    try:
        env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
               **readme_environment(f"http://127.0.0.1:{proxy.port}", key)}
        done = subprocess.run([sys.executable, str(APP)], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        ids = json.loads(done.stdout)
        rows = pg.query("""
            SELECT span_id, trace_id, coalesce(parent_span_id, ''), name, run_type, operation, status_code,
                   coalesce(status_message, ''), end_ts >= start_ts, coalesce(input_tokens::text, ''),
                   coalesce(output_tokens::text, ''), coalesce(model_request, ''), coalesce(service_name, ''),
                   coalesce(session_id, ''), host_id, octet_length(outputs::text), coalesce(attributes->>'outputs_truncated', ''),
                   coalesce(inputs::text, ''), coalesce(outputs::text, '')
            FROM spans ORDER BY start_ts""", DATABASE, "postgres").rows
        capture = os.environ.get("LANGSMITH_CAPTURE_DIR")
        if capture:
            write_fixtures(Path(capture), proxy.requests, key)
        # psql cannot tell NULL from '': both come back as None.
        rows = [[value or "" for value in row] for row in rows]
        yield {"ids": ids, "rows": rows, "requests": proxy.requests, "stderr": done.stderr, "log": collector.log()}
    finally:
        proxy.close()
        collector.stop()


def readme_environment(origin, key):
    """The README's lines that connect a LangChain app, with this test's collector and key in them."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("### A LangChain or LangGraph app", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    lines = dict(line.removeprefix("export ").split("=", 1) for line in block.splitlines() if line.strip())
    assert set(lines) == {"LANGSMITH_ENDPOINT", "LANGSMITH_API_KEY", "LANGSMITH_TRACING"}, lines
    assert lines["LANGSMITH_ENDPOINT"] == "https://telemetry.example.com/api/langsmith"
    return {"LANGSMITH_ENDPOINT": lines["LANGSMITH_ENDPOINT"].replace("https://telemetry.example.com", origin),
            "LANGSMITH_API_KEY": key, "LANGSMITH_TRACING": lines["LANGSMITH_TRACING"]}


def write_fixtures(directory, requests, key):
    directory.mkdir(parents=True, exist_ok=True)
    for number, request in enumerate((r for r in requests if r["method"] != "GET"), start=1):
        route = request["path"].rsplit("/", 1)[-1]
        name = f"sdk-{number}-{request['method'].lower()}-{route}"
        (directory / name).write_bytes(request["body"])
        headers = {k: v for k, v in request["headers"].items() if k.lower() not in ("x-api-key", "authorization")}
        (directory / f"{name}.headers.json").write_text(json.dumps(
            {"method": request["method"], "path": request["path"], "headers": headers}, indent=1) + "\n")
    assert key not in "".join(p.read_text(errors="replace") for p in directory.iterdir())


def by_name(traced):
    return {row[3]: row for row in traced["rows"]}


def test_the_sdk_reads_info_then_sends_multipart_without_zstd(traced):
    requests = traced["requests"]
    assert requests[0]["method"] == "GET" and requests[0]["path"] == "/api/langsmith/info"
    sent = [r for r in requests if r["method"] != "GET"]
    assert sent and all(r["path"] == "/api/langsmith/runs/multipart" for r in sent), [r["path"] for r in sent]
    assert all(r["headers"]["Content-Type"].startswith("multipart/form-data; boundary=") for r in sent)
    assert not any("Content-Encoding" in r["headers"] for r in sent)
    assert all(r["status"] == 202 for r in requests[1:]), [(r["status"], r["answer"]) for r in requests]
    assert any(b'name="patch.' in r["body"] for r in sent), "the RunTree's ends come as patches in a later request"
    assert all(r["headers"].get("X-Api-Key") or r["headers"].get("x-api-key") for r in sent)
    # The SDK's one complaint: /info says zstd is off (the README says how to silence it). Nothing failed.
    assert traced["stderr"].splitlines() == [
        "Run compression is not enabled. Please update to the latest version of LangSmith. Falling back to regular "
        "multipart ingestion."], traced["stderr"]


def test_nested_traceables_are_one_tree_with_types_times_and_tokens(traced):
    runs = by_name(traced)
    agent, tool, llm = runs["agent"], runs["calculator"], runs["fake-chat"]
    assert agent[1] == tool[1] == llm[1] == agent[0], "one trace, rooted at the agent"
    assert agent[2] == "" and tool[2] == agent[0] and llm[2] == agent[0]
    assert [agent[4:7], tool[4:7], llm[4:7]] == [["chain", "chain", "ok"], ["tool", "tool", "ok"], ["llm", "chat", "ok"]]
    assert all(run[8] == "t" for run in (agent, tool, llm)), "ended, not before they started"
    assert llm[9:12] == ["321", "45", "gpt-4o-mini"]
    assert {run[12] for run in (agent, tool, llm)} == {"default"}, "the project (session_name) is the service"
    assert {run[13] for run in (agent, tool, llm)} == {"conversation-1"}, "metadata.thread_id (children inherit it) is the session"
    assert {run[14] for run in traced["rows"]} == {"langchain-box"}, "stored as the key's host"


def test_outputs_past_the_field_limit_are_cut_and_their_size_kept(traced):
    agent = by_name(traced)["agent"]
    assert int(agent[15]) <= FIELD_MAX_BYTES + 16
    assert int(agent[16]) > 5000
    assert json.loads(agent[18])["answer"] == "42"
    assert json.loads(by_name(traced)["calculator"][17]) == {"expression": "6*7"}


def test_a_run_tree_posted_then_patched_is_merged_with_its_error(traced):
    runs = by_name(traced)
    root, child = runs["manual-root"], runs["manual-retriever"]
    assert root[0] == traced["ids"]["root"] and child[0] == traced["ids"]["child"]
    assert child[1] == root[0] == traced["ids"]["trace"] and child[2] == root[0]
    assert child[4:7] == ["retriever", "retriever", "ok"] and child[8] == "t"
    assert json.loads(child[18]) == {"documents": ["a", "b"]}
    assert root[6:8] == ["error", "ValueError: boom"] and root[8] == "t"
    assert len(traced["rows"]) == 5, "no run stored twice"
