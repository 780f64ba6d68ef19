"""Sheets from workbooks, CSV folders, zips and data packages, read safely within Limits.

A ``Sheet`` has a name, its headings (the first row) and a way to stream its data rows.
Rows that are empty are skipped, however many there are: a row after any gap is read
(empty rows cost little; reading a sheet to its last possible row, 1,048,576, takes about
half a second). Zip files (workbooks included) are
inspected before they are opened (``zips``): too many entries, too much uncompressed data or
an extreme compression ratio mean a zip bomb, and the file is refused; a damaged one is
refused with a plain message before any of it is read as data.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from ..issues import Issue, Location, issue_type
from ..limits import Limits
from ..readers import unreadable
from ..readers.surrogates import mend_all
from .zips import open_zip, unpacked

LAST_ROW = 1_048_576  # the last row a workbook can have


@dataclass
class Sheet:
    name: str
    headings: list[Any]
    _rows: Callable[[], Iterator[tuple[int, list[Any]]]]
    all_text: bool = False  # True for CSV files: every cell is a string
    part: str = ""  # for a workbook's sheet, its part in the zip (xl/worksheets/sheet1.xml)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        return self._rows()

    def uncounted(self) -> Sheet:
        """The same sheet, whose rows do not count towards ``Limits.max_rows`` (for a first
        look, before the rows are read for good)."""
        return replace(self, _rows=partial(self._rows, counter=[0]))


def trimmed_headings(first: Iterable[Any]) -> list[Any]:
    """A sheet's first row without the empty cells after its last heading."""
    headings = list(first)
    while headings and (headings[-1] is None or str(headings[-1]).strip() == ""):
        headings.pop()
    return headings


def data_rows(rows: Iterator[tuple], width: int, limits: Limits, counter: list[int],
              name: str, first: int = 2, sheet: str = "",
              headings: list[Any] | None = None, last: int = 0
              ) -> Iterator[tuple[int, list[Any]]]:
    """Non-empty rows, cut to the headings' width unless something lies beyond it, with their
    1-based row numbers. A cell longer than ``limits.max_cell`` stops the reading, with
    its place; so does a row past LAST (a workbook's last row), which no spreadsheet
    program makes (this bounds the time a sheet of rows spread far apart can take)."""
    most, longest = limits.max_rows, limits.max_cell
    for number, row in enumerate(rows, start=first):
        if last and number > last:
            raise unreadable("damaged-file", name, reason=(
                f"sheet {sheet} has rows past row {last:,}, the last a workbook can have"))
        if len(row) > width and any(row[width:]):
            cells = list(row)  # data past the last heading: kept, to be reported
        elif row.__class__ is not list:
            cells = list(row[:width])
        else:
            cells = row if len(row) <= width else row[:width]
        if not any(cells):
            continue
        counter[0] += 1
        if counter[0] > most:
            raise unreadable("too-many-records", name, limit=limits.max_rows)
        for index, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) > longest:
                raise _cell_too_long(name, sheet, number, index, headings or [], len(cell),
                                     longest)
        yield number, cells


def _cell_too_long(name: str, sheet: str, row: int, index: int, headings: list[Any],
                   length: int, limit: int):
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(index + 1)
    title = str(headings[index]) if index < len(headings) and headings[index] else ""
    where = Location(file=name, sheet=sheet or None, row=row, column_letter=letter,
                     column_title=title or None)
    return unreadable("cell-too-long", name, where, place=where.describe(), length=length,
                      limit=limit)


Opener = Callable[[], BinaryIO]  # opens a CSV file's bytes afresh, each time it is called


def detect_encoding(opener: Opener, file: str = "", name: str = "") -> str:
    """UTF-8 (with or without Excel's byte-order mark), else Windows-1252; read in chunks so
    that no whole file is held in memory. A NUL byte means it is not a text file at all:
    refused, with its line."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    encoding, lines = "utf-8-sig", 0
    with opener() as stream:
        while chunk := stream.read(1 << 20):
            nul = chunk.find(b"\x00")
            if nul >= 0:
                line = lines + chunk.count(b"\n", 0, nul) + 1
                raise unreadable("malformed-csv", file or name, problem=(
                    f"line {line} of {name or file} holds a NUL character (code 0), so it is "
                    "not plain text; it may have been saved as UTF-16 ('Unicode text'), "
                    "or it is not a CSV file"))
            lines += chunk.count(b"\n")
            if encoding == "utf-8-sig":
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    encoding = "cp1252"
    if encoding == "utf-8-sig":
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            encoding = "cp1252"
    return encoding


def csv_sheet(name: str, opener: Opener, encoding: str, limits: Limits, counter: list[int],
              file: str) -> Sheet:
    # Cells up to the text limit are read, so that a long one is reported with its place
    csv.field_size_limit(max(limits.max_string, limits.max_cell + 1, 131_072))

    def reader() -> Iterator[list[str]]:
        with io.TextIOWrapper(opener(), encoding=encoding, errors="replace",
                              newline="") as text:
            rows = csv.reader(text)
            try:
                yield from rows
            except csv.Error as exc:
                problem = f"line {rows.line_num} of {name}: {_csv_problem(exc)}"
                raise unreadable("malformed-csv", file, problem=problem) from None

    stream = reader()
    first = next(stream, [])
    stream.close()
    headings = [h.strip() if isinstance(h, str) else h for h in first]

    def rows(counter: list[int] = counter) -> Iterator[tuple[int, list[Any]]]:
        stream = reader()
        next(stream, None)
        return data_rows(stream, len(headings), limits, counter, file, sheet=name,
                         headings=headings)

    return Sheet(name, headings, rows, all_text=True)


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return "a cell is longer than the limit of " + text.rsplit("(", 1)[-1].rstrip(")") + \
            " characters"
    if "NUL" in text:
        return "it contains NUL bytes, so it is probably not a text file"
    return text


def csv_sheets(files: dict[str, Opener], file: str, limits: Limits,
               issues: list[Issue]) -> dict[str, Sheet]:
    """CSV files by file name (matched to tables by the name without .csv)."""
    counter = [0]
    sheets = {}
    for path, opener in files.items():
        name = PurePosixPath(path).name
        encoding = detect_encoding(opener, file, name)
        if encoding == "cp1252":  # pinned to the file it is about, not to the dataset's row
            issues.append(issue_type("legacy-encoding").make(
                file=path, location=Location(file=file, sheet=name),
                record="the dataset's own details"))
        sheets[name] = csv_sheet(name, opener, encoding, limits, counter, file)
    return sheets


def zip_members(data: bytes, name: str, limits: Limits) -> dict[str, Opener]:
    """Openers for the CSV and JSON files in a zip, after the zip-bomb checks and every
    part read through once (so that none can fail half-way through being read)."""
    archive = open_zip(data, name, limits)
    unpacked(archive, name)
    members = {}
    for entry in archive.infolist():
        path = PurePosixPath(entry.filename)
        if entry.is_dir() or path.name.startswith((".", "__")) or ".." in path.parts:
            continue
        if path.suffix.lower() in (".csv", ".json"):
            members[entry.filename] = (lambda e=entry: archive.open(e))
    return members


def package_resources(descriptor: bytes, open_member: Callable[[str], Opener | None],
                      name: str) -> dict[str, Opener]:
    """Openers for the CSV files a Data Package's descriptor names (local paths only)."""
    try:
        package = mend_all(json.loads(descriptor))  # text that is valid Unicode
        resources = package["resources"]
    except (ValueError, KeyError, TypeError):
        raise unreadable("damaged-file", name,
                         reason="its datapackage.json is not a valid data package") from None
    files = {}
    for resource in resources if isinstance(resources, list) else []:
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(path, str) or path.startswith("/") or ".." in PurePosixPath(
                path).parts or "://" in path:
            continue  # only local files inside the package are read
        opener = open_member(path)
        if opener is not None:
            files[path] = opener
    return files
