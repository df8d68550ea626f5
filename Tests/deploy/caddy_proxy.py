"""The repository's Caddyfile run by the real Caddy on loopback high ports, in any of its HTTPS modes.

The only overrides are the ones the Caddyfile reads from the environment: the site (DOMAIN, HTTPS), the upstreams,
the limits, and CADDY_EXTRA_GLOBAL_OPTIONS, a file of global options naming loopback and the ports, and for
HTTPS=letsencrypt Caddy's own CA instead of Let's Encrypt (the LAN modes need no such help: HTTPS=internal is Caddy's
CA by itself). Whatever DOMAIN says, every connection goes to 127.0.0.1, with DOMAIN as the TLS name and Host.
"""
import http.client
import json
import os
import select
import shutil
import socket
import ssl
import subprocess
import tempfile
import time

from paths import REPO
from pgcluster import free_port

CADDYFILE = REPO / "Caddyfile"
HOMEASSISTANT_ORIGINS = "https://ha.example.com http://homeassistant.local:8123"
MAX_BODY_BYTES = 1048576
MAX_TRANSCRIPT_BYTES = 4 * 1048576  # smaller than the default, to keep uploads in the tests small


def caddy_binary():
    binary = shutil.which("caddy")
    if not binary:
        raise RuntimeError("caddy is not installed (Debian package caddy)")
    return binary


def isolated_env(base, **settings):
    """Caddy's data and config under `base`, nothing from the user's home or the system's trust store."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": base,
           "XDG_DATA_HOME": os.path.join(base, "data"), "XDG_CONFIG_HOME": os.path.join(base, "config")}
    env.update(settings)
    return env


def validate(env):
    return subprocess.run([caddy_binary(), "validate", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
                          env=env, capture_output=True, text=True, timeout=60)


def adapt(env):
    """The JSON configuration Caddy makes of the Caddyfile with these settings."""
    done = subprocess.run([caddy_binary(), "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
                          env=env, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return json.loads(done.stdout)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # {lower-case name: [values]}
        self.body = body

    def header(self, name):
        values = self.headers.get(name.lower(), [])
        assert len(values) <= 1, f"{name} sent {len(values)} times: {values}"
        return values[0] if values else None


class LoopbackHTTPConnection(http.client.HTTPConnection):
    """HTTP to 127.0.0.1 whatever the host is called: the name is only the Host header."""

    def connect(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)


class LoopbackHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 whatever the host is called: the name is only the TLS server name and the Host header."""

    def connect(self):
        raw = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


class CaddyProxy:
    def __init__(self, collector_port, grafana_port, domain="localhost", https="letsencrypt", collector_ports=None):
        """collector_ports: several collectors, proxied as docker-compose.ha.yml does (COLLECTOR_PROXY=ha)."""
        self.domain, self.https = domain, https
        self.base = tempfile.mkdtemp(prefix="deploy-caddy-")
        self.https_port, self.http_port = free_port(), free_port()
        options = os.path.join(self.base, "test-options.caddy")
        with open(options, "w") as f:
            f.write(f"admin off\n{'local_certs' if https == 'letsencrypt' else ''}\nskip_install_trust\n"
                    f"default_bind 127.0.0.1\nhttp_port {self.http_port}\nhttps_port {self.https_port}\n")
        self.env = isolated_env(
            self.base, DOMAIN=domain, HTTPS=https, ACME_EMAIL="ops@example.com",
            HOMEASSISTANT_ORIGINS=HOMEASSISTANT_ORIGINS,
            CADDY_EXTRA_GLOBAL_OPTIONS=options, COLLECTOR_UPSTREAM=f"127.0.0.1:{collector_port}",
            GRAFANA_UPSTREAM=f"127.0.0.1:{grafana_port}", MAX_BODY_BYTES=str(MAX_BODY_BYTES),
            MAX_TRANSCRIPT_BYTES=str(MAX_TRANSCRIPT_BYTES))
        if collector_ports:
            self.env.update(COLLECTOR_UPSTREAM=" ".join(f"127.0.0.1:{port}" for port in collector_ports),
                            COLLECTOR_PROXY="ha")
        self.root_certificate = os.path.join(self.base, "data", "caddy", "pki", "authorities", "local", "root.crt")
        self.log_path = os.path.join(self.base, "caddy.log")
        self.process = None

    def start(self):
        log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [caddy_binary(), "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"caddy exited with {self.process.returncode}:\n{self.log()}")
            try:
                self.request("GET", "/unknown")
                return self
            except (OSError, ssl.SSLError, http.client.HTTPException):
                time.sleep(0.2)
        raise RuntimeError(f"caddy did not answer on port {self.port}:\n{self.log()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.base, ignore_errors=True)

    def log(self):
        with open(self.log_path) as f:
            return f.read()[-4000:]

    @property
    def tls(self):
        return self.https != "off"

    @property
    def port(self):
        """Where the site is served: the HTTPS port, or with HTTPS=off the HTTP port."""
        return self.https_port if self.tls else self.http_port

    @property
    def scheme(self):
        return "https" if self.tls else "http"

    def tls_context(self):
        return ssl.create_default_context(cafile=self.root_certificate)

    def connection(self):
        if self.tls:
            return LoopbackHTTPSConnection(self.domain, self.https_port, context=self.tls_context(), timeout=15)
        return LoopbackHTTPConnection(self.domain, self.http_port, timeout=15)

    def request(self, method, path, body=None, headers=None):
        connection = self.connection()
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            collected = {}
            for name, value in response.getheaders():
                collected.setdefault(name.lower(), []).append(value)
            return Response(response.status, collected, response.read())
        finally:
            connection.close()

    def plain_http(self, path):
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=15)
        try:
            connection.request("GET", path, headers={"Host": self.domain})
            response = connection.getresponse()
            return response.status, response.getheader("Location")
        finally:
            connection.close()

    def post_declaring(self, path, body, headers=None, chunked=False):
        """POST the way careful clients do: with Expect: 100-continue, sending the body only once asked for it and
        stopping as soon as a final answer arrives. A refused body is then answered without being sent at all."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=15) as raw:
            with (self.tls_context().wrap_socket(raw, server_hostname=self.domain) if self.tls else raw) as stream:
                head = [f"POST {path} HTTP/1.1", f"Host: {self.domain}:{self.port}",
                        "Content-Type: application/json", "Expect: 100-continue"]
                head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {len(body)}")
                head += [f"{name}: {value}" for name, value in (headers or {}).items()]
                wire = Wire(stream)
                stream.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
                pieces = body_pieces(body, chunked)
                status, response_headers = wire.head()
                # 100 Continue, from Caddy and again from the upstream: go on sending until a final answer.
                while 100 <= status < 200:
                    while not wire.has_data():
                        piece = next(pieces, None)
                        if piece is None:
                            break
                        try:
                            stream.sendall(piece)
                        except OSError:
                            break  # the server answered and closed: read its answer
                    status, response_headers = wire.head()
                return Response(status, response_headers, b"")


def body_pieces(body, chunked, size=65536):
    for start in range(0, len(body), size):
        part = body[start:start + size]
        yield b"%x\r\n%s\r\n" % (len(part), part) if chunked else part
    if chunked:
        yield b"0\r\n\r\n"


class Wire:
    """Reads HTTP response heads off a socket (TLS or not), and says whether anything has arrived without waiting."""

    def __init__(self, stream):
        self.stream = stream
        self.buffer = b""

    def has_data(self):
        pending = self.stream.pending() if isinstance(self.stream, ssl.SSLSocket) else 0
        return bool(self.buffer) or pending > 0 or bool(select.select([self.stream], [], [], 0)[0])

    def line(self):
        while b"\r\n" not in self.buffer:
            received = self.stream.recv(65536)
            if not received:
                raise ConnectionError("the connection closed before a complete response head")
            self.buffer += received
        line, _, self.buffer = self.buffer.partition(b"\r\n")
        return line.decode("latin-1")

    def head(self):
        status = int(self.line().split()[1])
        headers = {}
        for line in iter(self.line, ""):
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), []).append(value.strip())
        return status, headers
