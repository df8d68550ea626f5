"""The real OpenTelemetry Python SDK (PyPI's opentelemetry-sdk with opentelemetry-exporter-otlp-proto-http, pinned in
requirements.txt) exporting logs and metrics in protobuf to the real collector (COLLECTOR_BIN), as an app does with
OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf: log records written inside a span carry its trace and span ids into
events.trace_id/span_id; a counter and a histogram become rows of otlp_metrics.

opentelemetry-exporter-otlp-json-http (0.66b1, the newest) is not tested: it needs opentelemetry-exporter-otlp-common
0.66b1 while the protobuf exporter 1.45.2 needs 0.66b2, so the two cannot be installed together."""
import logging
import uuid

import pytest

import telemetry_db as db

pytest.importorskip("opentelemetry.sdk", reason="opentelemetry-sdk is pinned in Tests/deploy/requirements.txt")

from opentelemetry.exporter.otlp.proto.http import Compression  # noqa: E402
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter  # noqa: E402
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter  # noqa: E402
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler  # noqa: E402
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor  # noqa: E402
from opentelemetry.sdk.metrics import MeterProvider  # noqa: E402
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader  # noqa: E402
from opentelemetry.sdk.resources import Resource  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402


def rows(pg, sql):
    return pg.query(sql, db.E2E_DATABASE, db.MIGRATOR, db.MIGRATOR_PASSWORD).rows


def endpoint(collector, signal):
    return f"http://127.0.0.1:{collector.port}/api/otlp/v1/{signal}"


@pytest.mark.parametrize("compression", [Compression.NoCompression, Compression.Gzip])
def test_python_sdk_logs_in_protobuf_are_events_tied_to_their_span(collector, pg, compression):
    session = f"py-logs-{uuid.uuid4()}"
    resource = Resource.create({"service.name": "deploy-test-agent", "session.id": session})
    exporter = OTLPLogExporter(endpoint=endpoint(collector, "logs"), headers={"X-API-Key": collector.key},
                               compression=compression)
    provider = LoggerProvider(resource=resource)
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    logger = logging.getLogger(f"deploy-test-{session}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(LoggingHandler(level=logging.INFO, logger_provider=provider))
    tracer = TracerProvider(resource=resource).get_tracer("deploy-test")
    with tracer.start_as_current_span("agent step") as span:
        context = span.get_span_context()
        logger.info("tool finished", extra={"event.name": "tool_result", "tool_name": "Bash", "duration_ms": 37})
    logger.warning("outside any span", extra={"event.name": "note"})
    provider.shutdown()

    stored = rows(pg, f"""
        SELECT event_type, host_id, agent_name, tool_name, latency_ms, trace_id, span_id,
               attributes->>'body', attributes->>'severityText', attributes->'resource'->>'service.name'
        FROM events WHERE session_id = '{session}' ORDER BY ts""")
    assert stored == [
        ["tool_result", "laptop", "deploy-test-agent", "Bash", "37", format(context.trace_id, "032x"),
         format(context.span_id, "016x"), "tool finished", "INFO", "deploy-test-agent"],
        ["note", "laptop", "deploy-test-agent", None, None, None, None, "outside any span", "WARN", "deploy-test-agent"],
    ]


def test_python_sdk_counter_and_histogram_in_protobuf_are_metric_rows(collector, pg):
    service = f"py-metrics-{uuid.uuid4()}"
    exporter = OTLPMetricExporter(endpoint=endpoint(collector, "metrics"), headers={"X-API-Key": collector.key})
    reader = PeriodicExportingMetricReader(exporter, export_interval_millis=3_600_000)
    provider = MeterProvider(resource=Resource.create({"service.name": service}), metric_readers=[reader])
    meter = provider.get_meter("deploy-test")
    requests = meter.create_counter("agent.requests", unit="1")
    latency = meter.create_histogram("agent.latency", unit="ms")
    requests.add(2, {"route": "chat"})
    requests.add(1, {"route": "chat"})
    latency.record(12.5, {"route": "chat"})
    latency.record(40, {"route": "chat"})
    provider.shutdown()

    stored = rows(pg, f"""
        SELECT name, kind, unit, temporality, is_monotonic, value, attributes->>'route', (detail->>'count')::int,
               detail->'bucketCounts' IS NOT NULL, host_id
        FROM otlp_metrics WHERE resource->>'service.name' = '{service}' ORDER BY name""")
    assert stored == [
        ["agent.latency", "histogram", "ms", "cumulative", None, "52.5", "chat", "2", "t", "laptop"],
        ["agent.requests", "sum", "1", "cumulative", "t", "3", "chat", None, "f", "laptop"],
    ]
