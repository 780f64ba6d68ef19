"""Checking a large streamed file on several cores.

Each worker process reads the whole file, one project at a time (reading is cheap next to
checking), and checks every n-th project: worker k takes the projects whose position
modulo n is k, and worker 0 also the dataset's own details. The parts are then put back
in the file's order, so the report is exactly the one a single process gives; the tests
compare the two on every fixture. Workers are forked, so they start with everything the
parent has loaded (compiled schemas and extensions included). The validator hands in
its own record checker (``check``), so this module never imports the validator back.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .issues import Issue, Unlisted, issue_type, place
from .readers import Record, Unreadable, read
from .report import Report

DATASET = "the dataset's own details"
_JOB: dict[str, Any] = {}  # set in the parent just before the workers are forked


@dataclass
class Part:
    """What one worker found: its projects' issues and scorecards, in its order."""

    report: Report | None = None
    order: list[int] = field(default_factory=list)  # position of each project it checked
    envelope: Record | None = None
    project_ids: list[tuple[str, object]] = field(default_factory=list)
    read_issues: list[Issue] = field(default_factory=list)
    read_unlisted: Unlisted = field(default_factory=Unlisted)  # past the limit, counted
    withheld: tuple = (frozenset(), frozenset(), False)  # Withheld.hand_over()
    unreadable: Issue | None = None


def _work(k: int) -> Part:
    from .tabular.naming import named

    job = _JOB
    check_records = job["check"]
    report = Report(source=job["report"].source, level=job["report"].level,
                    limit=job["limits"].max_issues)

    def progress(records: int, done: int, total: int) -> None:
        job["records"].value, job["bytes"].value = records, done

    try:
        result = read(job["source"], job["limits"], job["name"], stream=True)
        order: list[int] = []
        with named(result.tabular, job["version"]):
            envelope, ids = check_records(result, job["version"], report, job["settings"],
                                          progress if k == 0 else None,
                                          shard=(k, job["jobs"]), order=order)
    except Unreadable as exc:
        return Part(unreadable=exc.issue)
    except OSError as exc:
        return Part(unreadable=issue_type("cannot-open").make(
            file=report.source, reason=exc.strerror or str(exc)))
    if result.locate:  # lines of JSON Lines: only this worker's reader knows them
        for issue in report.issues + result.issues:
            if issue.location is None:
                issue.location = result.locate(place(issue))
    if envelope is not None:
        envelope.locate = None  # used already; a table's locator cannot cross processes
    withheld = report.withheld.hand_over()
    if k:
        return Part(report, order, envelope, ids, withheld=withheld)
    return Part(report, order, envelope, ids, result.issues, result.not_listed, withheld)


def check_in_parts(source: Any, report: Report, jobs: int,
                   progress: Callable[[int, int, int], None] | None, check: Callable,
                   **job: Any
                   ) -> tuple[Record | None, list[tuple[str, object]],
                              tuple[list[Issue], Unlisted]]:
    """Check the records of a streamable SOURCE in JOBS processes with CHECK (the
    validator's ``check_records``), into REPORT; the
    dataset's own record, every project's (pointer, id) and the reading issues (listed, and
    counted), for the checks that need the whole dataset. Each part lists at most the
    report's limit; the first issues in the file's order are among those, so the parts put
    together list the same issues as a single process. Raises ``Unreadable`` as a single
    reader would."""
    context = multiprocessing.get_context("fork")
    _JOB.update(job, source=source, report=report, jobs=jobs, check=check,
                records=context.Value("q", 0, lock=False),
                bytes=context.Value("q", 0, lock=False))
    total = os.stat(source).st_size if os.path.isfile(source) else 0  # tables: rows only
    try:
        with context.Pool(jobs) as pool:
            pending = pool.map_async(_work, range(jobs))
            while not pending.ready():
                pending.wait(0.2)
                if progress:
                    progress(_JOB["records"].value, _JOB["bytes"].value, total)
            parts = pending.get()
    finally:
        _JOB.clear()
    failed = next((p.unreadable for p in parts if p.unreadable), None)
    if failed is not None:
        raise Unreadable(failed)
    return _merge(report, parts)


def _merge(report: Report, parts: list[Part]
           ) -> tuple[Record | None, list[tuple[str, object]], tuple[list[Issue], Unlisted]]:
    labels: dict[int, str] = {}
    issues: dict[str, list[Issue]] = defaultdict(list)
    cards: dict[str, Any] = {}
    ids: list[tuple[str, object]] = []
    for part in parts:
        assert part.report is not None
        projects = [label for label in part.report.records if label != DATASET]
        labels.update(zip(part.order, projects, strict=True))
        for issue in part.report.issues:
            issues[issue.record].append(issue)
        cards.update(part.report.scorecards)
        report.checks_run |= part.report.checks_run
        report.not_listed.merge(part.report.not_listed)
        report.withheld.take(part.withheld)  # what was withheld from its issues
        ids += part.project_ids
    report.records.append(DATASET)
    for index in sorted(labels):
        label = labels[index]
        report.records.append(label)
        report.issues += issues.pop(label, [])
        if label in cards:
            report.scorecards.append((label, cards[label]))
    for rest in issues.values():  # the dataset's own details, after its projects
        report.issues += rest
    ids.sort(key=lambda pair: int(pair[0].split("/")[2]))
    return parts[0].envelope, ids, (parts[0].read_issues, parts[0].read_unlisted)
