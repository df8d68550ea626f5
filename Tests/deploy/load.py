"""A light, steady load for the operations tests: batches of events with unique eventIds posted to a collector from a
background thread, and what each answer acknowledged, so a test can ask which events must be stored. With retry, a
batch without an answer or answered 5xx is sent again with the same eventIds, as a sender that wants its events kept
does."""
import http.client
import json
import threading
import time
from datetime import datetime, timezone


class Load:
    def __init__(self, port, key, prefix, events_per_batch=10, interval=0.02, retry=False):
        self.port, self.key, self.prefix = port, key, prefix
        self.events_per_batch, self.interval, self.retry = events_per_batch, interval, retry
        self.answers = []  # (monotonic time of the answer, status, [eventIds])
        self.failures = 0  # requests without an answer: refused connections while a collector restarts, resets
        self.sent = 0  # batches made (each retried batch counts once)
        self.retries = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"load-{prefix}", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=30)

    def batch(self):
        ids = [f"{self.prefix}-{self.sent * self.events_per_batch + i}" for i in range(self.events_per_batch)]
        self.sent += 1
        now = datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")
        events = [{"sessionId": self.prefix, "eventType": "load", "timestamp": now, "eventId": i, "toolName": "Bash"}
                  for i in ids]
        return ids, json.dumps({"events": events}).encode()

    def _run(self):
        connection = None
        pending = None
        while not self._stop.is_set():
            ids, body = pending or self.batch()
            pending = None
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                connection.request("POST", "/api/v1/telemetry/batch", body=body,
                                   headers={"Content-Type": "application/json", "X-API-Key": self.key})
                response = connection.getresponse()
                response.read()
                with self._lock:
                    self.answers.append((time.monotonic(), response.status, ids))
                if self.retry and response.status >= 500:
                    pending = (ids, body)
                    self.retries += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                self.failures += 1
                if self.retry:
                    pending = (ids, body)
                    self.retries += 1
                if connection is not None:
                    connection.close()
                connection = None
            self._stop.wait(self.interval)
        if connection is not None:
            connection.close()

    def acknowledged(self, before=None, statuses=(200, 202)):
        """eventIds of the answers with these statuses (200: committed; 202: spooled), answered before `before`."""
        with self._lock:
            return {i for at, status, ids in self.answers
                    if status in statuses and (before is None or at < before) for i in ids}

    def statuses(self):
        with self._lock:
            counts = {}
            for _, status, _ in self.answers:
                counts[status] = counts.get(status, 0) + 1
            return counts

    def wait_for_answers(self, count, timeout=30):
        deadline = time.monotonic() + timeout
        while len(self.answers) < count:
            assert time.monotonic() < deadline, f"only {len(self.answers)} answers in {timeout}s: {self.statuses()}"
            time.sleep(0.05)


def stored_event_ids(cluster, database, prefix):
    """(rows, distinct eventIds) of the events whose eventId starts with `prefix`, and the set of those ids."""
    result = cluster.query(f"SELECT event_id FROM events WHERE event_id LIKE '{prefix}-%'", database, "postgres")
    ids = [row[0] for row in result.rows]
    return len(ids), set(ids)
