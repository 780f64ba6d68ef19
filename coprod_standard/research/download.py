"""One download from the web, within bounds: allowed hosts only (redirects included), a
size limit, and a deadline for the whole download (connecting, waiting, every byte), not
for each read, so that a server sending a byte a second is cut off all the same.

Whatever goes wrong (a malformed address or answer, a reset connection, a TLS error, a
body shorter than it said) ends as a ``DownloadFailed`` with a plain reason, never as an
exception that would stop the caller's other downloads.
"""

from __future__ import annotations

import http.client
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from ..suggest import printable

USER_AGENT = "coprod-standard (combine)"
CHUNK = 64 * 1024
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")  # spaces and control characters


class DownloadFailed(Exception):
    """A download that did not give the file; ``retry`` when asking again may help."""

    def __init__(self, reason: str, retry: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


def url_problem(url: str) -> str | None:
    """Why URL cannot be fetched as it is written, or None when it can be tried."""
    if _UNSAFE.search(url):
        return ("the web address holds a space, a line break or another control character "
                "(write a space as %20)")
    if not url.isascii():
        return ("the web address holds characters beyond plain ASCII (percent-encode them, "
                "and write the host in its xn-- form)")
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port
    except ValueError as exc:
        return f"the web address is not valid ({printable(exc)})"
    if parts.scheme.lower() not in ("http", "https"):
        return "only http and https addresses are fetched"
    if not host:
        return "the web address has no host"
    return None


class _AllowListRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, allowed: set[str]) -> None:
        self.allowed = allowed

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        problem = url_problem(newurl)
        if problem:
            raise DownloadFailed(f"it was redirected to an address that cannot be used: "
                                 f"{problem}")
        host = urlsplit(newurl).hostname or ""
        if host not in self.allowed:
            raise DownloadFailed(f"it was redirected to {printable(host, 100)}, which is not on "
                                 "the allow-list")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Deadline:
    """The end of one download: every connection it opens waits at most until then, and
    is shut down if it is still going."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.sockets: list[socket.socket] = []

    def connection(self, http_class):
        def make(host, **kwargs):
            kwargs["timeout"] = max(self.end - time.monotonic(), 0.01)
            conn = http_class(host, **kwargs)
            connect = conn.connect

            def tracked_connect():
                connect()
                self.sockets.append(conn.sock)
            conn.connect = tracked_connect
            return conn
        return make

    def cut(self) -> None:
        for sock in self.sockets:
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:  # already closed
                pass


class _WithinDeadline:
    """A handler whose connections are cut when the download's deadline passes."""

    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def do_open(self, http_class, req, **kwargs):
        return super().do_open(self.deadline.connection(http_class), req, **kwargs)


class _HTTP(_WithinDeadline, urllib.request.HTTPHandler):
    pass


class _HTTPS(_WithinDeadline, urllib.request.HTTPSHandler):
    pass


def _read(url: str, allowed: set[str], deadline: _Deadline, max_bytes: int) -> bytes:
    opener = urllib.request.build_opener(_AllowListRedirects(allowed), _HTTP(deadline),
                                         _HTTPS(deadline))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with opener.open(request) as response:
        length = (response.headers.get("Content-Length") or "").strip()
        if length.isdecimal() and int(length) > max_bytes:
            raise DownloadFailed(f"it is {int(length):,} bytes, more than the limit of "
                                 f"{max_bytes:,}")
        chunks, total = [], 0
        while chunk := response.read(CHUNK):
            total += len(chunk)
            if total > max_bytes:
                raise DownloadFailed(f"it is more than the limit of {max_bytes:,} bytes")
            chunks.append(chunk)
        if getattr(response, "length", None):  # http.client does not say so itself
            raise DownloadFailed(f"the server stopped after {total:,} bytes of the "
                                 f"{total + response.length:,} it announced", retry=True)
        return b"".join(chunks)


def download(url: str, allowed: set[str], timeout: float, max_bytes: int) -> bytes:
    """The bytes at URL, read in a worker thread that is given up on TIMEOUT seconds after
    the start, whatever it is doing (even a name lookup); or DownloadFailed."""
    problem = url_problem(url)
    if problem:
        raise DownloadFailed(problem)
    deadline = _Deadline(timeout)
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["data"] = _read(url, allowed, deadline, max_bytes)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, said plainly
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="coprod-download", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        deadline.cut()
        worker.join(1.0)  # it usually ends at once; it is not waited for beyond that
        raise DownloadFailed(f"it took longer than the timeout ({timeout:g} seconds for the "
                             "whole download), so it was stopped")
    if "error" in outcome:
        raise reason_for(outcome["error"], timeout) from None
    return outcome["data"]  # type: ignore[return-value]


def reason_for(exc: BaseException, timeout: float) -> DownloadFailed:
    """A plain reason for anything a download raised, and whether to ask again."""
    if isinstance(exc, DownloadFailed):
        return exc
    if isinstance(exc, urllib.error.HTTPError):
        return DownloadFailed(f"the server answered {exc.code} {printable(exc.reason, 100)}",
                              retry=exc.code >= 500)
    if isinstance(exc, urllib.error.URLError):
        return reason_for(exc.reason, timeout) if isinstance(exc.reason, BaseException) \
            else DownloadFailed(f"it could not be fetched ({printable(exc.reason, 150)})")
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return DownloadFailed(f"it took longer than the timeout ({timeout:g} seconds for the "
                              "whole download), so it was stopped")
    if isinstance(exc, http.client.IncompleteRead):
        return DownloadFailed(f"the server stopped after {len(exc.partial):,} bytes, before "
                              "the end of the file", retry=True)
    if isinstance(exc, http.client.RemoteDisconnected):
        return DownloadFailed("the server closed the connection without answering", True)
    if isinstance(exc, http.client.LineTooLong):
        return DownloadFailed("the server's answer has a line longer than HTTP allows")
    if isinstance(exc, http.client.BadStatusLine):
        return DownloadFailed("the server's answer is not HTTP (its first line is "
                              f"{printable(exc.line, 60)!r})" if exc.line else
                              "the server's answer is not HTTP")
    if isinstance(exc, http.client.HTTPException):
        return DownloadFailed(f"the server's answer could not be understood "
                              f"({type(exc).__name__}: {printable(exc, 100)})")
    if isinstance(exc, ssl.SSLError):
        return DownloadFailed(f"the secure (TLS) connection failed: "
                              f"{printable(exc.reason or exc, 150)}")
    if isinstance(exc, ConnectionResetError):
        return DownloadFailed("the server reset the connection", retry=True)
    if isinstance(exc, ConnectionRefusedError):
        return DownloadFailed("the server refused the connection", retry=True)
    if isinstance(exc, socket.gaierror):
        return DownloadFailed(f"the host could not be found ({printable(exc.strerror, 100)})",
                              retry=True)
    if isinstance(exc, OSError):
        return DownloadFailed(f"it could not be fetched ({printable(exc.strerror or exc, 150)})",
                              retry=True)
    if isinstance(exc, ValueError):
        return DownloadFailed(f"the web address or the answer is not valid "
                              f"({printable(exc, 150)})")
    return DownloadFailed(f"it could not be fetched ({type(exc).__name__}: "
                          f"{printable(exc, 150)})")
