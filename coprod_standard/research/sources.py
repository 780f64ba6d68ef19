"""Where datasets come from: files, folders, registries, and (only when asked) the web.

Fetching is explicit: a web address is fetched only with ``fetch=True``, only from hosts on
the allow-list (redirects included), within a timeout and a size limit, with a bounded
number of retries for passing faults. Every failure is recorded with its reason, never
skipped silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

DATASET_SUFFIXES = (".json", ".xlsx", ".zip")
RETRIES = 2
USER_AGENT = "coprod-standard (combine)"


@dataclass
class Source:
    location: str  # a path or a web address
    publisher: str | None = None  # from a registry, if it says


@dataclass
class Fetched:
    source: Source
    data: bytes | None = None
    error: str | None = None
    retrieved_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(
        timespec="seconds"))

    @property
    def checksum(self) -> str | None:
        return hashlib.sha256(self.data).hexdigest() if self.data is not None else None


class SourceError(Exception):
    """A source argument that cannot be used; said in plain words."""


def _is_web(location: str) -> bool:
    return urlsplit(location).scheme in ("http", "https")


def registry_entries(path: Path) -> list[Source]:
    """A registry: a CSV file or JSON list of datasets, each with a url or path (and, if
    known, a publisher). Relative paths are relative to the registry."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise SourceError(f"the registry {path} could not be read: {exc.strerror}") from None
    if path.suffix.lower() == ".json":
        try:
            rows = json.loads(text)
        except ValueError as exc:
            raise SourceError(f"the registry {path} is not valid JSON: {exc}") from None
        rows = rows.get("datasets", []) if isinstance(rows, dict) else rows
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    sources = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        where = (row.get("url") or row.get("path") or "").strip()
        if not where:
            continue
        if not _is_web(where) and not Path(where).is_absolute():
            where = str(path.parent / where)
        sources.append(Source(where, (row.get("publisher") or "").strip() or None))
    if not sources:
        raise SourceError(f"the registry {path} lists no datasets (it needs a 'url' or "
                          "'path' column)")
    return sources


def expand(arguments: list[str], registries: list[str]) -> list[Source]:
    """Every dataset named by the arguments: files, the datasets in folders, and the
    entries of registries."""
    sources: list[Source] = []
    for argument in arguments:
        if _is_web(argument):
            sources.append(Source(argument))
            continue
        path = Path(argument)
        if path.is_dir() and not (path / "datapackage.json").is_file():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in DATASET_SUFFIXES
                           and p.is_file() and not p.name.startswith("."))
            found += sorted(p for p in path.iterdir()
                            if p.is_dir() and (p / "datapackage.json").is_file())
            sources += [Source(str(p)) for p in found]
        elif path.exists():
            sources.append(Source(str(path)))
        else:
            raise SourceError(f"'{argument}' is neither a file, a folder nor a web address")
    for registry in registries:
        sources += registry_entries(Path(registry))
    return sources


class _AllowListRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, allowed: set[str]) -> None:
        self.allowed = allowed

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        host = urlsplit(newurl).hostname or ""
        if host not in self.allowed:
            raise urllib.error.URLError(f"redirected to {host}, which is not on the allow-list")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _download(url: str, allowed: set[str], timeout: float, max_bytes: int) -> bytes:
    opener = urllib.request.build_opener(_AllowListRedirects(allowed))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with opener.open(request, timeout=timeout) as response:
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise ValueError(f"it is {int(length):,} bytes, more than the limit of "
                             f"{max_bytes:,}")
        data = response.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise ValueError(f"it is more than the limit of {max_bytes:,} bytes")
        return data


def fetch(source: Source, *, allow_web: bool, allowed: set[str], timeout: float,
          max_bytes: int) -> Fetched:
    """The source's bytes, or the reason they could not be had."""
    if not _is_web(source.location):
        path = Path(source.location)
        try:
            if path.is_dir():  # a data package folder: read by the readers from its path
                return Fetched(source, data=b"")
            if path.stat().st_size > max_bytes:
                return Fetched(source, error=f"the file is larger than {max_bytes:,} bytes")
            return Fetched(source, data=path.read_bytes())
        except OSError as exc:
            return Fetched(source, error=f"the file could not be read ({exc.strerror})")
    host = urlsplit(source.location).hostname or ""
    if not allow_web:
        return Fetched(source, error="it is a web address, and fetching was not asked for "
                                     "(use --fetch and --allow-host)")
    if host not in allowed:
        return Fetched(source, error=f"the host {host} is not on the allow-list")
    last = "no answer"
    for attempt in range(RETRIES + 1):
        try:
            return Fetched(source, data=_download(source.location, allowed, timeout,
                                                  max_bytes))
        except urllib.error.HTTPError as exc:
            last = f"the server answered {exc.code} {exc.reason}"
            if exc.code < 500:
                break  # a 404 will not change by asking again
        except ValueError as exc:
            return Fetched(source, error=f"the download was stopped: {exc}")
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last = "it took longer than the timeout" if "timed out" in str(reason) else \
                f"it could not be fetched ({reason})"
            if "allow-list" in str(reason):
                break
        if attempt < RETRIES:
            time.sleep(0.5 * (attempt + 1))
    return Fetched(source, error=last)
