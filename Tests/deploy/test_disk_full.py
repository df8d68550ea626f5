"""The spool's disk filling up before SPOOL_MAX_BYTES: a small tmpfs holds the spool while PostgreSQL is away. Every
202 is an event that later reaches PostgreSQL, once the disk is full the answer is 503 with Retry-After (never a 2xx
for data that was not written, never another 5xx), and the collector accepts again when space returns."""
import http.client
import json
import subprocess
import time

import pytest

import telemetry_db as db
from collector_process import Collector
from load import stored_event_ids
from pgcluster import PostgresCluster, free_port

DATABASE = "telemetry"
DISK_BYTES = 1 << 20
FILLER_BYTES = 256 << 10


@pytest.fixture
def small_disk(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a {DISK_BYTES}-byte tmpfs for the spool (needs root and mount permission): "
                    f"{mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "--lazy", str(disk)], capture_output=True)


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


class Sender:
    def __init__(self, port, key):
        self.port, self.key, self.sent = port, key, 0

    def post(self, events=10):
        ids = [f"disk-{self.sent}-{i}" for i in range(events)]
        self.sent += 1
        # About 2 KB a batch, so that the disk fills in a few hundred requests.
        body = json.dumps({"events": [{"sessionId": "disk", "eventType": "load", "timestamp": "2024-01-15T10:30:00Z",
                                       "eventId": i, "decisionReason": "x" * 150} for i in ids]}).encode()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            connection.request("POST", "/api/v1/telemetry/batch", body=body,
                               headers={"Content-Type": "application/json", "X-API-Key": self.key})
            response = connection.getresponse()
            return response.status, response.getheader("Retry-After"), response.read(), ids
        finally:
            connection.close()


def test_a_full_spool_disk_answers_503_with_retry_after_and_recovers(cluster, small_disk):
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * FILLER_BYTES)
    collector = Collector(cluster.dsn(db.MIGRATOR, db.MIGRATOR_PASSWORD, DATABASE), free_port(), 1048576, 1048576)
    collector.spool = str(small_disk / "spool")
    collector.env.update(SPOOL_DIR=collector.spool, SPOOL_MAX_BYTES=str(64 << 20), SPOOL_RETRY_MS="200")
    try:
        collector.run("migrate")
        sender = Sender(collector.port, collector.run("keys", "create", "--host", "laptop").strip())
        collector.start()
        assert sender.post()[0] == 200
        cluster.stop_server()

        spooled, answers = set(), []
        for _ in range(2000):  # the disk holds a few hundred batches; SPOOL_MAX_BYTES is far away
            status, retry_after, body, ids = sender.post()
            answers.append((status, retry_after))
            if status != 202:
                break
            spooled.update(ids)
        assert answers[-1][0] == 503, f"after {len(spooled)} spooled events: {answers[-1]} {body[:200]!r}"
        assert spooled, "nothing was spooled before the disk filled"
        for _ in range(5):
            status, retry_after, body, _ = sender.post()
            answers.append((status, retry_after))
        assert {status for status, _ in answers} <= {202, 503}, answers
        assert all(retry_after and int(retry_after) > 0 for status, retry_after in answers if status == 503), answers
        assert answers[-5:] == [answers[-1]] * 5, "a full disk stays refused until space returns"
        assert "No space left on device" in collector.log(), "the 503s must come from the full disk"
        assert len(spooled) * 200 < 64 << 20, "SPOOL_MAX_BYTES was far away"
        health = http.client.HTTPConnection("127.0.0.1", collector.port, timeout=10)
        health.request("GET", "/api/v1/health")
        answer = health.getresponse()
        assert (answer.status, json.loads(answer.read())["status"]) == (503, "unavailable"), \
            "health must not call a spool that refuses everything degraded"
        health.close()

        filler.unlink()
        status, _, _, ids = sender.post()
        assert status == 202, "space returned but the collector still refuses"
        spooled.update(ids)

        cluster.start_server()
        deadline = time.monotonic() + 30
        while True:
            rows, stored = stored_event_ids(cluster, DATABASE, "disk")
            if not spooled - stored or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert not spooled - stored, f"{len(spooled - stored)} events answered 202 never reached PostgreSQL"
        assert rows == len(stored)
        assert sender.post()[0] == 200
    finally:
        collector.stop()
