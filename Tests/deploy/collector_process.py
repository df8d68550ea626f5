"""The real collector (COLLECTOR_BIN, built by the Swift tests' command) against the fixture's PostgreSQL."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from paths import REPO


def collector_binary():
    """The built collector; its absence fails the test, since the deployment stands on it."""
    binary = os.environ.get("COLLECTOR_BIN", "")
    if not binary:
        raise RuntimeError("COLLECTOR_BIN is not set: build the collector (swift build -c release --product collector) "
                           "and point COLLECTOR_BIN at it")
    if not os.access(binary, os.X_OK):
        raise RuntimeError(f"COLLECTOR_BIN={binary} is not an executable file")
    return binary


class Collector:
    def __init__(self, database_url, port, max_body_bytes, max_transcript_bytes):
        self.binary = collector_binary()
        self.port = port
        self.workdir = tempfile.mkdtemp(prefix="deploy-collector-")
        self.spool = os.path.join(self.workdir, "spool")
        os.makedirs(self.spool)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        self.env.update(DATABASE_URL=database_url, HOST="127.0.0.1", PORT=str(port),
                        MIGRATIONS_DIR=str(REPO / "sql"), LOG_LEVEL="info", SPOOL_DIR=self.spool, METRICS_PORT="0",
                        MAX_BODY_BYTES=str(max_body_bytes), MAX_TRANSCRIPT_BYTES=str(max_transcript_bytes))
        self.log_path = os.path.join(self.workdir, "collector.log")
        self.process = None

    def run(self, *args):
        done = subprocess.run([self.binary, *args], env=self.env, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"collector {' '.join(args)} exited with {done.returncode}: {done.stderr}")
        return done.stdout

    def health(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/health", timeout=2) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, None

    def start(self):
        log = open(self.log_path, "w")
        self.process = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"collector serve exited with {self.process.returncode}:\n{self.log()}")
            try:
                if self.health()[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"collector did not become healthy on port {self.port}:\n{self.log()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def log(self):
        with open(self.log_path) as f:
            return f.read()[-4000:]
