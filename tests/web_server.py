"""A real local web server for the fetching tests: a good dataset, a slow one, a huge one
(said in its length, or only found by reading), a 404, an HTML page, a redirect to a host
not on the allow-list, and one that fails once and then works."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Server:
    base: str
    good: bytes
    hits: list[str] = field(default_factory=list)


def _handler(server: Server):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output quiet
            pass

        def _send(self, code: int, body: bytes, kind: str = "application/json",
                  length: int | None = None) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_GET(self):  # noqa: N802 - the name http.server calls
            server.hits.append(self.path)
            if self.path == "/good.json":
                self._send(200, server.good)
            elif self.path == "/slow.json":
                time.sleep(1.5)
                self._send(200, server.good)
            elif self.path == "/huge.json":
                self._send(200, b"{}", length=10_000_000_000)
            elif self.path == "/endless.json":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                try:
                    for _ in range(100):
                        self.wfile.write(b" " * 10_000)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True
            elif self.path == "/page.html":
                self._send(200, b"<html><body>Not a dataset</body></html>", "text/html")
            elif self.path == "/away.json":
                self.send_response(302)
                self.send_header("Location", "http://evil.example/data.json")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path == "/flaky.json" and server.hits.count("/flaky.json") == 1:
                self._send(503, b"busy", "text/plain")
            elif self.path == "/flaky.json":
                self._send(200, server.good.replace(b'"title"', b'"title" ', 1))
            else:
                self._send(404, b"not found", "text/plain")

    return Handler


@contextmanager
def serve(good: bytes):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), None)
    server = Server(f"http://127.0.0.1:{httpd.server_address[1]}", good)
    httpd.RequestHandlerClass = _handler(server)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
