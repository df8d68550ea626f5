"""Two collectors against one PostgreSQL, each with its own spool, behind the real Caddy with the repository's
Caddyfile in its two-collector mode (docker-compose.ha.yml): several senders post through Caddy, one collector is
killed with SIGKILL in the middle, and every event a 200 or 202 acknowledged is stored exactly once.

Senders retry a batch that got no answer or a 5xx with the same eventIds, as a sender that wants its events kept does;
a batch the killed collector committed but could not answer is then offered again through the other one, and its
eventIds make that a no-op. The killed collector is started again at the end, with its spool, as compose's restart
policy would, so that anything it had only spooled reaches PostgreSQL too."""
import http.client
import time

import pytest

import telemetry_db as db
from caddy_proxy import MAX_BODY_BYTES, MAX_TRANSCRIPT_BYTES, CaddyProxy
from collector_process import Collector
from load import Load, stored_event_ids
from pgcluster import PostgresCluster, free_port

DATABASE = "telemetry"
SENDERS = 4
EVENTS_PER_BATCH = 20
BEFORE_KILL_ANSWERS = 25  # per sender
AFTER_KILL_SECONDS = 5


@pytest.fixture
def cluster():
    cluster = PostgresCluster()
    try:
        cluster.start()
        db.create_migrator(cluster)
        db.create_database(cluster, DATABASE)
        yield cluster
    finally:
        cluster.stop()


def collector(cluster):
    process = Collector(cluster.dsn(db.MIGRATOR, db.MIGRATOR_PASSWORD, DATABASE), free_port(), MAX_BODY_BYTES,
                        MAX_TRANSCRIPT_BYTES)
    process.metrics_port = free_port()
    process.env.update(METRICS_HOST="127.0.0.1", METRICS_PORT=str(process.metrics_port),
                       RATE_LIMIT_EVENTS_PER_MINUTE="100000000")
    return process


def counter(process, name):
    """A counter from the collector's metrics port."""
    connection = http.client.HTTPConnection("127.0.0.1", process.metrics_port, timeout=5)
    try:
        connection.request("GET", "/metrics")
        text = connection.getresponse().read().decode()
    finally:
        connection.close()
    (line,) = [line for line in text.splitlines() if line.startswith(name + " ")]
    return int(line.split()[1])


def inserted(process):
    return counter(process, "collector_events_inserted_total")


def test_killing_one_of_two_collectors_under_load_loses_and_duplicates_no_acknowledged_event(cluster):
    first, second = collector(cluster), collector(cluster)
    caddy = None
    loads = []
    try:
        first.run("migrate")
        keys = [first.run("keys", "create", "--host", f"sender-{n}").strip() for n in range(SENDERS)]
        first.start()
        second.start()
        caddy = CaddyProxy(collector_port=first.port, grafana_port=free_port(), domain="127.0.0.1", https="off",
                           collector_ports=[first.port, second.port]).start()

        loads = [Load(caddy.port, key, f"ha-{n}", events_per_batch=EVENTS_PER_BATCH, interval=0.005, retry=True)
                 for n, key in enumerate(keys)]
        for load in loads:
            load.__enter__()
        for load in loads:
            load.wait_for_answers(BEFORE_KILL_ANSWERS)
        assert inserted(first) > 0 and inserted(second) > 0, "Caddy must spread the load over both collectors"

        first.process.kill()  # SIGKILL: no drain, no goodbye
        first.process.wait()
        killed_at = time.monotonic()
        second_at_kill = inserted(second)
        time.sleep(AFTER_KILL_SECONDS)
        for load in loads:
            load.stop()
        assert inserted(second) > second_at_kill, "the surviving collector must take the load"
        after_kill = sum(1 for load in loads for at, status, _ in load.answers if at > killed_at and status == 200)
        assert after_kill > 0

        first.start()  # compose's `restart: unless-stopped`, with the same spool
        acknowledged = set().union(*(load.acknowledged() for load in loads))
        deadline = time.monotonic() + 30
        while True:
            rows, stored = stored_event_ids(cluster, DATABASE, "ha")
            if acknowledged <= stored or time.monotonic() > deadline:
                break
            time.sleep(0.3)

        made = {f"ha-{n}-{i}" for n, load in enumerate(loads) for i in range(load.sent * EVENTS_PER_BATCH)}
        statuses = {}
        for load in loads:
            for status, count in load.statuses().items():
                statuses[status] = statuses.get(status, 0) + count
        figures = {"sent events": len(made), "acknowledged": len(acknowledged), "stored rows": rows,
                   "stored distinct": len(stored), "duplicates": rows - len(stored),
                   "missing": len(acknowledged - stored), "stored, answer lost": len(stored - acknowledged),
                   "answers by status": statuses, "requests without an answer": sum(l.failures for l in loads),
                   "retried batches": sum(l.retries for l in loads), "answers after the kill": after_kill,
                   "retried events the survivor found stored": counter(second, "collector_events_duplicate_total")}
        print("\nHA figures:", figures)
        assert not acknowledged - stored, f"{len(acknowledged - stored)} acknowledged events are missing: {figures}"
        assert rows == len(stored), f"{rows - len(stored)} events stored twice: {figures}"
        assert stored <= made
        assert set(statuses) <= {200, 202, 502, 503}, figures
    finally:
        for load in loads:
            load.stop()
        if caddy:
            caddy.stop()
        first.stop()
        second.stop()
