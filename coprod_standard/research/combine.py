"""combine(sources) -> a DuckDB file of analysis-ready tables, with provenance.

Each dataset is read, validated and (if valid) upgraded to the current version and
flattened into the analysis tables. Invalid, unreadable, unavailable and duplicate
datasets are kept out of the analysis tables but recorded, with their issues and reason.
Work is spread over the machine's cores; the output is written to a temporary file and
moved into place only when complete.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..limits import Limits
from ..schemas import latest_version
from ..scorecard import assess
from ..suggest import printable
from ..upgrade import upgrade
from ..validate import validate
from .sources import Fetched, Source, fetch
from .store import DATASET_COLUMNS, ISSUE_COLUMNS, create_table, export
from .tables import PROVENANCE, dataset_rows, specs

PRINCIPLE_COLUMNS = [*((p, "VARCHAR") for p in PROVENANCE), ("project_id", "VARCHAR"),
                     ("principle", "VARCHAR"), ("status", "VARCHAR"), ("summary", "VARCHAR")]


@dataclass
class Combined:
    target: str
    datasets: list[dict[str, Any]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    def count(self, status: str) -> int:
        return sum(1 for d in self.datasets if d["status"] == status)


def _folder_checksum(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def process(fetched: Fetched, level: str, max_bytes: int,
            extension_dirs: tuple[str, ...] = ()
            ) -> tuple[dict[str, Any], list[tuple], dict[str, list[tuple]]]:
    """One dataset: its record, its issues (if it is kept out) and its analysis rows.
    Whatever goes wrong with it is recorded against it: it never ends the run."""
    try:
        return _process(fetched, level, max_bytes, extension_dirs)
    except Exception as exc:  # noqa: BLE001 - one bad dataset must not lose the others
        reason = f"it could not be processed ({type(exc).__name__}: {printable(exc, 150)})"
        return _record(fetched, fetched.checksum, status="unreadable", reason=reason), [], {}


def _record(fetched: Fetched, checksum: str | None, **values: Any) -> dict[str, Any]:
    """The dataset's row in the 'datasets' table, before it is checked."""
    location = fetched.source.location
    record: dict[str, Any] = {name: None for name, _ in DATASET_COLUMNS}
    record.update(dataset_id=(checksum or hashlib.sha256(location.encode()).hexdigest())[:16],
                  source=location, publisher=fetched.source.publisher, checksum=checksum,
                  retrieved_at=fetched.retrieved_at, errors=0, warnings=0, projects=0)
    record.update(values)
    return record


def _process(fetched: Fetched, level: str, max_bytes: int, extension_dirs: tuple[str, ...]
             ) -> tuple[dict[str, Any], list[tuple], dict[str, list[tuple]]]:
    location = fetched.source.location
    folder = not fetched.error and not fetched.data and Path(location).is_dir()
    checksum = _folder_checksum(Path(location)) if folder else fetched.checksum
    if fetched.error:
        return _record(fetched, checksum, status="unavailable", reason=fetched.error), [], {}
    record = _record(fetched, checksum)
    report = validate(Path(location) if folder else fetched.data, name=location, level=level,
                      limits=Limits(max_bytes=max_bytes), extension_dirs=extension_dirs)
    data = report.data if isinstance(report.data, dict) else {}
    publisher = data.get("publisher") if isinstance(data.get("publisher"), dict) else {}
    counts = report.counts()
    record.update(status=report.status, version=report.version, errors=counts.get("error", 0),
                  warnings=counts.get("warning", 0), projects=report.projects,
                  publisher=publisher.get("id") if isinstance(publisher.get("id"), str)
                  else record["publisher"], publisher_name=publisher.get("name"),
                  title=data.get("title"), license=data.get("license"))
    published = data.get("publishedDate")
    if isinstance(published, str) and report.valid:
        from datetime import date
        record["published_date"] = date.fromisoformat(published)
    if not report.valid:
        first = next((i for i in report.issues if i.severity.value == "error"), None)
        record["reason"] = first.message if first else "not valid"
        issues = [(record["dataset_id"], location, i.code, i.severity.value, i.path,
                   i.location.describe() if i.location else None, i.message)
                  for i in report.issues]
        return record, issues, {}
    current = data if report.version == latest_version() else upgrade(
        data, latest_version(), allow_loss=True)[0]
    provenance = (record["dataset_id"], record["publisher"], location, report.version,
                  record["retrieved_at"], checksum)
    rows = dataset_rows(current, provenance)
    rows["principles"] = [provenance + (project.get("id"), r.principle, r.status, r.summary)
                          for project in current.get("projects", [])
                          for r in assess(project, latest_version())]
    return record, [], rows


def _run(batch: list[tuple[Fetched, str, int, tuple[str, ...]]]):
    return [process(*item) for item in batch]


def combine(sources: list[Source], target: str | os.PathLike, *, level: str = "publish",
            allow_web: bool = False, allowed: set[str] | frozenset = frozenset(),
            timeout: float = 20.0, max_bytes: int = Limits().max_bytes, jobs: int = 0,
            csv_dir: Path | None = None, parquet_dir: Path | None = None,
            progress: Callable[[int], None] | None = None,
            extension_dirs: tuple[str, ...] = ()) -> Combined:
    import duckdb

    target = Path(target)
    combined = Combined(str(target))
    work = [(fetch(s, allow_web=allow_web, allowed=set(allowed), timeout=timeout,
                   max_bytes=max_bytes), level, max_bytes, tuple(extension_dirs))
            for s in sources]
    jobs = jobs or min(os.cpu_count() or 1, 4)
    results = []
    if jobs > 1 and len(work) >= 8:
        size = max(len(work) // (jobs * 8), 1)
        batches = [work[i:i + size] for i in range(0, len(work), size)]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for done in pool.map(_run, batches):
                results += done
                if progress:
                    progress(len(done))
    else:
        for item in work:
            results.append(process(*item))
            if progress:
                progress(1)
    seen: set[str] = set()
    issues: list[tuple] = []
    rows: dict[str, list[tuple]] = {name: [] for name in [*specs(), "principles"]}
    for record, found, table_rows in results:
        if record["checksum"] and record["checksum"] in seen:
            record.update(status="duplicate", reason="the same data as an earlier source")
            table_rows = {}
        elif record["checksum"]:
            seen.add(record["checksum"])
        combined.datasets.append(record)
        issues += found
        for name, new in table_rows.items():
            rows[name] += new
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".db")
    os.close(handle)
    os.remove(temp)  # duckdb creates it
    try:
        con = duckdb.connect(temp)
        names = ["datasets", "issues", *specs(), "principles"]
        create_table(con, "datasets", DATASET_COLUMNS,
                     [tuple(d[c] for c, _ in DATASET_COLUMNS) for d in combined.datasets])
        create_table(con, "issues", ISSUE_COLUMNS, issues)
        for name, spec in specs().items():
            columns = [(column, kind) for column, kind, _ in spec.columns]
            combined.rows[name] = create_table(con, name, columns, rows[name])
        combined.rows["principles"] = create_table(con, "principles", PRINCIPLE_COLUMNS,
                                                   rows["principles"])
        export(con, names, csv_dir, parquet_dir)
        con.close()
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.remove(temp)
    return combined
