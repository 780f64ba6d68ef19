"""Serving the web validator with uvicorn, within the deployment limits: a connection must
send its request's line and headers within ``header_seconds`` (uvicorn has no such
timeout of its own), at most ``max_connections`` are open at once, headers are at most
16 KB, and on SIGTERM or SIGINT the server lets running requests finish for a few
seconds, then stops the rest and removes its work folder."""

from __future__ import annotations

import signal
import threading

from uvicorn.protocols.http.h11_impl import H11Protocol

from .config import KB, WebConfig

MAX_HEADER_BYTES = 16 * KB  # the request line and headers
KEEP_ALIVE_SECONDS = 5  # an idle connection between requests is closed after this
SHUTDOWN_GRACE = 5  # seconds running requests get to finish when the server is stopped


def guarded_protocol(config: WebConfig) -> type[H11Protocol]:
    """uvicorn's HTTP/1.1 protocol, closing a connection that does not send a whole
    request line and headers in time, and connections past the limit."""

    class Guarded(H11Protocol):
        _timer = None
        _waiting_cycle = None

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            if len(self.connections) > config.max_connections:
                transport.close()
                return
            self._await_request()

        def _await_request(self) -> None:
            self._stop_timer()
            self._waiting_cycle = self.cycle  # a new cycle means the request came
            self._timer = self.loop.call_later(config.header_seconds, self._too_slow)

        def _stop_timer(self) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

        def _too_slow(self) -> None:
            self._timer = None
            if self.cycle is self._waiting_cycle and not self.transport.is_closing():
                self.transport.close()

        def data_received(self, data: bytes) -> None:
            if self._timer is None and (self.cycle is None or self.cycle.response_complete):
                self._await_request()  # a further request on a kept-alive connection
            super().data_received(data)
            if self.cycle is not self._waiting_cycle:
                self._stop_timer()

        def connection_lost(self, exc) -> None:
            self._stop_timer()
            super().connection_lost(exc)

    return Guarded


def _stop(signum, frame):
    raise SystemExit(0)


def run(config: WebConfig, host: str, port: int) -> None:
    """Serve until stopped (SIGTERM or SIGINT); then no check, upload or folder of this
    server is left, even if requests were running."""
    import uvicorn

    from . import create_app
    from .checker import start, stop_all
    from .work import remove_work

    # uvicorn handles the signal, then raises it again once it has stopped: this handler
    # turns that into a normal exit, so that the clean-up below runs.
    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        threading.Thread(target=start, daemon=True).start()  # warm the checkers meanwhile
        uvicorn.run(create_app(config), host=host, port=port, log_level="warning",
                    server_header=False, http=guarded_protocol(config), ws="none",
                    lifespan="on", timeout_keep_alive=KEEP_ALIVE_SECONDS,
                    timeout_graceful_shutdown=SHUTDOWN_GRACE,
                    h11_max_incomplete_event_size=MAX_HEADER_BYTES)
    finally:
        stop_all()
        remove_work(config.work_dir, config.owns_work_dir)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
