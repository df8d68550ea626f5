"""A small HTTP server in a thread that records what it was asked and answers as configured: the tests' stand-in for
Grafana (which cannot be installed here) and for a health endpoint."""
import http.server
import json
import threading


class StandIn:
    def __init__(self, status=200, headers=None):
        self.status = status
        self.headers = dict(headers or {})
        self.requests = []  # (method, path, headers) as received
        stand_in = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                stand_in.requests.append((self.command, self.path, dict(self.headers)))
                body = json.dumps({"path": self.path}).encode()
                self.send_response(stand_in.status)
                for name, value in stand_in.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = answer

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
