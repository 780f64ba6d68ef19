"""Limits every reader receives, so that no input can exhaust memory or time.

Each limit carries, as metadata, what it bounds and the issue code a user sees when a file
goes past it; the reference page docs/reference/limits.md is generated from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

MB = 1024 * 1024


def _limit(default: int, unit: str, what: str, code: str = "") -> int:
    return field(default=default, metadata={"unit": unit, "what": what, "code": code})


@dataclass(frozen=True)
class Limits:
    """How much a reader will take before it stops with a plain message."""

    max_bytes: int = _limit(
        100 * MB, "bytes", "The largest file read whole: spreadsheets, CSV files and JSON "
        "files under the streaming size. `--max-size` sets it, in megabytes.",
        "file-too-large")
    stream_from: int = _limit(
        16 * MB, "bytes", "JSON files, workbooks and CSV tables at least this big, and every "
        "JSON Lines file, are read one project at a time, in memory that does not grow with "
        "the file (tables whose rows are not in the projects' order are read whole).")
    max_stream_bytes: int = _limit(
        4096 * MB, "bytes", "The largest JSON or JSON Lines file read one project at a time.",
        "file-too-large")
    max_record: int = _limit(
        100 * MB, "bytes", "The longest single record read one at a time: a line of a JSON "
        "Lines file, or one project (or one field of the dataset's own details) of a JSON "
        "file read one project at a time. A longer one is refused before it is held whole.",
        "record-too-long")
    max_depth: int = _limit(
        64, "levels", "The deepest nesting of objects and lists; the standard needs about 12.",
        "too-deeply-nested")
    max_rows: int = _limit(
        1_000_000, "records", "The most projects in a dataset, or rows in all the sheets of "
                              "a workbook or the files of a CSV folder.", "too-many-records")
    max_string: int = _limit(
        1_000_000, "characters", "The longest single piece of text in JSON.", "text-too-long")
    max_cell: int = _limit(
        32_767, "characters", "The longest cell in a spreadsheet or CSV file (Excel's own "
                              "limit for a cell).", "cell-too-long")
    max_zip_entries: int = _limit(
        2_000, "files", "The most files inside a workbook or a zip of CSV files.",
        "unsafe-workbook")
    max_unzipped_bytes: int = _limit(
        1000 * MB, "bytes", "The most a workbook or zip may unpack to, in all.",
        "unsafe-workbook")
    max_zip_ratio: int = _limit(
        200, "to 1", "The highest compression ratio of a part over 1 MB inside a zip: more "
                     "is the mark of a zip bomb.", "unsafe-workbook")
    max_issues: int = _limit(
        10_000, "issues", "The most issues kept in one report; beyond it issues are "
                          "counted, by kind, but not listed one by one.", "issues-not-listed")

    @staticmethod
    def describe_bytes(size: int) -> str:
        if size >= MB:
            return f"{size / MB:.1f} MB"
        if size >= 1024:
            return f"{size / 1024:.0f} KB"
        return f"{size} bytes"

    @classmethod
    def described(cls) -> list[dict[str, object]]:
        """Every limit with its default, unit, what it bounds and the issue code it gives."""
        return [{"name": f.name, "default": f.default, **f.metadata} for f in fields(cls)]
