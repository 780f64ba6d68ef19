"""Sheets from workbooks, CSV folders, zips and data packages, read safely within Limits.

A ``Sheet`` has a name, its headings (the first row) and a way to stream its data rows.
Rows that are empty are skipped, and reading stops after a long run of empty rows, so a
sheet formatted down to row 1,048,576 costs nothing. Zip files (workbooks included) are
inspected before they are opened: too many entries, too much uncompressed data or an
extreme compression ratio mean a zip bomb, and the file is refused.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from ..issues import Issue, issue_type
from ..limits import Limits
from ..readers import unreadable

EMPTY_RUN = 10_000  # stop a sheet after this many empty rows in a row
MAX_ENTRIES = 2_000
MAX_RATIO = 200


@dataclass
class Sheet:
    name: str
    headings: list[Any]
    _rows: Callable[[], Iterator[tuple[int, list[Any]]]]

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        return self._rows()


def data_rows(rows: Iterator[tuple], width: int, limits: Limits, counter: list[int],
              name: str, first: int = 2) -> Iterator[tuple[int, list[Any]]]:
    """Non-empty rows, cut to the headings' width, with their 1-based row numbers."""
    empty_run = 0
    for number, row in enumerate(rows, start=first):
        cells = list(row[:width])
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            empty_run += 1
            if empty_run >= EMPTY_RUN:
                return
            continue
        empty_run = 0
        counter[0] += 1
        if counter[0] > limits.max_rows:
            raise unreadable("too-many-records", name, limit=limits.max_rows)
        yield number, cells


def check_zip(archive: zipfile.ZipFile, name: str, limits: Limits) -> None:
    """Refuse zip bombs before anything is decompressed."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise unreadable("unsafe-workbook", name, reason=f"it holds {len(entries)} files")
    total = sum(e.file_size for e in entries)
    if total > limits.max_bytes * 10:
        raise unreadable("unsafe-workbook", name,
                         reason=f"it would unpack to {Limits.describe_bytes(total)}")
    for entry in entries:
        if entry.file_size > 1_000_000 and entry.file_size > MAX_RATIO * max(
                entry.compress_size, 1):
            raise unreadable("unsafe-workbook", name,
                             reason="one of its parts is compressed suspiciously well, as "
                                    "in a zip bomb")


def decode_csv(data: bytes, name: str, issues: list[Issue]) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        issues.append(issue_type("legacy-encoding").make(file=name))
        return data.decode("cp1252", errors="replace")


def csv_sheet(name: str, text: str, limits: Limits, counter: list[int], file: str) -> Sheet:
    csv.field_size_limit(max(limits.max_string, 131_072))

    def reader() -> Iterator[list[str]]:
        try:
            yield from csv.reader(io.StringIO(text, newline=""))
        except csv.Error as exc:
            raise unreadable("malformed-csv", file, problem=str(exc)) from None

    first = next(reader(), [])
    headings = [h.strip() if isinstance(h, str) else h for h in first]

    def rows() -> Iterator[tuple[int, list[Any]]]:
        stream = reader()
        next(stream, None)
        return data_rows(stream, len(headings), limits, counter, file)

    return Sheet(name, headings, rows)


def csv_sheets(files: dict[str, bytes], file: str, limits: Limits,
               issues: list[Issue]) -> dict[str, Sheet]:
    """CSV files by table name (the file name without .csv)."""
    counter = [0]
    sheets = {}
    for path, data in files.items():
        stem = PurePosixPath(path).name.rsplit(".", 1)[0]
        text = decode_csv(data, path, issues)
        sheets[stem] = csv_sheet(stem, text, limits, counter, file)
    return sheets


def zip_members(data: bytes, name: str, limits: Limits) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise unreadable("damaged-file", name, reason="it is not a complete zip file") \
            from None
    check_zip(archive, name, limits)
    members = {}
    for entry in archive.infolist():
        path = PurePosixPath(entry.filename)
        if entry.is_dir() or path.name.startswith((".", "__")) or ".." in path.parts:
            continue
        if path.suffix.lower() in (".csv", ".json"):
            members[entry.filename] = archive.read(entry)
    return members


def package_resources(descriptor: bytes, read: Callable[[str], bytes], name: str,
                      limits: Limits) -> dict[str, bytes]:
    """The CSV files a Data Package's descriptor names, read through ``read``."""
    try:
        package = json.loads(descriptor)
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
        files[path] = read(path)
    return files
