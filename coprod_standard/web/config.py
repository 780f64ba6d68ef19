"""The web validator's settings, with safe defaults: loopback only, nothing kept, and the
deployment limits (docs/web.md) that keep any one request or client from holding the
service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from .work import server_folder

MB = 1024 * 1024
KB = 1024


@dataclass
class WebConfig:
    max_upload_bytes: int = 20 * MB
    # Results are kept only if this is set (for example timedelta(hours=24)).
    keep_for: timedelta | None = None
    results_dir: Path | None = None  # where kept results go (needed with keep_for)
    # Each request's upload is processed in its own folder under here, deleted before the
    # response is sent. None: a folder of this server's own in the system temporary
    # folder, removed when the server stops (and, if it was killed, when the next starts).
    work_dir: Path | None = None
    # Deployment limits.
    max_uploads: int = 10  # requests receiving or checking a file at once; more get 503
    max_checks: int = 2  # checks running at once; others wait up to check_seconds
    check_seconds: float = 120  # a check still running after this is stopped
    check_memory_bytes: int = 2048 * MB  # memory one check may use, beyond the checker's own
    upload_seconds: float = 300  # the whole upload must arrive within this
    min_upload_rate: int = 10 * KB  # bytes a second, on average, after the first 10 seconds
    header_seconds: float = 10  # a request's line and headers must arrive within this
    max_connections: int = 100  # open connections; more are closed at once
    owns_work_dir: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.keep_for is not None and self.results_dir is None:
            raise ValueError("keeping results needs a folder to keep them in")
        if self.work_dir is None:
            self.work_dir, self.owns_work_dir = server_folder(), True
        self.work_dir = Path(self.work_dir)
        self.work_dir.mkdir(parents=True, exist_ok=True)

    @property
    def limit_words(self) -> str:
        return size_words(self.max_upload_bytes)


def size_words(size: int) -> str:
    return f"{size / MB:g} MB" if size >= MB else f"{size // 1024:,} KB"
