"""A progress line on stderr for long runs, shown only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

SHOW_AFTER = 1.0  # seconds: quick runs print nothing
EVERY = 0.2  # seconds between updates


class ProgressLine:
    """Called with (records checked, bytes read, bytes in all); ``close`` wipes the line."""

    def __init__(self, name: str, stream: TextIO | None = None) -> None:
        self.name, self.stream = name, stream or sys.stderr
        self.started = time.monotonic()
        self.shown_at = 0.0
        self.width = 0

    def __call__(self, records: int, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.started < SHOW_AFTER or now - self.shown_at < EVERY:
            return
        self.shown_at = now
        share = f", {min(done * 100 // total, 100)}% of the file read" if total else ""
        line = f"Checking {self.name}: {records:,} records{share}"
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def close(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def progress_for(name: str, stream: TextIO | None = None) -> ProgressLine | None:
    """A progress line for NAME, or None when the output is not a terminal."""
    stream = stream or sys.stderr
    return ProgressLine(name, stream) if stream.isatty() else None
