"""Read a dataset written as JSON Lines (.jsonl, .ndjson), one line at a time.

The first line that is not blank holds the dataset's own details (everything but the
projects); every later line holds one project. Each line is decoded with the same decoder,
limits and messages as a JSON file, and every issue names the line its project is on.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ..issues import Location
from ..limits import Limits
from . import ReadResult, Record, Unreadable, unreadable
from .json_reader import decoder, failure, inspect, project_label
from .surrogates import escaped_in

SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")


def _lines(handle: BinaryIO, name: str, limit: int) -> Iterator[tuple[int, str]]:
    """(line number, text) of every line that is not blank. A line longer than LIMIT bytes
    (its line break aside) is refused having read no more of it than that."""
    number = 0
    while raw := handle.readline(limit + 2):
        number += 1
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if len(raw) > limit and len(raw.removesuffix(b"\n").removesuffix(b"\r")) > limit:
            raise unreadable("record-too-long", name, Location(file=name, line=number),
                             where=f"Line {number}", limit=Limits.describe_bytes(limit))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            column = len(raw[: exc.start].decode("utf-8", errors="replace")) + 1
            raise unreadable("not-utf8", name, Location(file=name, line=number, column=column),
                             line=number, column=column) from None
        if text.strip():
            yield number, text


def _decode(text: str, number: int, name: str, limits: Limits,
            duplicates: dict[int, list[str]]) -> Any:
    try:
        return decoder(duplicates).decode(text)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        def where(pos: int) -> tuple[int, int]:
            return number, pos + 1
        raise failure(exc, text.rstrip("\r\n"), name, limits, where) from None


def _refuse(what: str, number: int, name: str) -> Unreadable:
    return unreadable("malformed-json", name, Location(file=name, line=number, column=1),
                      line=number, column=1, problem=what,
                      hint="In JSON Lines, the first line holds the dataset's own details "
                           "and each later line one project, each a single {...} object.")


def read_jsonl(source: Path | bytes, name: str, limits: Limits) -> ReadResult:
    """Records of a JSON Lines dataset (a file, or its bytes). Reading errors are raised
    (as ``Unreadable``) while the records are taken, except those of the first line."""
    handle = io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")
    lines = _lines(handle, name, limits.max_record)
    duplicates: dict[int, list[str]] = {}
    try:
        number, text = next(lines, (0, ""))
        if not number:
            raise unreadable("empty-file", name)
        details = _decode(text, number, name, limits, duplicates)
        if not isinstance(details, dict):
            raise _refuse("the first line is not a JSON object", number, name)
    except BaseException:
        handle.close()
        raise
    size = len(source) if isinstance(source, bytes) else source.stat().st_size
    result = ReadResult(name=name, records=iter(()), is_object=True, details=details,
                        version=details.get("version"), has_version="version" in details,
                        position=lambda: (size if handle.closed else handle.tell(), size))
    found = result.found(limits)
    inspect(details, name, limits, duplicates, found, length=len(text), mend=escaped_in(text))
    inline = details.pop("projects", None)
    inline = inline if isinstance(inline, list) else []
    line_of: dict[int, int] = {}

    def records() -> Iterator[Record]:
        count = 0
        try:
            for index, project in enumerate(inline):
                line_of[index] = number
                yield Record("project", f"/projects/{index}", project,
                             project_label(index, project))
            count = len(inline)
            for at, line in lines:
                if count >= limits.max_rows:
                    raise unreadable("too-many-records", name, limit=limits.max_rows)
                duplicates.clear()
                project = _decode(line, at, name, limits, duplicates)
                if not isinstance(project, dict):
                    raise _refuse(f"line {at} is not a JSON object", at, name)
                inspect(project, name, limits, duplicates, found, ("projects", count),
                        len(line), escaped_in(line))
                line_of[count] = at
                yield Record("project", f"/projects/{count}", project,
                             project_label(count, project) + f", line {at}")
                count += 1
            details["projects"] = [None] * count  # the schema counts them
            yield Record("dataset", "", details, "the dataset's own details")
        finally:
            handle.close()

    def locate(pointer: str) -> Location | None:
        parts = pointer.split("/")
        if len(parts) > 2 and parts[1] == "projects" and parts[2].isdigit() \
                and int(parts[2]) in line_of:
            return Location(file=name, line=line_of[int(parts[2])])
        return Location(file=name, line=number)

    result.records, result.locate = records(), locate
    return result
