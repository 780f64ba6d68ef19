"""Read a large JSON dataset one project at a time, in memory that does not grow with it.

The file is decoded through a window of about a megabyte. The dataset's own details are read
whole (they are small); each item of its "projects" list is decoded on its own with the
same decoder, limits and messages as the in-memory reader, and handed on as a record, then
dropped. The dataset's own record comes last, once every field after the projects has been
read too; its "projects" holds a placeholder per project so the schema can count them.

The projects need the dataset's version and publisher. When the file gives either only
after its projects, they are found by a first pass that reads the file without keeping
the projects.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

from ..issues import Listing, Location, Unlisted, issue_type
from ..limits import Limits
from . import ReadResult, Record, unreadable
from .json_reader import decoder, failure, inspect, pointer, project_label
from .surrogates import LONE, escaped_in

CHUNK = 1024 * 1024  # bytes read at a time
_SPACE = re.compile(r"[ \t\n\r]*")
_NEEDED = ("version", "publisher")  # what the checks of a project need from the dataset


def streamable(head: bytes) -> bool:
    """Whether a file starting with HEAD is a JSON object in UTF-8 (which can be streamed)."""
    return b"\x00" not in head and head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")[:1] == b"{"


class _Window:
    """The part of the file's text in hand, with where it starts in the file."""

    def __init__(self, handle: BinaryIO, name: str, chunk: int = CHUNK) -> None:
        self.handle, self.name, self.chunk = handle, name, chunk
        self.utf8 = codecs.getincrementaldecoder("utf-8-sig")()  # drops a byte-order mark
        self.text, self.pos, self.eof, self.length = "", 0, False, 0
        self.line, self.column = 1, 1  # where text[0] is in the file
        self.bytes_read = 0
        self.escaped = False  # whether the last value's text may hold a lone surrogate

    def more(self, size: int = 0) -> bool:
        """Read the next chunk (of SIZE bytes, if given), dropping the text already used;
        False at the end."""
        if self.eof:
            return False
        chunk = self.handle.read(size or self.chunk)
        self.bytes_read += len(chunk)
        self.eof = not chunk
        try:
            new = self.utf8.decode(chunk, final=self.eof)
        except UnicodeDecodeError as exc:
            good = chunk[: exc.start].decode("utf-8", errors="replace")
            line, column = self.where(len(self.text) + len(good), self.text + good)
            raise unreadable("not-utf8", self.name, Location(file=self.name, line=line,
                                                             column=column),
                             line=line, column=column) from None
        self._drop_used()
        self.text += new
        return True

    def _drop_used(self) -> None:
        newlines = self.text.count("\n", 0, self.pos)
        if newlines:
            self.line += newlines
            self.column = self.pos - self.text.rfind("\n", 0, self.pos)
        else:
            self.column += self.pos
        self.text, self.pos = self.text[self.pos:], 0

    def where(self, index: int, text: str | None = None) -> tuple[int, int]:
        text = self.text if text is None else text
        newlines = text.count("\n", 0, index)
        if newlines:
            return self.line + newlines, index - text.rfind("\n", 0, index)
        return self.line, self.column + index

    def peek(self) -> str:
        """The next character that is not a space ("" at the end), without taking it."""
        while True:
            self.pos = _SPACE.match(self.text, self.pos).end()
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def fail(self, message: str, limits: Limits) -> Exception:
        error = json.JSONDecodeError(message, self.text, self.pos)
        return failure(error, self.text, self.name, limits, self.where, self.pos)

    def expect(self, char: str, message: str, limits: Limits) -> None:
        if self.peek() != char:
            raise self.fail(message, limits)
        self.pos += 1

    def value(self, decode: json.JSONDecoder, limits: Limits) -> Any:
        """Decode the value that starts here, reading more of the file while it is cut; a
        value longer than ``limits.max_record`` bytes is refused with no more of it held."""
        self.peek()
        held = None  # bytes of it in hand, once it runs past the text in hand
        while True:
            try:
                found, end = decode.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                cut = exc.pos >= len(self.text) - 64 or exc.msg.startswith("Unterminated")
                if cut and (held := self._read_on(held, limits)) is not None:
                    continue
                raise failure(exc, self.text, self.name, limits, self.where, self.pos) from None
            except (RecursionError, ValueError) as exc:
                raise failure(exc, self.text, self.name, limits, self.where, self.pos) from None
            if end >= len(self.text) - 1 and self.more():  # a number may go on: 12|3
                continue
            if (end - self.pos) * 4 > limits.max_record and \
                    len(self.text[self.pos:end].encode()) > limits.max_record:
                raise self._too_long(limits)
            self.escaped = escaped_in(self.text, self.pos, end)
            self.length, self.pos = end - self.pos, end  # the length of the value's text
            return found

    def _read_on(self, held: int | None, limits: Limits) -> int | None:
        """Read more of the value that starts here (HELD: its bytes in hand, if known):
        its bytes in hand then, or None at the end of the file."""
        if held is None:
            held = len(self.text[self.pos:].encode())
        if held >= limits.max_record:  # and there is more of it: too long
            raise self._too_long(limits)
        before = self.bytes_read  # as much again as is in hand: each try decodes it anew
        more = self.more(max(self.chunk, min(held, limits.max_record - held)))
        return held + self.bytes_read - before if more else None

    def _too_long(self, limits: Limits) -> Exception:
        line, column = self.where(self.pos)
        return unreadable("record-too-long", self.name,
                          Location(file=self.name, line=line, column=column),
                          where=f"The part of the file that starts at line {line}, column {column}",
                          limit=Limits.describe_bytes(limits.max_record))


def _members(window: _Window, limits: Limits, details: dict, found: Listing,
             keep: bool) -> Iterator[tuple[int, Any]]:
    """Read the top-level object into DETAILS, yielding (index, project) for each item of
    its projects list (decoded and checked against the limits only when KEEP); duplicate
    keys go into FOUND."""
    duplicates: dict[int, list[str]] = {}
    decode = decoder(duplicates)
    window.expect("{", "Expecting value", limits)
    count, first, seen = 0, True, set()
    while True:
        if window.peek() == "}" and first:
            window.pos += 1
            break
        if window.peek() != '"':
            raise window.fail("Expecting property name enclosed in double quotes", limits)
        key = window.value(decode, limits)
        if window.escaped and LONE.search(key):  # a top-level key with a lone surrogate
            key = inspect({key: None}, window.name, limits, {}, found, mend=True).popitem()[0]
        window.expect(":", "Expecting ':' delimiter", limits)
        if key in seen:
            found.add([issue_type("duplicate-key").later(lambda key=key: {"field": key},
                                                         path=pointer((key,)), record="")])
        seen.add(key)
        if key == "projects" and window.peek() == "[":
            window.pos += 1
            for project in _items(window, decode, limits):
                if count >= limits.max_rows:
                    raise unreadable("too-many-records", window.name, limit=limits.max_rows)
                if keep:
                    yield count, inspect(project, window.name, limits, duplicates, found,
                                         ("projects", count), window.length, window.escaped)
                duplicates.clear()
                count += 1
            details[key] = [None] * count  # the schema counts them; each was checked alone
        else:
            value = window.value(decode, limits)
            details[key] = inspect(value, window.name, limits, duplicates, found, (key,),
                                   window.length, window.escaped)
            duplicates.clear()
        first = False
        if window.peek() == ",":
            window.pos += 1
            continue
        window.expect("}", "Expecting ',' delimiter", limits)
        break
    if window.peek():
        raise window.fail("Extra data", limits)


def _items(window: _Window, decode: json.JSONDecoder, limits: Limits) -> Iterator[Any]:
    if window.peek() == "]":
        window.pos += 1
        return
    while True:
        yield window.value(decode, limits)
        if window.peek() == ",":
            window.pos += 1
            continue
        window.expect("]", "Expecting ',' delimiter", limits)
        return


def _first_pass(path: Path, name: str, limits: Limits, chunk: int) -> dict:
    """The dataset's own details, read without keeping the projects."""
    details: dict = {}
    with path.open("rb") as handle:
        for _ in _members(_Window(handle, name, chunk), limits, details,
                          Listing(0, [], Unlisted()), keep=False):
            pass
    return details


def stream_json(path: Path, name: str, limits: Limits, chunk: int = CHUNK) -> ReadResult:
    """Records of a JSON dataset file, read CHUNK bytes at a time and handed on one project
    at a time. Reading errors are raised (as ``Unreadable``) while the records are taken."""
    handle = path.open("rb")
    window = _Window(handle, name, chunk)
    details: dict = {}
    result = ReadResult(name=name, records=iter(()), is_object=True, details=details,
                        position=lambda: (window.bytes_read, path.stat().st_size))
    members = _members(window, limits, details, result.found(limits), keep=True)
    try:
        first = next(members, None)
        if first is not None and not all(key in details for key in _NEEDED):
            details.update({key: value for key, value in _first_pass(path, name, limits, chunk)
                            .items() if key in _NEEDED and key not in details})
    except BaseException:
        handle.close()
        raise
    result.version, result.has_version = details.get("version"), "version" in details

    def records() -> Iterator[Record]:
        try:
            if first is not None:
                for index, project in chain([first], members):
                    yield Record("project", f"/projects/{index}", project,
                                 project_label(index, project))
            yield Record("dataset", "", details, "the dataset's own details")
        finally:
            handle.close()

    result.records = records()
    return result
