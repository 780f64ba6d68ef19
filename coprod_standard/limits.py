"""Limits every reader receives, so that no input can exhaust memory or time."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much a reader will take before it stops with a plain message.

    max_bytes: the largest file read whole, in bytes.
    stream_from: JSON files at least this big, and every JSON Lines file, are read one
        project at a time, in memory that does not grow with the file.
    max_stream_bytes: the largest file read one project at a time, in bytes.
    max_depth: the deepest nesting of objects and lists (the standard needs about 12).
    max_rows: the most records (projects, or rows of a sheet) read from one source.
    max_string: the longest single piece of text, in characters.
    """

    max_bytes: int = 100 * MB
    stream_from: int = 16 * MB
    max_stream_bytes: int = 4096 * MB
    max_depth: int = 64
    max_rows: int = 1_000_000
    max_string: int = 1_000_000

    @staticmethod
    def describe_bytes(size: int) -> str:
        if size >= MB:
            return f"{size / MB:.1f} MB"
        if size >= 1024:
            return f"{size / 1024:.0f} KB"
        return f"{size} bytes"
