"""Real OTLP trace clients against the real collector (COLLECTOR_BIN): the OpenTelemetry Python SDK with its
protobuf exporter, and the Claude Code CLI (from PyPI's claude-agent-sdk wheel) run offline with its traces on. Each
test checks the rows and the tree the client's spans became in `spans`."""
import json
import os
import re
import subprocess
import sys
import time
import uuid

import pytest

import telemetry_db as db
from paths import REPO
from pgcluster import free_port

CLAUDE_OFFLINE = REPO.parent / "shared" / "tools" / "claude-offline"


def readme_environment(client, collector):
    """The `export` lines README.md gives for `client` (the block after its bold name), pointed at this collector."""
    readme = (REPO / "README.md").read_text()
    block = re.search(r"^\*\*" + re.escape(client) + r"\*\*.*?```sh\n(.*?)```", readme, re.S | re.M).group(1)
    environment = {}
    for name, value in re.findall(r"^export (\w+)=(\S+)", block, re.M):
        value = value.strip('"').replace("https://telemetry.example.com", f"http://127.0.0.1:{collector.port}")
        environment[name] = value.replace("$COLLECTOR_API_KEY", collector.key)
    return environment


def spans(pg, where):
    """The spans matching `where`, each with its parent's name, ordered by start."""
    return pg.query(f"""
        SELECT child.name, parent.name, child.operation, child.model_request, child.model_response, child.input_tokens,
               child.output_tokens, child.cache_read_tokens, child.cache_creation_tokens, child.tool_name,
               child.session_id, child.service_name, child.host_id, child.kind, child.status_code,
               child.duration_ms >= 0, child.events IS NOT NULL
        FROM spans child LEFT JOIN spans parent
          ON parent.host_id = child.host_id AND parent.trace_id = child.trace_id AND parent.span_id = child.parent_span_id
        WHERE {where}
        ORDER BY child.start_ts, child.name""", db.E2E_DATABASE, db.MIGRATOR, db.MIGRATOR_PASSWORD).rows


def test_the_python_sdks_protobuf_exporter_sends_a_genai_tree_that_is_stored_as_a_tree(collector, pg):
    from opentelemetry.exporter.otlp.proto.http import Compression
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExportResult

    service = f"python-agent-{uuid.uuid4().hex[:8]}"
    results = []

    class Recording(OTLPSpanExporter):
        def export(self, batch):
            results.append(super().export(batch))
            return results[-1]

    readme = readme_environment("A Python app", collector)
    assert readme["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf"
    for compression in (Compression.NoCompression, Compression.Gzip):
        if compression == Compression.NoCompression:
            # As README.md says: the exporter finds the endpoint and the key in the environment.
            with pytest.MonkeyPatch.context() as patch:
                for name, value in readme.items():
                    patch.setenv(name, value)
                exporter = Recording()
        else:
            exporter = Recording(endpoint=f"http://127.0.0.1:{collector.port}/api/otlp/v1/traces",
                                 headers={"X-API-Key": collector.key}, compression=compression)
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        provider.add_span_processor(BatchSpanProcessor(exporter))
        tracer = provider.get_tracer("demo.agents")
        session = f"session-{compression.value}"
        with tracer.start_as_current_span("invoke_agent demo") as agent:
            agent.set_attributes({"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "demo",
                                  "session.id": session})
            with tracer.start_as_current_span("chat claude-sonnet-4-5") as chat:
                chat.set_attributes({"gen_ai.operation.name": "chat", "gen_ai.provider.name": "anthropic",
                                     "gen_ai.request.model": "claude-sonnet-4-5",
                                     "gen_ai.response.model": "claude-sonnet-4-5-20250929",
                                     "gen_ai.usage.input_tokens": 1234, "gen_ai.usage.output_tokens": 567,
                                     "gen_ai.usage.cache_read.input_tokens": 1000, "session.id": session})
                chat.add_event("gen_ai.choice", {"index": 0})
            with tracer.start_as_current_span("execute_tool Bash") as tool:
                tool.set_attributes({"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "Bash",
                                     "session.id": session})
        assert provider.force_flush(10_000)
        provider.shutdown()
    assert results == [SpanExportResult.SUCCESS, SpanExportResult.SUCCESS]

    rows = spans(pg, f"child.service_name = '{service}'")
    for session in ("session-none", "session-gzip"):
        assert [row for row in rows if row[10] == session] == [
            ["invoke_agent demo", None, "agent", None, None, None, None, None, None, None, session, service, "laptop",
             "internal", "unset", "t", "f"],
            ["chat claude-sonnet-4-5", "invoke_agent demo", "chat", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929",
             "1234", "567", "1000", None, None, session, service, "laptop", "internal", "unset", "t", "t"],
            ["execute_tool Bash", "invoke_agent demo", "tool", None, None, None, None, None, None, "Bash", session,
             service, "laptop", "internal", "unset", "t", "f"],
        ]
    assert len(rows) == 6


@pytest.fixture(scope="module")
def fake_anthropic(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("anthropic") / "requests.jsonl"
    process = subprocess.Popen([sys.executable, str(CLAUDE_OFFLINE / "fake_anthropic.py"), str(port), str(log)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def claude_binary():
    try:
        import claude_agent_sdk
    except ImportError:
        pytest.fail("claude-agent-sdk is not installed: pip install -r Tests/deploy/requirements.txt")
    return os.path.join(os.path.dirname(claude_agent_sdk.__file__), "_bundled", "claude")


def test_claude_code_with_traces_on_sends_its_interaction_tree_in_protobuf_and_it_is_stored(
        collector, pg, fake_anthropic, tmp_path):
    # README.md's lines for Claude Code's traces, after run_claude.sh's own OpenTelemetry settings.
    readme = readme_environment("Claude Code", collector)
    assert readme["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf" and "OTEL_TRACES_EXPORTER" in readme
    extra = " ".join(f"{name}={value}" for name, value in readme.items())
    env = dict(os.environ, CLAUDE_BIN=claude_binary(), FAKE_ANTHROPIC_URL=fake_anthropic,
               EXTRA_ENV=extra + " OTEL_TRACES_EXPORT_INTERVAL=500")
    done = subprocess.run([str(CLAUDE_OFFLINE / "run_claude.sh"), f"http://127.0.0.1:{collector.port}", collector.key,
                           str(tmp_path)], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr + (tmp_path / "stderr.txt").read_text()
    session = next(json.loads(line)["session_id"] for line in (tmp_path / "stdout.txt").read_text().splitlines()
                   if '"session_id"' in line)

    deadline = time.monotonic() + 20
    while len(rows := spans(pg, f"child.session_id = '{session}'")) < 6 and time.monotonic() < deadline:
        time.sleep(0.5)
    by_name = {}
    for row in rows:
        by_name.setdefault(row[0], []).append(row)
    assert len(by_name["claude_code.interaction"]) == 1
    interaction = by_name["claude_code.interaction"][0]
    assert interaction[1:3] == [None, "agent"]
    requests = by_name["claude_code.llm_request"]
    assert len(requests) >= 2
    for request in requests:
        name, parent, operation, model_request, model_response, input_tokens, output_tokens = request[:7]
        assert (parent, operation) == ("claude_code.interaction", "chat")
        assert model_request.startswith("claude-") and model_response == model_request
        # What the stand-in answers each request with.
        assert (input_tokens, output_tokens, request[7], request[8]) == ("120", "12", "0", "0")
    (tool,) = by_name["claude_code.tool"]
    assert tool[1:3] == ["claude_code.interaction", "tool"] and tool[9] == "Bash"
    for phase in ("claude_code.tool.blocked_on_user", "claude_code.tool.execution"):
        (row,) = by_name[phase]
        assert row[1:3] == ["claude_code.tool", "other"]
    for row in rows:
        assert row[10:13] == [session, "claude-code", "laptop"]
