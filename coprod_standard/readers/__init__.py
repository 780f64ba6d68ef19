"""Readers turn a source (a path, bytes or parsed data) into records, within Limits.

A reader yields the dataset's own details first (the "envelope": everything but the
projects) and then one record per project, so that a streaming reader can later replace
the in-memory one without changing the validator. Anything that stops the input being
read at all raises ``Unreadable`` carrying a plain-language issue.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..issues import Issue, Listing, Location, Unlisted, issue_type
from ..limits import Limits
from ..lockfiles import lock_file
from .surrogates import mended


class Unreadable(Exception):
    """The input could not be read; ``issue`` says why in plain words."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


class ReadWhole(Exception):  # noqa: N818 - a request, not an error
    """A streamed reading cannot go on (a table's rows are not in the projects' order):
    read the source whole instead, from the start."""


def unreadable(code: str, file: str, location: Location | None = None, **params: Any):
    return Unreadable(issue_type(code).make(file=file, location=location, **params))


@dataclass
class Record:
    kind: str  # "dataset" for the dataset's own details, "project" for each project
    pointer: str  # JSON Pointer of the record within the dataset
    data: Any
    label: str  # how a reader of the report would name it
    location: Location | None = None
    locate: Callable[[str], Location | None] | None = None  # its cells, while it is in hand


@dataclass
class ReadResult:
    name: str
    records: Iterator[Record]
    version: Any = None  # the declared version, as found (may be missing or malformed)
    has_version: bool = False
    is_object: bool = False  # False when the top level is not a JSON object at all
    issues: list[Issue] = field(default_factory=list)  # found while reading, not fatal
    not_listed: Unlisted = field(default_factory=Unlisted)  # more of them, only counted
    locate: Callable[[str], Location | None] | None = None  # JSON path -> cell, for tables
    data: Any = None  # the whole dataset, when the reader has it in hand
    fetch: Callable[[str, set[int]], Iterator[tuple[int, list]]] | None = None  # cells again
    details: dict | None = None  # the dataset's own details, when data is not kept whole
    position: Callable[[], tuple[int, int]] | None = None  # (bytes read, bytes in all)
    size: int = 0  # bytes in all, for streamed tables (which do not say their position)
    tabular: bool = False  # read from a workbook or CSV tables: messages name headings

    def found(self, limits: Limits) -> Listing:
        """Where a reader puts what it finds: listed up to ``limits.max_issues``, the rest
        counted (their records as pointers, "/projects/3")."""
        return Listing(limits.max_issues, self.issues, self.not_listed)


Source = str | os.PathLike | bytes | dict | list


def source_name(source: Source, name: str | None = None) -> str:
    """How reports name the source: valid Unicode, even where a file's name is not."""
    if name:
        return mended(name)
    if isinstance(source, (str, os.PathLike)):
        return mended(os.fsdecode(source))
    return "<data>"


def read_bytes(path: Path, name: str, limits: Limits, head: bool = False) -> bytes:
    """The file's bytes, after the checks that need no parsing (with ``head``, only the
    checks: nothing is read)."""
    try:
        if not path.exists():
            raise unreadable("file-not-found", name)
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise unreadable("file-too-large", name, size=Limits.describe_bytes(size),
                             limit=Limits.describe_bytes(limits.max_bytes))
        return b"" if head else path.read_bytes()
    except PermissionError:
        raise unreadable("cannot-open", name, reason="permission denied") from None
    except OSError as exc:
        raise unreadable("cannot-open", name, reason=exc.strerror or str(exc)) from None


def read(source: Source, limits: Limits | None = None, name: str | None = None,
         stream: bool = False) -> ReadResult:
    """Read any supported source into records, choosing the reader by content, not by
    name: JSON, JSON Lines, an Excel workbook (.xlsx or .xls), an OpenDocument spreadsheet
    (.ods), a zip of CSV files or a data package, a
    folder of CSV files or a data package, or a single CSV file. Raises ``Unreadable``.

    With STREAM, a JSON file, workbook or set of CSV tables of at least
    ``limits.stream_from`` bytes and any JSON Lines file are read one project at a time:
    the records come as they are read (reading errors are raised while they are taken,
    and ``ReadWhole`` when tables turn out not to be in the projects' order) and ``data``
    is None. Without it the whole dataset is in ``data``, within ``limits.max_bytes``."""
    result = _read(source, limits or Limits(), source_name(source, name), stream)
    return result if stream or result.data is not None or result.details is None else \
        _whole(result)


def _whole(result: ReadResult) -> ReadResult:
    """A streamed result made whole: every project read into the dataset."""
    details, projects = None, []
    for record in result.records:
        if record.kind == "dataset":
            details = record.data
        else:
            projects.append(record.data)
    data = {key: (projects if key == "projects" else value)
            for key, value in (details or result.details).items()}
    from .json_reader import records

    result.data, result.details, result.records = data, None, records(data)
    return result


def _read(source: Source, limits: Limits, name: str, stream: bool) -> ReadResult:
    from . import tabular_reader as tabular
    from .json_reader import read_json

    if isinstance(source, (dict, list)):
        return read_json(source, name, limits, parsed=True)
    locked = lock_file(name)  # Excel's ~$name.xlsx, LibreOffice's .~lock.name.xlsx#
    if locked:
        raise unreadable("lock-file", name, program=locked[0], workbook=locked[1])
    if not isinstance(source, bytes):
        path = Path(source)
        if path.is_dir():
            return tabular.read_folder(path, name, limits, stream)
        if path.name == "datapackage.json" and path.is_file():
            return tabular.read_folder(path.parent, name, limits, stream)
        streamed = _stream(path, name, limits, stream)
        if streamed:
            return streamed
    data = source if isinstance(source, bytes) else read_bytes(Path(source), name, limits)
    if len(data) > limits.max_bytes:
        raise unreadable("file-too-large", name, size=Limits.describe_bytes(len(data)),
                         limit=Limits.describe_bytes(limits.max_bytes))
    if data.startswith(b"PK\x03\x04"):
        if _is_workbook(data):
            return tabular.read_xlsx(data, name, limits, stream)
        if _is_ods(data):
            return tabular.read_ods(data, name, limits, stream)
        return tabular.read_zip(data, name, limits, stream)
    from ..tabular.xls import MAGIC

    if data.startswith(MAGIC):
        return tabular.read_xls(data, name, limits, stream)
    from .jsonl_reader import SUFFIXES, read_jsonl

    if name.lower().endswith(SUFFIXES):
        return read_jsonl(data, name, limits)
    if name.lower().endswith(".csv") and data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] not in (
            b"{", b"["):
        return tabular.read_csv_file(data, name, limits, stream)
    return read_json(data, name, limits)


def _stream(path: Path, name: str, limits: Limits, stream: bool) -> ReadResult | None:
    """A JSON Lines file, or (when asked to STREAM) a JSON file of at least
    ``limits.stream_from`` bytes, read one project at a time; None for anything else."""
    from .json_stream import stream_json, streamable
    from .jsonl_reader import SUFFIXES, read_jsonl

    lines = path.suffix.lower() in SUFFIXES
    try:
        size = path.stat().st_size if path.is_file() else -1
        if size < 0 or not (lines or (stream and size >= limits.stream_from)):
            return None
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError:
        return None  # read_bytes explains it
    if head.startswith(b"PK\x03\x04") and size <= limits.max_bytes and _is_workbook(path):
        from .tabular_reader import read_xlsx

        return read_xlsx(path, name, limits, stream=True)  # read from disk, not held
    if not lines and not streamable(head):
        return None
    most = limits.max_stream_bytes if stream else limits.max_bytes
    if size > most:
        raise unreadable("file-too-large", name, size=Limits.describe_bytes(size),
                         limit=Limits.describe_bytes(most))
    try:
        return read_jsonl(path, name, limits) if lines else stream_json(path, name, limits)
    except PermissionError:
        raise unreadable("cannot-open", name, reason="permission denied") from None
    except OSError as exc:
        raise unreadable("cannot-open", name, reason=exc.strerror or str(exc)) from None


def _is_ods(data: bytes) -> bool:
    """A zip is an OpenDocument file if it holds content.xml and its mimetype (decided by
    content, never by the file's name)."""
    import zipfile

    from ..tabular.ods import is_ods
    from ..tabular.zips import opened

    try:
        with zipfile.ZipFile(opened(data)) as archive:
            return is_ods(archive)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except Exception:  # noqa: BLE001 - any damage: the zip reader explains what is wrong
        return False


def _is_workbook(data: bytes | Path) -> bool:
    """A zip is an Excel workbook if it holds xl/workbook.xml: decided by content, never
    by the file's name."""
    import zipfile

    from ..tabular.zips import opened

    if isinstance(data, bytes) and b"xl/workbook.xml" in data[:200_000]:
        return True
    try:
        with zipfile.ZipFile(opened(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except Exception:  # noqa: BLE001 - any damage: the zip reader explains what is wrong
        return False
