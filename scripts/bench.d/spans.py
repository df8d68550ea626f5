#!/usr/bin/env python3
"""GenAI agent traces for scripts/bench's traces scenarios, written three ways from one generator:

  bodies   OTLP protobuf export bodies for wrk (one "host<TAB>hex" line each): traces of ten spans (an
           `invoke_agent` root, `chat <model>` calls with token counts, `execute_tool <tool>` calls, some with an
           event), every trace id starting with the 8 bytes "@TRACE@!", which spans.lua replaces per request so that
           every span ever sent is new
  pgbench  pgbench scripts that insert 100 such spans per transaction with one unnest insert into `spans`, as the
           collector writes them (trace ids made unique per transaction from pgbench variables)
  copy     a COPY text file of unique span rows for the single-connection COPY ceiling

Standard library only; the same seed gives the same spans.
"""
import argparse
import json
import os
import random
import struct
import time

MARKER = b"@TRACE@!"
MODELS = ["claude-sonnet-4-5", "claude-opus-4-5", "claude-haiku-4-5", "gpt-5", "gemini-2.5-pro"]
TOOLS = ["Bash", "Read", "Edit", "Write", "Grep", "Glob", "WebFetch", "Task"]
SPANS_PER_TRACE = 10


def varint(value):
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def field(number, content):
    return varint(number << 3 | 2) + varint(len(content)) + content


def field_varint(number, value):
    return varint(number << 3) + varint(value)


def field_fixed64(number, value):
    return varint(number << 3 | 1) + struct.pack("<Q", value)


def key_value(key, value):
    if isinstance(value, bool):
        any_value = field_varint(2, int(value))
    elif isinstance(value, int):
        any_value = field_varint(3, value)
    elif isinstance(value, float):
        any_value = field_fixed64(4, struct.unpack("<Q", struct.pack("<d", value))[0])
    else:
        any_value = field(1, value.encode())
    return field(1, key.encode()) + field(2, any_value)


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.clock = 1_796_290_928_000_000_000

    def trace(self, session):
        """Ten spans of one agent run: (span id, parent id, name, kind, start, end, attributes, events)."""
        rng = self.rng
        self.clock += rng.randint(1_000_000, 50_000_000)
        start = self.clock
        root = rng.randbytes(8)
        model = rng.choice(MODELS)
        spans = []
        moment = start
        for index in range(SPANS_PER_TRACE - 1):
            span_id = rng.randbytes(8)
            begin = moment + rng.randint(100_000, 5_000_000)
            end = begin + int(rng.lognormvariate(18, 1))
            moment = end
            if index % 2 == 0:
                attributes = {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "anthropic",
                              "gen_ai.request.model": model, "gen_ai.response.model": model,
                              "gen_ai.usage.input_tokens": rng.randint(200, 60000),
                              "gen_ai.usage.output_tokens": rng.randint(5, 4000),
                              "gen_ai.usage.cache_read.input_tokens": rng.randint(0, 50000),
                              "gen_ai.response.finish_reasons": "tool_use", "session.id": session,
                              "gen_ai.conversation.id": session, "server.address": "api.anthropic.com"}
                name = "chat " + model
                events = [(begin + 1000, "gen_ai.request.attempt", {"attempt": 1})] if rng.random() < 0.3 else []
            else:
                tool = rng.choice(TOOLS)
                attributes = {"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": tool,
                              "gen_ai.tool.call.id": "toolu_%016x" % rng.getrandbits(64), "session.id": session,
                              "decision": rng.choice(["accept", "accept", "reject"]), "duration_ms": (end - begin) // 1000}
                name = "execute_tool " + tool
                events = []
            spans.append((span_id, root, name, 1, begin, end, attributes, events))
        agent = {"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "coder", "session.id": session,
                 "gen_ai.conversation.id": session}
        spans.insert(0, (root, None, "invoke_agent coder", 1, start, moment + 100_000, agent, []))
        return spans

    def body(self, host, spans_per_body):
        """One export request: one resource, one scope, `spans_per_body` spans in traces of ten."""
        rng = self.rng
        encoded = []
        for _ in range(spans_per_body // SPANS_PER_TRACE):
            trace_id = MARKER + rng.randbytes(8)
            for span_id, parent, name, kind, start, end, attributes, events in self.trace("%s-s%d" % (host, rng.randint(1, 12))):
                span = field(1, trace_id) + field(2, span_id)
                if parent:
                    span += field(4, parent)
                span += field(5, name.encode()) + field_varint(6, kind) + field_fixed64(7, start) + field_fixed64(8, end)
                span += b"".join(field(9, key_value(key, value)) for key, value in attributes.items())
                for moment, event_name, event_attributes in events:
                    event = field_fixed64(1, moment) + field(2, event_name.encode())
                    event += b"".join(field(3, key_value(key, value)) for key, value in event_attributes.items())
                    span += field(11, event)
                encoded.append(field(2, span))
        scope = field(1, field(1, b"demo.agents") + field(2, b"1.0.0")) + b"".join(encoded)
        resource = field(1, b"".join(field(1, key_value(key, value)) for key, value in {
            "service.name": "coder", "service.version": "2.1.0", "host.name": host,
            "telemetry.sdk.language": "python", "telemetry.sdk.name": "opentelemetry"}.items()))
        return field(1, resource + field(2, scope))

    def rows(self, host, count):
        """Span rows as the collector writes them (the columns of `COLUMNS`), trace ids still to be made unique."""
        rows = []
        while len(rows) < count:
            for span_id, parent, name, kind, start, end, attributes, events in self.trace("%s-s1" % host):
                chat = attributes["gen_ai.operation.name"] == "chat"
                tool = attributes["gen_ai.operation.name"] == "execute_tool"
                stored = dict(attributes, **{"otel.scope.name": "demo.agents", "otel.scope.version": "1.0.0"})
                rows.append([
                    host, span_id.hex(), parent.hex() if parent else None, name, "internal", timestamp(start),
                    timestamp(end), (end // 1000 - start // 1000) / 1000, "unset", None, "coder", attributes["session.id"],
                    "otlp", "chat" if chat else "tool" if tool else "agent",
                    attributes.get("gen_ai.request.model"), attributes.get("gen_ai.response.model"),
                    attributes.get("gen_ai.tool.name"), attributes.get("gen_ai.usage.input_tokens"),
                    attributes.get("gen_ai.usage.output_tokens"), attributes.get("gen_ai.usage.cache_read.input_tokens"),
                    None, None, compact(stored), RESOURCE,
                    compact([{"timeUnixNano": str(t), "name": n, "attributes": a} for t, n, a in events]) if events else None])
        return rows[:count]


# The columns the collector writes for an OTLP span (SpanColumn), trace_id apart, and their types.
COLUMNS = [("host_id", "text"), ("span_id", "text"), ("parent_span_id", "text"), ("name", "text"), ("kind", "text"),
           ("start_ts", "timestamptz"), ("end_ts", "timestamptz"), ("duration_ms", "float8"), ("status_code", "text"),
           ("status_message", "text"), ("service_name", "text"), ("session_id", "text"), ("source", "text"),
           ("operation", "text"), ("model_request", "text"), ("model_response", "text"), ("tool_name", "text"),
           ("input_tokens", "int8"), ("output_tokens", "int8"), ("cache_read_tokens", "int8"),
           ("cache_creation_tokens", "int8"), ("cost_usd", "float8"), ("attributes", "jsonb"), ("resource", "jsonb"),
           ("events", "jsonb")]
RESOURCE = json.dumps({"service.name": "coder", "service.version": "2.1.0", "host.name": "bench-1",
                       "telemetry.sdk.language": "python", "telemetry.sdk.name": "opentelemetry"}, separators=(",", ":"))


def timestamp(nanos):
    seconds, rest = divmod(nanos, 1_000_000_000)
    return "%s.%06dZ" % (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)), rest // 1000)


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def write_bodies(args):
    hosts = ["bench-%d" % number for number in range(1, args.hosts + 1)]
    generator = Generator(args.seed)
    total = 0
    with open(args.out, "w") as out:
        for variant in range(args.variants):
            host = hosts[variant % len(hosts)]
            body = generator.body(host, args.spans)
            total += len(body)
            out.write("%s\t%s\n" % (host, body.hex()))
    print("%d bodies of %d spans, %.0f KB on average" % (args.variants, args.spans, total / 1024 / args.variants))


def array_literal(values, sql_type):
    items = []
    for value in values:
        if value is None:
            items.append("NULL")
        else:
            items.append('"%s"' % str(value).replace("\\", "\\\\").replace('"', '\\"'))
    return "'{%s}'::%s[]" % (",".join(items).replace("'", "''"), sql_type)


def write_pgbench(args):
    generator = Generator(args.seed + 1)
    os.makedirs(args.out_dir, exist_ok=True)
    for number in range(args.scripts):
        rows = generator.rows("bench-%d" % (number % args.hosts + 1), args.rows)
        # pgbench replaces :client_id and :p (random per transaction): one trace id per ten rows.
        columns = [array_literal([":client_id-:p-%02d" % (index // SPANS_PER_TRACE) for index in range(args.rows)], "text")]
        columns += [array_literal([row[position] for row in rows], sql_type)
                    for position, (_, sql_type) in enumerate(COLUMNS)]
        names = ", ".join(["trace_id"] + [name for name, _ in COLUMNS])
        with open(os.path.join(args.out_dir, "spans-%02d.sql" % number), "w", encoding="utf-8") as out:
            out.write("\\set p random(1, 9000000000000000000)\n")
            out.write("INSERT INTO spans (%s)\nSELECT * FROM unnest(%s)\n%s;\n"
                      % (names, ",\n    ".join(columns), args.conflict))


def copy_field(value):
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_copy(args):
    generator = Generator(args.seed + 2)
    # A few thousand distinct rows, repeated with unique trace ids: generating a million is slower than PostgreSQL.
    lines = ["\t".join(copy_field(value) for value in row) + "\n" for row in generator.rows("bench-1", 4000)]
    with open(args.out, "w", encoding="utf-8") as out:
        chunk = []
        for index in range(args.rows):
            chunk.append("copy-%09d\t%s" % (index // SPANS_PER_TRACE, lines[index % len(lines)]))
            if len(chunk) == 10000:
                out.write("".join(chunk))
                chunk = []
        out.write("".join(chunk))
    print("trace_id, " + ", ".join(name for name, _ in COLUMNS))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--hosts", type=int, default=8)
    commands = parser.add_subparsers(dest="command", required=True)
    bodies = commands.add_parser("bodies")
    bodies.add_argument("--spans", type=int, required=True)
    bodies.add_argument("--variants", type=int, default=8)
    bodies.add_argument("--out", required=True)
    pgbench = commands.add_parser("pgbench")
    pgbench.add_argument("--rows", type=int, default=100)
    pgbench.add_argument("--scripts", type=int, default=8)
    pgbench.add_argument("--conflict", default="ON CONFLICT (host_id, trace_id, span_id) DO NOTHING")
    pgbench.add_argument("--out-dir", required=True)
    copy = commands.add_parser("copy")
    copy.add_argument("--rows", type=int, default=1_000_000)
    copy.add_argument("--out", required=True)
    args = parser.parse_args()
    {"bodies": write_bodies, "pgbench": write_pgbench, "copy": write_copy}[args.command](args)


if __name__ == "__main__":
    main()
