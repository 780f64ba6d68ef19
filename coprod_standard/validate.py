"""validate(source) -> Report: read records within limits, check each against its version
(the JSON Schema), then run the checks beyond the schema at the chosen level."""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from datetime import date

from .checks import LEVELS, POLICIES, Context, Settings, flag_personal, run
from .checks.personal_patterns import personal_values
from .checks.privacy import personal_key
from .extensions import ExtensionError, compile_set
from .issues import Issue, Pending, Unlisted, issue_type, place
from .limits import Limits
from .readers import ReadResult, ReadWhole, Record, Source, Unreadable, read, source_name
from .report import Disclosure, Report
from .schema_engine import engine
from .schemas import schema_sets_in_use
from .scorecard import assess
from .tabular.grid import attach
from .tabular.naming import named, said_once
from .version_choice import choose_version
from .withhold import Withheld, neutral_label

Progress = Callable[[int, int, int], None]


def _record_of(pointer: str, labels: dict[str, str]) -> str:
    parts = pointer.split("/")
    key = "/".join(parts[:3]) if len(parts) > 2 and parts[1] == "projects" else ""
    return labels.get(key, "the dataset's own details")


def _said_better(result: ReadResult, version: str | None, checking: bool):
    """Schema issues that another issue says better, never made: a missing version (the
    missing-version issue explains what was done instead), and an unknown field that the
    privacy checks report as personal data (a field for a person's details, or a name
    holding an e-mail address, say)."""
    def skip(issue: Pending) -> bool:
        if issue.code == "missing-required-field" and issue.path == "/version":
            return not result.has_version
        return checking and issue.code == "unknown-field" and personal_key(version,
                                                                           issue.path)
    return skip


def check_records(result: ReadResult, version: str | None, report: Report,
                  settings: Settings, progress: Progress | None,
                  shard: tuple[int, int] = (0, 1), order: list[int] | None = None
                  ) -> tuple[Record | None, list[tuple[str, object]]]:
    """Check every record as it is read; the dataset's own record and each project's
    (pointer, id), for the checks of the dataset as a whole. A streaming reader hands the
    dataset's own details over last, after its projects; they are known before
    (``result.details``). With SHARD (k, n), only the projects at positions k, k + n, ...
    are checked (and the dataset's own record when k is 0); ORDER collects their positions.
    Issues past ``report.limit`` are counted, never built.
    """
    checker = engine(version) if version else None
    checking = version is not None and settings.level != "schema"
    skip = _said_better(result, version, checking)
    envelope: Record | None = None
    details = result.details if result.details is not None else result.data
    project_ids: list[tuple[str, object]] = []
    position = -1
    for count, record in enumerate(result.records, start=1):
        if progress and not count % 500:
            progress(count, *(result.position() if result.position else (0, 0)))
        if record.kind == "dataset":
            if shard[0]:
                continue
            report.records.insert(0, record.label)
        else:
            position += 1
            if position % shard[1] != shard[0]:
                continue
            if order is not None:
                order.append(position)
            report.records.append(record.label)
        if record.kind == "dataset" and not isinstance(record.data, dict):
            kind = {list: "a list", str: "a piece of text", bool: "true or false",
                    type(None): "null"}.get(type(record.data), "a number")
            report.issues.append(issue_type("not-a-dataset").make(
                kind=kind, record=record.label))
            return None, project_ids
        start = len(report.issues)
        if checker:
            checker.check(record, report.listing(), skip)
        ctx = None
        if record.kind == "dataset":
            envelope = record
        elif version is not None and isinstance(record.data, dict):
            ctx = Context(record.data, details if isinstance(details, dict) else {}, settings,
                          version, record.pointer)
            if checking:
                project_ids.append((record.pointer, record.data.get("id")))
                _run(report, "project", ctx, record)
                report.scorecards.append((record.label, assess(record.data, version)))
            elif len(report.issues) > start:  # the schema level: its issues may quote values
                flag_personal("project", ctx)
        if record.locate:  # a table's rows: placed while the project is in hand
            for issue in report.issues[start:]:
                if issue.location is None:
                    issue.location = record.locate(place(issue))
        if ctx is not None and ctx.withheld:
            _withhold_record(report, record, ctx.withheld, start)
    return envelope, project_ids


def _check_all(source: Source, result: ReadResult, version: str | None, report: Report,
               settings: Settings, limits: Limits, progress: Progress | None, jobs: int,
               name: str | None) -> tuple[list[Issue], Unlisted]:
    """Every record checked (in JOBS processes for a large streamed file), then the dataset
    as a whole; the issues found while reading (those listed, and those counted)."""
    size = result.position()[1] if result.position else result.size
    if jobs > 1 and version and result.details is not None and size >= limits.stream_from \
            and isinstance(source, (str, os.PathLike)) \
            and "fork" in multiprocessing.get_all_start_methods():  # not on Windows
        from .parallel import check_in_parts

        envelope, project_ids, read_issues = check_in_parts(
            source, report, jobs, progress, check_records, limits=limits, name=name,
            version=version, settings=settings)
    else:
        envelope, project_ids = check_records(result, version, report, settings, progress)
        read_issues = result.issues, result.not_listed
    if version is not None and envelope:
        _late_record(envelope.data, settings, report)
        ctx = Context(envelope.data, envelope.data, settings, version, "", project_ids)
        if settings.level != "schema":
            _run(report, "dataset", ctx, envelope)
        report.withheld.update(flag_personal("dataset", ctx) if settings.level == "schema"
                               else ctx.withheld)
    return read_issues


@contextmanager
def _settled_memory():
    """The data just read will live until the end: set it aside from the garbage collector,
    which would otherwise walk all of it again and again (a fifth of the time on large
    files)."""
    gc.collect(0)
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _run(report: Report, scope: str, ctx: Context, record: Record) -> None:
    issues, ran = run(scope, ctx, record.pointer, record.label)
    report.add(issues)
    report.checks_run.update(ran)


def _withhold_record(report: Report, record: Record, withheld: Withheld, start: int) -> None:
    """Before a record's issues leave it: its flagged values withheld from them and from
    its scorecard, and a label that names it by position only."""
    report.withheld.update(withheld)
    label = neutral_label(record.pointer)
    if report.records and report.records[-1] == record.label:
        report.records[-1] = label
    if report.scorecards and report.scorecards[-1][0] == record.label:
        report.scorecards[-1] = (label, [
            dataclasses.replace(r, summary=withheld.text(r.summary))
            if withheld.holds(r.summary) else r for r in report.scorecards[-1][1]])
    for issue in report.issues[start:]:
        issue.record = label
        withheld.issue(issue)
    report.not_listed.relabel(record.label, label)


def _withhold(report: Report, read_issues: list) -> None:
    """The values flagged anywhere withheld from every issue kept (and ``report.data``).
    Issues found while reading quote what no record holds (a column's heading, a sheet's
    name): what in them looks like personal data is withheld too."""
    for issue in read_issues:
        where = issue.location
        for text in (issue.message, where and where.column_title, where and where.sheet):
            if text:
                report.withheld.add(personal_values(text))
    if report.withheld:  # the data is withheld from when it is first asked for
        for issue in report.issues:
            report.withheld.issue(issue)


def _with_extensions(version: str | None, result: ReadResult, report: Report,
                     extension_dirs: Sequence[str | os.PathLike]) -> str | None:
    """The schema set to check against: the version, with any declared extensions (found
    by name among the packaged ones and in EXTENSION_DIRS only)."""
    details = result.details if result.details is not None else result.data
    declared = details.get("extensions") if isinstance(details, dict) else None
    if not version or not isinstance(declared, list) or not declared or not all(
            isinstance(name, str) for name in declared):
        return version
    try:
        key = compile_set(version, declared, extension_dirs)
    except ExtensionError as exc:
        report.issues.append(issue_type(exc.code).make(
            path="/extensions", field="extensions", title="Extensions", detail=str(exc),
            record="the dataset's own details"))
        return version
    report.extensions = list(declared)
    return key


def _policy(result: ReadResult, version: str | None, settings: Settings, report: Report,
            late: str | None = None) -> Settings:
    """The settings with the disclosure policy to check under: the one chosen (the
    --disclosure option), else the one the dataset records (LATE: found after its
    projects on an earlier reading), else the default; the report notes which, and where
    it came from."""
    details = result.details if result.details is not None else result.data
    recorded = _recorded(details) or late
    if settings.chosen:
        origin = "option"
    elif recorded and version is not None:
        settings, origin = dataclasses.replace(settings, disclosure=recorded), "dataset"
    else:
        origin = "default"
    report.disclosure = Disclosure(settings.disclosure, origin, recorded)
    return settings


def _unreadable(report: Report, issue) -> Report:
    """The report of a file that could not be read: that issue alone, whatever was found
    before the reading stopped."""
    return Report(source=report.source, level=report.level, unreadable=True, issues=[issue])


def validate(source: Source, *, limits: Limits | None = None, name: str | None = None,
             level: str = "publish", disclosure: str | None = None,
             today: date | None = None, progress: Progress | None = None,
             stream: bool = False, jobs: int = 1,
             extension_dirs: Sequence[str | os.PathLike] = ()) -> Report:
    """Check a dataset (a path, bytes, or parsed JSON) and explain every problem found.

    level: "schema" (the JSON Schema only), "draft", or "publish" (everything, as before a
    file goes public). disclosure: the small-numbers policy, "nhs-digital" or "threshold-10";
    None (the default) checks under the policy the dataset records (``disclosureControl``,
    version 1.2 on), or nhs-digital if it records none. The report says which and why.
    progress: called now and then with (records checked, bytes read, bytes in all; both 0
    when the reader does not say). stream: read a large JSON file, workbook or CSV tables
    one project at a time, in little memory (``report.data`` is then None); JSON Lines are
    always read so, and tables not in the projects' order are read whole after all.
    jobs: with stream, check a file of ``limits.stream_from`` bytes or more in this many
    processes (the report is the same). extension_dirs: folders of extensions of your own
    (each extension a folder with an extension.json inside one of them) that a dataset may
    name besides the packaged ones; a dataset can never name a path.
    """
    if level not in LEVELS or (disclosure is not None and disclosure not in POLICIES):
        raise ValueError(f"level must be one of {LEVELS}; disclosure one of {tuple(POLICIES)}")
    settings = Settings(level, disclosure or "nhs-digital", today or date.today(),
                        chosen=disclosure is not None)
    limits = limits or Limits()
    dirs = tuple(extension_dirs)
    from .tabular.fast_workbook import scans_remembered

    with schema_sets_in_use(), scans_remembered():  # kept until this check ends
        try:
            return _whole_or_streamed(source, limits, name, settings, progress, stream, jobs,
                                      dirs)
        except _LateRecord as late:  # read a project at a time, the record came after them
            return _whole_or_streamed(source, limits, name, settings, progress, stream, jobs,
                                      dirs, late.policy)


def _whole_or_streamed(source: Source, limits: Limits, name: str | None, settings: Settings,
                       progress: Progress | None, stream: bool, jobs: int,
                       dirs: tuple[str | os.PathLike, ...], late: str | None = None) -> Report:
    try:
        return _validate(source, limits, name, settings, progress, stream, jobs, dirs, late)
    except ReadWhole:  # tables whose rows are not in the projects' order
        return _validate(source, limits, name, settings, progress, False, jobs, dirs, late)


class _LateRecord(Exception):
    """A file read a project at a time records, after its projects, another policy than
    the one they were checked under: they are checked again under it."""

    def __init__(self, policy: str) -> None:
        super().__init__(policy)
        self.policy = policy


def _recorded(details: object) -> str | None:
    """The policy a dataset's own details record, if it is one this toolkit knows."""
    held = details.get("disclosureControl") if isinstance(details, dict) else None
    policy = held.get("policy") if isinstance(held, dict) else None
    return policy if isinstance(policy, str) and policy in POLICIES else None


def _late_record(details: object, settings: Settings, report: Report) -> None:
    """Once the dataset's own details are all read: a record found only now (after the
    projects, in a file read a project at a time) is honoured, by checking again if the
    projects were checked under another policy."""
    if report.disclosure is None or report.disclosure.origin != "default":
        return
    policy = _recorded(details)
    if policy is not None and policy != settings.disclosure:
        raise _LateRecord(policy)
    if policy is not None:
        report.disclosure = Disclosure(policy, "dataset", policy)


def _validate(source: Source, limits: Limits, name: str | None, settings: Settings,
              progress: Progress | None, stream: bool, jobs: int,
              extension_dirs: tuple[str | os.PathLike, ...] = (),
              late: str | None = None) -> Report:
    report = Report(source=source_name(source, name), level=settings.level,
                    limit=limits.max_issues)
    try:
        result = read(source, limits, name, stream=stream)
    except Unreadable as exc:
        return _unreadable(report, exc.issue)
    version = choose_version(result, report) if result.is_object else None
    report.version = version
    report.data = result.data
    version = _with_extensions(version, result, report, extension_dirs)
    settings = _policy(result, version, settings, report, late)
    try:
        with _settled_memory(), named(result.tabular, version):
            read_issues, read_unlisted = _check_all(source, result, version, report,
                                                    settings, limits, progress, jobs, name)
    except Unreadable as exc:  # a streaming reader met a problem part of the way through
        return _unreadable(report, exc.issue)
    except OSError as exc:
        return _unreadable(report, issue_type("cannot-open").make(
            file=report.source, reason=exc.strerror or str(exc)))
    if result.tabular:
        report.issues[:] = said_once(report.issues)
    labels = {f"/projects/{i - 1}": label for i, label in enumerate(report.records) if i}
    for issue in read_issues:
        issue.record = _record_of(issue.path, labels)
    report.add(read_issues)
    report.not_listed.merge(read_unlisted, lambda pointer: _record_of(pointer, labels))
    report.keep_at_most(limits.max_issues)  # the parts of several processes, put together
    if report.not_listed:
        report.issues.append(issue_type("issues-not-listed").make(
            count=f"{report.not_listed_count:,}", limit=f"{limits.max_issues:,}",
            record="the dataset's own details"))
    if result.locate:
        for issue in report.issues:
            if issue.location is None:
                issue.location = result.locate(place(issue))
    _withhold(report, read_issues[:limits.max_issues])  # those after cannot be kept
    if result.fetch:
        attach(report.issues, result.fetch, _hidden(report.withheld))
    return report


def _hidden(withheld: Withheld) -> Callable[[object], bool]:
    """Whether a cell shown around an issue must be hidden: it holds a flagged value, or
    anything else that looks like personal data (in a column the standard does not have,
    say, whose cells no check reads)."""

    def hidden(value: object) -> bool:
        text = "" if value is None else str(value)
        return bool(text) and (withheld.holds(text) or bool(personal_values(text)))
    return hidden
