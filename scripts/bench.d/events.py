#!/usr/bin/env python3
"""Realistic, varied telemetry events for scripts/bench, written three ways from one generator:

  templates  batch bodies for wrk (one "host<TAB>body" line each; "@ID@" marks where bench.lua puts the
             request's unique prefix of each eventId)
  pgbench    pgbench scripts that insert 100 such rows per transaction with one unnest insert, as the
             collector does (eventIds made unique per transaction from pgbench variables)
  copy       a COPY text file of unique rows for the single-connection COPY ceiling

Standard library only; the same seed gives the same events.
"""
import argparse
import json
import os
import random
import time

EVENT_TYPES = [("tool_call", 30), ("tool_result", 25), ("agent_execution", 15), ("permission_request", 10),
               ("model_call", 10), ("session_start", 3), ("session_end", 3), ("error", 4)]
AGENTS = ["tool-approve", "code-review", "test-runner", "planner", "summarizer", "security-scan", None]
DECISIONS = ["APPROVED", "APPROVED", "APPROVED", "DENIED", "ASK", None]
REASONS = [
    "Tool is safe",
    "Read-only command",
    "On the allow list",
    "Writes outside \"workspace\"",
    "Needs network; ask the user",
    "Pipes curl into sh",
    "Edits a generated file \u2192 ask",
    None,
]
TOOLS = ["Bash", "Read", "Edit", "Write", "Grep", "Glob", "WebFetch", "Task", "TodoWrite", None]
TIERS = ["haiku", "haiku", "sonnet", "sonnet", "sonnet", "opus"]
PROJECTS = ["telemetry", "billing", "infra", "mobile", "docs", "ml"]
BRANCHES = ["main", "feature/group-commit", "fix/flaky-test", "release/2.4", "renovate/lockfile"]
COMMANDS = [["git", "status", "--short"], ["swift", "build", "-c", "release"], ["npm", "test"],
            ["rg", "-n", "TODO", "Sources"], ["ls", "-la"], ["pytest", "-q", "tests/unit"], ["make", "lint"]]


def weighted(rng, pairs):
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


class Generator:
    def __init__(self, seed, hosts):
        self.rng = random.Random(seed)
        self.hosts = hosts
        # Each host runs a handful of sessions at a time; events of one session share its project and agent.
        self.sessions = {
            host: [self._session(host, index) for index in range(12)] for host in hosts}
        self.clock = 1_763_780_000_000  # milliseconds since 1970, advancing like a live stream of events

    def _session(self, host, index):
        rng = self.rng
        return {
            "id": "s-%08x" % rng.getrandbits(32),
            "project": rng.choice(PROJECTS),
            "branch": rng.choice(BRANCHES),
            "agent": rng.choice(AGENTS[:-1]),
            "tier": rng.choice(TIERS),
        }

    def _timestamp(self):
        rng = self.rng
        self.clock += rng.randint(0, 40)
        seconds, millis = divmod(self.clock, 1000)
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
        style = rng.random()
        if style < 0.7:
            return "%s.%03dZ" % (text, millis)
        if style < 0.9:
            return text + "Z"
        # The same instant written with an offset, as some agents report local time.
        shifted = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds + 3600))
        return "%s.%06d+01:00" % (shifted, millis * 1000 + rng.randint(0, 999))

    def event(self, host, event_id):
        """One event as a client sends it: typed fields, an eventId, and a nested attributes object."""
        rng = self.rng
        session = rng.choice(self.sessions[host])
        event_type = weighted(rng, EVENT_TYPES)
        event = {}
        # Some hosts' agents name their host in every event, the others leave it to the key.
        if self.hosts.index(host) % 4 == 0:
            event["hostId"] = host
        event["sessionId"] = session["id"]
        event["eventType"] = event_type
        agent = session["agent"] if rng.random() < 0.9 else rng.choice(AGENTS)
        if agent is not None:
            event["agentName"] = agent
        event["timestamp"] = self._timestamp()
        if event_type in ("tool_call", "permission_request", "agent_execution"):
            event["decision"] = rng.choice(DECISIONS)
            if rng.random() < 0.4:
                event["decisionReason"] = rng.choice(REASONS)
        tool = rng.choice(TOOLS)
        if tool is not None:
            event["toolName"] = tool
        event["latencyMs"] = int(rng.lognormvariate(4.5, 1.2)) if rng.random() < 0.95 else None
        if event_type in ("model_call", "agent_execution", "tool_call"):
            event["modelTier"] = session["tier"]
        event["eventId"] = event_id
        attributes = {"project": session["project"]}
        if event_type in ("model_call", "agent_execution") or rng.random() < 0.2:
            attributes["tokens"] = {"in": rng.randint(200, 60000), "out": rng.randint(5, 4000)}
        if tool == "Bash":
            attributes["exit"] = rng.choice([0, 0, 0, 1, 2])
        event["attributes"] = attributes
        return event

    @staticmethod
    def row(host, event):
        """The events row the collector writes for `event` (attributes: every field it does not know)."""
        known = {"hostId", "sessionId", "eventType", "timestamp", "agentName", "decision", "decisionReason",
                 "toolName", "latencyMs", "modelTier", "eventId"}
        attributes = {key: value for key, value in event.items() if key not in known}
        return (host, event["sessionId"], event["eventType"], event["timestamp"], event.get("agentName"),
                event.get("decision"), event.get("decisionReason"), event.get("toolName"), event.get("latencyMs"),
                event.get("modelTier"), event["eventId"], compact(attributes))


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def write_templates(args):
    hosts = ["bench-%d" % number for number in range(1, args.hosts + 1)]
    generator = Generator(args.seed, hosts)
    total = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for variant in range(args.variants):
            for host in hosts:
                events = [generator.event(host, "@ID@-%02d" % index) for index in range(args.events)]
                body = compact({"events": events})
                total += len(body.encode())
                out.write("%s\t%s\n" % (host, body))
    print("%d bodies, %.1f KB on average" % (args.variants * len(hosts), total / 1024 / (args.variants * len(hosts))))


def array_literal(values, sql_type):
    """A PostgreSQL array literal inside an SQL string: '{"a",NULL,...}'::type[]."""
    items = []
    for value in values:
        if value is None:
            items.append("NULL")
        else:
            text = str(value).replace("\\", "\\\\").replace('"', '\\"')
            items.append('"%s"' % text)
    return "'{%s}'::%s[]" % (",".join(items).replace("'", "''"), sql_type)


def write_pgbench(args):
    hosts = ["bench-%d" % number for number in range(1, args.hosts + 1)]
    generator = Generator(args.seed + 1, hosts)
    types = ["text", "text", "text", "timestamptz", "text", "text", "text", "text", "int4", "text", None, "jsonb"]
    os.makedirs(args.out_dir, exist_ok=True)
    for number in range(args.scripts):
        host = hosts[number % len(hosts)]
        rows = [Generator.row(host, generator.event(host, None)) for _ in range(args.rows)]
        columns = []
        for position, sql_type in enumerate(types):
            if sql_type is None:
                # pgbench replaces :client_id and :p (random per transaction) inside the literal.
                ids = [":client_id-:p-%03d" % index for index in range(args.rows)]
                columns.append(array_literal(ids, "text"))
            else:
                columns.append(array_literal([row[position] for row in rows], sql_type))
        with open(os.path.join(args.out_dir, "unnest-%02d.sql" % number), "w", encoding="utf-8") as out:
            out.write("\\set p random(1, 9000000000000000000)\n")
            out.write("INSERT INTO events (host_id, session_id, event_type, ts, agent_name, decision, decision_reason, "
                      "tool_name, latency_ms, model_tier, event_id, attributes)\nSELECT * FROM unnest(%s)\n%s;\n"
                      % (",\n    ".join(columns), args.conflict))


def copy_field(value):
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_copy(args):
    hosts = ["bench-%d" % number for number in range(1, args.hosts + 1)]
    generator = Generator(args.seed + 2, hosts)
    # A few thousand distinct rows, repeated with unique eventIds: generating a million is slower than PostgreSQL.
    distinct = []
    for index in range(4000):
        host = hosts[index % len(hosts)]
        distinct.append(Generator.row(host, generator.event(host, None)))
    lines = []
    for row in distinct:
        fields = [copy_field(value) for value in row]
        lines.append(("\t".join(fields[:10]) + "\t", "\t" + fields[11] + "\n"))
    with open(args.out, "w", encoding="utf-8") as out:
        chunk = []
        for index in range(args.rows):
            head, tail = lines[index % len(lines)]
            chunk.append("%scopy-%09d%s" % (head, index, tail))
            if len(chunk) == 10000:
                out.write("".join(chunk))
                chunk = []
        out.write("".join(chunk))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=20240115)
    parser.add_argument("--hosts", type=int, default=8)
    commands = parser.add_subparsers(dest="command", required=True)
    templates = commands.add_parser("templates")
    templates.add_argument("--events", type=int, required=True)
    templates.add_argument("--variants", type=int, default=8)
    templates.add_argument("--out", required=True)
    pgbench = commands.add_parser("pgbench")
    pgbench.add_argument("--rows", type=int, default=100)
    pgbench.add_argument("--scripts", type=int, default=8)
    pgbench.add_argument("--conflict", default="ON CONFLICT (host_id, event_id, ts) DO NOTHING")
    pgbench.add_argument("--out-dir", required=True)
    copy = commands.add_parser("copy")
    copy.add_argument("--rows", type=int, default=1_000_000)
    copy.add_argument("--out", required=True)
    args = parser.parse_args()
    {"templates": write_templates, "pgbench": write_pgbench, "copy": write_copy}[args.command](args)


if __name__ == "__main__":
    main()
