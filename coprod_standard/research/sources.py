"""Where datasets come from: files, folders, registries, and (only when asked) the web.

Fetching is explicit: a web address is fetched only with ``fetch=True``, only from hosts on
the allow-list (redirects included), within a deadline for the whole download and a size
limit, with a bounded number of retries for passing faults (see ``download``). Every
failure, whatever raised it, is recorded against its source with a plain reason, never
skipped silently and never ending the run.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from ..lockfiles import without_locks
from ..suggest import printable
from .download import DownloadFailed, download, url_problem

DATASET_SUFFIXES = (".json", ".xlsx", ".zip")
RETRIES = 2
_WEB = re.compile(r"https?://", re.IGNORECASE)


@dataclass
class Source:
    location: str  # a path or a web address
    publisher: str | None = None  # from a registry, if it says
    origin: str | None = None  # where it was listed: "line 4 of registry.csv"
    problem: str | None = None  # why it cannot be used, found before any fetch


@dataclass
class Fetched:
    source: Source
    data: bytes | None = None
    error: str | None = None
    # when the bytes were had (a local file: when it was read), in UTC without a zone, to
    # the second: the store's TIMESTAMP columns (TIMESTAMPTZ would need pytz in older
    # DuckDB for Python)
    retrieved_at: datetime = field(default_factory=lambda: utc_naive(datetime.now(UTC)))

    def __post_init__(self) -> None:
        self.retrieved_at = utc_naive(self.retrieved_at)

    @property
    def checksum(self) -> str | None:
        return hashlib.sha256(self.data).hexdigest() if self.data is not None else None


def utc_naive(moment: datetime | str) -> datetime:
    """MOMENT (a datetime or ISO 8601 text) as UTC without a zone, to the second; a moment
    without a zone is taken to be UTC already."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


class SourceError(Exception):
    """A source argument that cannot be used; said in plain words."""


def _is_web(location: str) -> bool:
    return bool(_WEB.match(location))


def _rows(path: Path, text: str) -> list[tuple[str, object]]:
    """The registry's entries, each with where it is ("line 4")."""
    if path.suffix.lower() == ".json":
        try:
            rows = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise SourceError(f"the registry {path} is not valid JSON: {printable(exc)}") from None
        rows = rows.get("datasets", []) if isinstance(rows, dict) else rows
        return [(f"entry {n}", row) for n, row in
                enumerate(rows if isinstance(rows, list) else [], start=1)]
    reader = csv.DictReader(io.StringIO(text))
    try:
        return [(f"line {reader.line_num}", row) for row in reader]
    except csv.Error as exc:
        raise SourceError(f"the registry {path} could not be read at line "
                          f"{reader.reader.line_num}: {printable(exc)}") from None


def registry_entries(path: Path) -> list[Source]:
    """A registry: a CSV file or JSON list of datasets, each with a url or path (and, if
    known, a publisher). Relative paths are relative to the registry. An entry that
    cannot be used is kept, to be reported with its line, never skipped silently."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise SourceError(f"the registry {path} could not be read: {exc.strerror}") from None
    except ValueError:
        raise SourceError(f"the registry {path} is not UTF-8 text") from None
    sources = []
    for where, row in _rows(path, text):
        origin = f"{where} of {path}"
        if not isinstance(row, dict):
            sources.append(Source(origin, origin=origin, problem=f"{origin} is not a table "
                                  "row or JSON object with a 'url' or 'path'"))
            continue
        values = {key: row.get(key) for key in ("url", "path", "publisher")}
        wrong = [key for key, value in values.items()
                 if value is not None and not isinstance(value, str)]
        if wrong:
            sources.append(Source(origin, origin=origin, problem=f"{origin}: the "
                                  f"'{wrong[0]}' must be text"))
            continue
        where_to = (values["url"] or values["path"] or "").strip()
        if not where_to:
            continue
        if not _is_web(where_to) and not Path(where_to).is_absolute():
            where_to = str(path.parent / where_to)
        sources.append(Source(where_to, (values["publisher"] or "").strip() or None, origin))
    if not sources:
        raise SourceError(f"the registry {path} lists no datasets (it needs a 'url' or "
                          "'path' column)")
    return sources


def _in_folder(path: Path, notes: list[str] | None = None) -> list[Source]:
    found = sorted(p for p in path.iterdir() if p.suffix.lower() in DATASET_SUFFIXES
                   and p.is_file() and not p.name.startswith("."))
    found = without_locks(found, notes)  # Excel's ~$name.xlsx beside an open workbook
    found += sorted(p for p in path.iterdir()
                    if p.is_dir() and (p / "datapackage.json").is_file())
    return [Source(str(p)) for p in found]


def expand(arguments: list[str], registries: list[str], notes: list[str] | None = None
           ) -> list[Source]:
    """Every dataset named by the arguments: files, the datasets in folders, and the
    entries of registries. Spreadsheet lock files (``~$name.xlsx``) are left out, with a
    sentence for each added to NOTES, unless one is all that was named."""
    sources: list[Source] = []
    skipped: list[str] = []
    named = without_locks(arguments, skipped)
    if named and notes is not None:
        notes.extend(skipped)
    named = named or arguments  # a lock file alone: read, and said to be one
    for argument in named:
        if _is_web(argument):
            sources.append(Source(argument))
            continue
        path = Path(argument)
        try:
            if path.is_dir() and not (path / "datapackage.json").is_file():
                sources += _in_folder(path, notes)
            elif path.exists():
                sources.append(Source(str(path)))
            else:
                raise SourceError(f"'{argument}' is neither a file, a folder nor a web "
                                  "address")
        except OSError as exc:
            raise SourceError(f"'{argument}' could not be read: {exc.strerror}") from None
    for registry in registries:
        sources += registry_entries(Path(registry))
    return sources


def _local(source: Source, max_bytes: int) -> Fetched:
    path = Path(source.location)
    try:
        if path.is_dir():  # a data package folder: read by the readers from its path
            return Fetched(source, data=b"")
        if not path.is_file():
            return Fetched(source, error="it is not a file" if path.exists() else
                           "the file does not exist")
        if path.stat().st_size > max_bytes:
            return Fetched(source, error=f"the file is larger than {max_bytes:,} bytes")
        return Fetched(source, data=path.read_bytes())
    except OSError as exc:
        return Fetched(source, error=f"the file could not be read ({exc.strerror})")
    except ValueError as exc:  # a path no system can open, such as one with a NUL
        return Fetched(source, error=f"the path cannot be used ({printable(exc)})")


def fetch(source: Source, *, allow_web: bool, allowed: set[str], timeout: float,
          max_bytes: int) -> Fetched:
    """The source's bytes, or the reason they could not be had. Never raises: one bad
    source (or publisher) is recorded as unavailable, and the others go on."""
    try:
        return _fetch(source, allow_web, allowed, timeout, max_bytes)
    except Exception as exc:  # noqa: BLE001 - recorded against the source, said plainly
        return Fetched(source, error=f"it could not be fetched ({type(exc).__name__}: "
                                     f"{printable(exc, 150)})")


def _fetch(source: Source, allow_web: bool, allowed: set[str], timeout: float,
           max_bytes: int) -> Fetched:
    if source.problem:
        return Fetched(source, error=source.problem)
    if not _is_web(source.location):
        return _local(source, max_bytes)
    problem = url_problem(source.location)
    if problem:
        return Fetched(source, error=problem + (f" ({source.origin})" if source.origin
                                                else ""))
    host = urlsplit(source.location).hostname or ""
    if not allow_web:
        return Fetched(source, error="it is a web address, and fetching was not asked for "
                                     "(use --fetch and --allow-host)")
    if host not in allowed:
        return Fetched(source, error=f"the host {printable(host, 100)} is not on the allow-list")
    failed = DownloadFailed("no answer")
    for attempt in range(RETRIES + 1):
        if attempt:
            time.sleep(0.5 * attempt)
        try:
            return Fetched(source, data=download(source.location, allowed, timeout,
                                                 max_bytes))
        except DownloadFailed as exc:  # a passing fault is asked again, a few times
            failed = exc
            if not exc.retry:
                break
    return Fetched(source, error=failed.reason)
