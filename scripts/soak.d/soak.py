#!/usr/bin/env python3
"""The traffic and the samples of scripts/soak (standard library only).

  soak.py traffic  --port P --templates FILE --keys FILE --seconds S --events-per-second R --bad-per-second B --out DIR
      Hosts post realistic batches (templates from scripts/bench.d/events.py) at a steady total rate, each host on its
      own kept-alive connection; a flood of random keys and malformed bodies goes alongside. Writes DIR/acked.tsv
      (host, eventId of every event answered 200 or 202) and DIR/traffic.txt (answers by kind and status).
  soak.py sample   --pid PID --port P --spool DIR --every S --out FILE
      Every S seconds until the collector exits or the file stop-sampling appears next to FILE: RSS, open file
      descriptors, threads, the spool's size on disk and as /api/v1/health reports it, and whether the database is up.
  soak.py summary  --csv FILE
      min, max, last and the least-squares slope per hour of each series; RSS's slope again at steady load.
"""
import argparse
import csv
import http.client
import json
import os
import random
import threading
import time

EVENTS_PER_BATCH = 10  # the templates' size; scripts/soak generates them with --events 10


def post(connection, path, body, headers):
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = {}  # (kind, status) -> requests

    def add(self, kind, status):
        with self.lock:
            self.statuses[(kind, status)] = self.statuses.get((kind, status), 0) + 1


def host_traffic(args, host, key, bodies, interval, stop, counter, acked, acked_lock):
    """One host: a batch every `interval` seconds on one kept-alive connection, reconnecting after errors."""
    connection, number, next_at = None, 0, time.monotonic() + random.random() * interval
    headers = {"Content-Type": "application/json", "X-API-Key": key}
    while not stop.is_set():
        stop.wait(max(0.0, next_at - time.monotonic()))
        next_at += interval
        prefix = f"soak-{host}-{number}"
        number += 1
        body = random.choice(bodies).replace("@ID@", prefix).encode()
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
            status = post(connection, "/api/v1/telemetry/batch", body, headers)
        except (OSError, http.client.HTTPException):
            counter.add("good", "no answer")
            if connection is not None:
                connection.close()
            connection = None
            continue
        counter.add("good", status)
        if status in (200, 202):
            with acked_lock:
                acked.extend(f"{host}\t{prefix}-{index:02d}" for index in range(EVENTS_PER_BATCH))


MALFORMED = [
    b'{"events": [',
    b'{"events": []}',
    b'{"events": [{"sessionId": "x"}]}',
    b'not json at all',
    b'{"events": [{"sessionId": "x", "eventType": "y", "timestamp": "yesterday"}]}',
    b'\xff\xfe\x00garbage',
    b'{"events": [{"sessionId": "x", "eventType": "y", "timestamp": "2024-01-15T10:30:00Z", "sessionId": "z"}]}',
]


def bad_traffic(args, keys, interval, stop, counter):
    """Random keys (401, or 503 while the database cannot say) and malformed bodies with a real key (400)."""
    rng = random.Random(7)
    connection, next_at = None, time.monotonic()
    while not stop.is_set():
        stop.wait(max(0.0, next_at - time.monotonic()))
        next_at += interval
        if rng.random() < 0.5:
            kind = "bad key"
            headers = {"Content-Type": "application/json", "X-API-Key": "%064x" % rng.getrandbits(256)}
            body = b'{"events":[{"sessionId":"s","eventType":"e","timestamp":"2024-01-15T10:30:00Z"}]}'
        else:
            kind = "malformed"
            headers = {"Content-Type": "application/json", "X-API-Key": rng.choice(keys)[1]}
            body = rng.choice(MALFORMED)
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
            counter.add(kind, post(connection, "/api/v1/telemetry/batch", body, headers))
        except (OSError, http.client.HTTPException):
            counter.add(kind, "no answer")
            if connection is not None:
                connection.close()
            connection = None


def traffic(args):
    keys = [line.split() for line in open(args.keys) if line.strip()]
    templates = {}
    for line in open(args.templates, encoding="utf-8"):
        host, _, body = line.rstrip("\n").partition("\t")
        templates.setdefault(host, []).append(body)
    stop, counter, acked, acked_lock = threading.Event(), Counter(), [], threading.Lock()
    per_host_interval = len(keys) * EVENTS_PER_BATCH / args.events_per_second
    threads = [threading.Thread(target=host_traffic, args=(args, host, key, templates[host], per_host_interval, stop,
                                                           counter, acked, acked_lock)) for host, key in keys]
    if args.bad_per_second > 0:
        # Two flooders, so that one slow answer does not halve the flood.
        threads += [threading.Thread(target=bad_traffic, args=(args, keys, 2 / args.bad_per_second, stop, counter))
                    for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(args.seconds)
    stop.set()
    for thread in threads:
        thread.join()
    with open(os.path.join(args.out, "acked.tsv"), "w") as out:
        out.write("".join(line + "\n" for line in acked))
    with open(os.path.join(args.out, "traffic.txt"), "w") as out:
        for (kind, status), count in sorted(counter.statuses.items(), key=lambda item: (item[0][0], str(item[0][1]))):
            out.write(f"{kind}\t{status}\t{count}\n")
        out.write(f"acked_events\t-\t{len(acked)}\n")


def health(port):
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/api/v1/health")
        answer = json.loads(connection.getresponse().read())
        connection.close()
        return answer.get("database") == "up", answer.get("spool", {}).get("bytes", "")
    except (OSError, http.client.HTTPException, ValueError):
        return "", ""


def status_field(pid, name):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return ""


def disk_bytes(directory):
    total = 0
    for root, _, files in os.walk(directory):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
    return total


def sample(args):
    stop_file = os.path.join(os.path.dirname(args.out), "stop-sampling")
    started = time.monotonic()
    with open(args.out, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["seconds", "rss_kb", "open_fds", "threads", "spool_disk_bytes", "spool_pending_bytes",
                         "database_up"])
        while os.path.exists(f"/proc/{args.pid}") and not os.path.exists(stop_file):
            up, pending = health(args.port)
            try:
                row = [round(time.monotonic() - started), status_field(args.pid, "VmRSS"),
                       len(os.listdir(f"/proc/{args.pid}/fd")), status_field(args.pid, "Threads"),
                       disk_bytes(args.spool), pending, {True: 1, False: 0}.get(up, "")]
            except OSError:
                break  # the collector exited between the checks
            writer.writerow(row)
            out.flush()
            deadline = time.monotonic() + args.every
            while time.monotonic() < deadline and not os.path.exists(stop_file):
                time.sleep(0.5)


def slope_per_hour(points):
    """Least-squares slope of (seconds, value) points, per hour."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    return 0.0 if spread == 0 else sum((t - mean_t) * (v - mean_v) for t, v in points) / spread * 3600


def summary(args):
    rows = list(csv.DictReader(open(args.csv)))
    print(f"{'series':<20} {'min':>12} {'max':>12} {'last':>12} {'slope/hour':>12}")
    for name in ("rss_kb", "open_fds", "threads", "spool_disk_bytes", "spool_pending_bytes"):
        points = [(int(row["seconds"]), int(row[name])) for row in rows if row[name] != ""]
        if not points:
            continue
        values = [v for _, v in points]
        print(f"{name:<20} {min(values):>12} {max(values):>12} {values[-1]:>12} {slope_per_hour(points):>12.1f}")
    # RSS steps up while a replay after an outage holds its batches; a leak shows as growth at a steady load, so the
    # same slope again over the samples after the last replay.
    down = [index for index, row in enumerate(rows) if row["database_up"] == "0"]
    steady = rows[down[-1] + 2:] if down else rows
    points = [(int(row["seconds"]), int(row["rss_kb"])) for row in steady if row["rss_kb"] != ""]
    if len(points) >= 2:
        print(f"rss_kb slope/hour from {points[0][0]} s (after the last outage's replay) to the end: "
              f"{slope_per_hour(points):.1f}")
    down = [int(row["seconds"]) for row in rows if row["database_up"] == "0"]
    print(f"samples: {len(rows)} over {rows[-1]['seconds'] if rows else 0} s; database down in {len(down)} of them")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("traffic")
    run.add_argument("--port", type=int, required=True)
    run.add_argument("--templates", required=True)
    run.add_argument("--keys", required=True)
    run.add_argument("--seconds", type=float, required=True)
    run.add_argument("--events-per-second", type=float, required=True)
    run.add_argument("--bad-per-second", type=float, required=True)
    run.add_argument("--out", required=True)
    sampler = commands.add_parser("sample")
    sampler.add_argument("--pid", type=int, required=True)
    sampler.add_argument("--port", type=int, required=True)
    sampler.add_argument("--spool", required=True)
    sampler.add_argument("--every", type=float, default=10)
    sampler.add_argument("--out", required=True)
    summarize = commands.add_parser("summary")
    summarize.add_argument("--csv", required=True)
    args = parser.parse_args()
    {"traffic": traffic, "sample": sample, "summary": summary}[args.command](args)


if __name__ == "__main__":
    main()
