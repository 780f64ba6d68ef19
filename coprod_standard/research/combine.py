"""combine(sources) -> a DuckDB file of analysis-ready tables, with provenance.

Each dataset is read, validated (at the level asked for, under the disclosure policy it
records; the 'datasets' table keeps both) and (if valid) upgraded to the store's version
(the newest this toolkit knows) and flattened into the analysis tables. Invalid, unreadable,
unavailable and duplicate datasets are kept out of the analysis tables but recorded, with
their issues and reason.
Datasets are fetched and checked in worker processes spread over the machine's cores, a
batch at a time, so that only the batches in hand are held in memory, never every dataset
at once; a worker that dies (a crash no ``except`` catches) loses no dataset but the one
that killed it. The output is written to a temporary file and moved into place only when
complete.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..limits import Limits
from ..output import OutputRefused, check_file, check_folder, folder_output, replacing
from ..scorecard import assess
from ..suggest import printable
from ..upgrade import upgrade
from ..validate import validate
from .sources import Fetched, Source, fetch
from .store import DATASET_COLUMNS, ISSUE_COLUMNS, create_table, export, writing_store
from .tables import PROVENANCE_COLUMNS, dataset_rows, specs, store_version

PRINCIPLE_COLUMNS = [*PROVENANCE_COLUMNS, ("project_id", "VARCHAR"),
                     ("principle", "VARCHAR"), ("status", "VARCHAR"), ("summary", "VARCHAR")]


@dataclass
class Combined:
    target: str
    datasets: list[dict[str, Any]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    left_in_place: list[str] = field(default_factory=list)  # stale Parquet, never deleted

    def count(self, status: str) -> int:
        return sum(1 for d in self.datasets if d["status"] == status)


def _folder_checksum(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Fetching:
    """How to fetch the sources (see ``sources.fetch``)."""

    allow_web: bool = False
    allowed: frozenset[str] = frozenset()
    timeout: float = 20.0
    max_bytes: int = Limits().max_bytes

    def fetch(self, source: Source) -> Fetched:
        return fetch(source, allow_web=self.allow_web, allowed=set(self.allowed),
                     timeout=self.timeout, max_bytes=self.max_bytes)


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
    if report.disclosure:  # read and checked: under the policy it records, at LEVEL
        record.update(disclosure_policy=report.disclosure.policy,
                      disclosure_policy_from=report.disclosure.origin, checked_level=level)
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
    version = store_version()
    current = data if report.version == version else upgrade(data, version,
                                                              allow_loss=True)[0]
    provenance = (record["dataset_id"], record["publisher"], location, report.version,
                  record["retrieved_at"], checksum)
    rows = dataset_rows(current, provenance)
    rows["principles"] = [provenance + (project.get("id"), r.principle, r.status, r.summary)
                          for project in current.get("projects", [])
                          for r in assess(project, version)]
    return record, [], rows


Work = tuple[Source, Fetching, str, tuple[str, ...]]
STOPPED = ("it stopped the program reading it, so it was left out; the file may be damaged, "
           "or built to attack the reader: check it on its own with 'coprod validate'")


def _one(item: Work) -> tuple:
    """One source fetched (in the worker) and processed; its bytes go when it is done."""
    source, fetching, level, extension_dirs = item
    return process(fetching.fetch(source), level, fetching.max_bytes, extension_dirs)


def _run(batch: list[Work]):
    return [_one(item) for item in batch]


def _check_all(work: list[Work], jobs: int, progress: Callable[[int], None] | None) -> list:
    """Every dataset checked in worker processes, in batches. A worker that dies (a crash
    or an abort in compiled code, which no ``except`` can catch) loses no dataset: the
    batches it broke are checked again one dataset at a time, each in a process of its
    own, and a dataset that stops that process too is recorded as unreadable."""
    size = max(len(work) // (jobs * 8), 1)
    batches = [list(range(i, min(i + size, len(work)))) for i in range(0, len(work), size)]
    results: dict[int, tuple] = {}
    again: list[int] = []
    with ProcessPoolExecutor(max_workers=max(min(jobs, len(batches)), 1)) as pool:
        futures = {pool.submit(_run, [work[i] for i in batch]): batch for batch in batches}
        for future in as_completed(futures):
            try:
                done = future.result()
            except BrokenProcessPool:
                again += futures[future]
                continue
            results.update(zip(futures[future], done, strict=True))
            if progress:
                progress(len(done))
    for index in sorted(again):
        results[index] = _alone(work[index])
        if progress:
            progress(1)
    return [results[i] for i in range(len(work))]


def _alone(item: Work) -> tuple:
    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(_one, item).result()
    except BrokenProcessPool:
        return _record(Fetched(item[0]), None, status="unreadable", reason=STOPPED), [], {}


def combine(sources: list[Source], target: str | os.PathLike, *, level: str = "publish",
            allow_web: bool = False, allowed: set[str] | frozenset = frozenset(),
            timeout: float = 20.0, max_bytes: int = Limits().max_bytes, jobs: int = 0,
            csv_dir: Path | None = None, parquet_dir: Path | None = None,
            progress: Callable[[int], None] | None = None,
            extension_dirs: tuple[str, ...] = ()) -> Combined:
    target = Path(target)
    combined = Combined(str(target))
    fetching = Fetching(allow_web, frozenset(allowed), timeout, max_bytes)
    work = [(s, fetching, level, tuple(extension_dirs)) for s in sources]
    results = _check_all(work, jobs or min(os.cpu_count() or 1, 4), progress)
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
    combined.left_in_place = _write_store(target, combined, issues, rows, csv_dir,
                                          parquet_dir)
    return combined


def table_names() -> list[str]:
    """The store's tables, in order; each is exported as NAME.csv (and as Parquet)."""
    return ["datasets", "issues", *specs(), "principles"]


def check_outputs(target: str | os.PathLike, csv_dir: Path | None, parquet_dir: Path | None,
                  *, force: bool, inputs: Sequence[str] = ()) -> None:
    """Refuse (``OutputRefused``, before anything is fetched) a store or export that exists
    without FORCE, that is one of the inputs, or that is a file where a folder is wanted
    (or the reverse)."""
    check_file(target, force=force, inputs=inputs)
    if csv_dir is not None:
        check_folder(csv_dir, [f"{n}.csv" for n in table_names()], force=force,
                     inputs=inputs)
    if parquet_dir is not None:
        check_folder(parquet_dir, [], force=force, inputs=inputs)
        found = [p for n in table_names() for p in (f"{n}.parquet", n)
                 if (Path(parquet_dir) / p).exists()]
        if found and not force:
            raise OutputRefused(f"'{parquet_dir}' already holds {', '.join(found[:5])}; use "
                                "--force to replace them (nothing else in it is touched)")


def _write_store(target: Path, combined: Combined, issues: list[tuple],
                 rows: dict[str, list[tuple]], csv_dir: Path | None,
                 parquet_dir: Path | None) -> list[str]:
    """Build the DuckDB store in a temporary file beside TARGET and the exports in staging
    folders; all are moved into place only when every one is complete (through
    ``coprod_standard.output``: nothing else in an export folder is touched). Returns the
    Parquet files of an earlier export that this one did not write (a publisher no longer
    present): they are never deleted, only listed."""
    with ExitStack() as stack:  # on leaving: the exports are moved in, then the store
        temp = stack.enter_context(replacing(target, created=False, sidecars=(".wal",)))
        csv_stage = stack.enter_context(folder_output(csv_dir)) if csv_dir else None
        parquet_stage = stack.enter_context(folder_output(parquet_dir)) if parquet_dir \
            else None
        with writing_store(temp) as con:  # checkpointed and closed before it is moved
            create_table(con, "datasets", DATASET_COLUMNS,
                         [tuple(d[c] for c, _ in DATASET_COLUMNS) for d in combined.datasets])
            create_table(con, "issues", ISSUE_COLUMNS, issues)
            for name, spec in specs().items():
                columns = [(column, kind) for column, kind, _ in spec.columns]
                combined.rows[name] = create_table(con, name, columns, rows[name])
            combined.rows["principles"] = create_table(con, "principles", PRINCIPLE_COLUMNS,
                                                       rows["principles"])
            export(con, table_names(), csv_stage and csv_stage.root,
                   parquet_stage and parquet_stage.root)
        written = set(parquet_stage.files()) if parquet_stage else set()
    if parquet_dir is None:
        return []
    return sorted(str(p) for n in table_names() if (parquet_dir / n).is_dir()
                  for p in (parquet_dir / n).rglob("*.parquet")
                  if p.relative_to(parquet_dir) not in written)
