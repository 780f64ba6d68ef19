"""One web host mapped to a local folder, over real HTTPS, without touching /etc/hosts.

``MappedHost`` is an HTTP proxy on 127.0.0.1: a program given ``HTTPS_PROXY`` asks it to
CONNECT to a host; for the mapped host it answers the TLS itself, with a certificate made
for this run (give the program ``cert`` as its trusted bundle: ``REQUESTS_CA_BUNDLE``,
``SSL_CERT_FILE``) and serves files from the folder. Any other host is refused, and every
host asked for is recorded in ``hosts``, so a test can prove that no other host was reached.
"""

from __future__ import annotations

import functools
import http.server
import socketserver
import ssl
import subprocess
import threading
from pathlib import Path


def make_certificate(host: str, folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate and key for HOST (openssl), valid for a day."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={host}",
                    "-addext", f"subjectAltName=DNS:{host}"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


class _Files(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class MappedHost:
    def __init__(self, host: str, folder: Path, workdir: Path):
        self.host, self.hosts, self.paths = host, [], []
        self.cert, key = make_certificate(host, workdir)
        self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.tls.load_cert_chain(self.cert, key)
        files = functools.partial(_Files, directory=str(folder))
        outer = self

        class Proxy(socketserver.StreamRequestHandler):
            def handle(self):
                line = self.rfile.readline(65536).decode("latin-1").split()
                while self.rfile.readline(65536) not in (b"\r\n", b"\n", b""):
                    pass  # the proxy request's headers
                if len(line) < 2:
                    return
                target = line[1].split(":")[0] if line[0] == "CONNECT" else line[1]
                outer.hosts.append(target)
                if line[0] != "CONNECT" or target != outer.host:
                    self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                    return
                self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self.wfile.flush()
                with outer.tls.wrap_socket(self.connection, server_side=True) as inner:
                    served = files(inner, self.client_address, self.server)
                    outer.paths.append(getattr(served, "path", ""))

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Proxy)
        self.server.daemon_threads = True

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def environment(self, env: dict[str, str]) -> dict[str, str]:
        """ENV with every proxy variable pointing here and this run's certificate trusted."""
        out = {k: v for k, v in env.items() if k.lower() not in ("no_proxy", "all_proxy")}
        for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
            out[name] = self.proxy
        for name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE"):
            out[name] = str(self.cert)
        return out

    def __enter__(self) -> MappedHost:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
