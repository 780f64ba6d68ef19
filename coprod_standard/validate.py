"""validate(source) -> Report: read records within limits, check each against its version.

The dataset's own details (everything but the projects) are checked against the dataset
schema with its project items left out; each project is then checked on its own against
the project schema. Together that is exactly the whole-document check, but it never needs
more than one project in hand, so a streaming reader can feed it later unchanged.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from functools import cache

from jsonschema import Draft202012Validator

from .formats import format_checker
from .issues import Issue, issue_type
from .limits import Limits
from .open_codelists import open_code_issues
from .readers import ReadResult, Record, Source, Unreadable, read, source_name
from .report import Report
from .schemas import (
    PROJECT_SCHEMA,
    ROOT_SCHEMA,
    latest_version,
    load_schema,
    registry,
    schema_id,
    version_names,
)
from .structural import translate


class SchemaEngine:
    """Compiled validators for one version of the standard."""

    def __init__(self, version: str) -> None:
        self.version = version
        envelope = copy.deepcopy(load_schema(version, ROOT_SCHEMA))
        envelope["$id"] = schema_id(version, "dataset-envelope.schema.json")
        envelope["properties"]["projects"].pop("items", None)
        options = {"registry": registry(version), "format_checker": format_checker()}
        self.envelope = Draft202012Validator(envelope, **options)
        self.project = Draft202012Validator(load_schema(version, PROJECT_SCHEMA), **options)

    def check(self, record: Record) -> list[Issue]:
        validator = self.envelope if record.kind == "dataset" else self.project
        issues: list[Issue] = []
        seen: set[tuple[str, str]] = set()
        for error in validator.iter_errors(record.data):
            for issue in translate(self.version, error, record.pointer, record.label):
                if (issue.path, issue.code) not in seen:
                    seen.add((issue.path, issue.code))
                    issues.append(issue)
        issues.extend(open_code_issues(self.version, record))
        issues.sort(key=lambda i: (i.path, i.code))
        return issues


@cache
def engine(version: str) -> SchemaEngine:
    return SchemaEngine(version)


def _choose_version(result: ReadResult, report: Report) -> str | None:
    """The version to check against, or None when the dataset cannot be checked at all."""
    latest = latest_version()
    if not result.has_version:
        report.issues.append(issue_type("missing-version").make(
            path="/version", field="version", title="Standard version", latest=latest,
            record="the dataset's own details"))
        return latest
    declared = result.version
    if isinstance(declared, str) and declared in version_names():
        return declared
    if isinstance(declared, str):
        problem = (f"The dataset says it follows version {declared[:40]!r}, which is not a "
                   "version of the standard.")
    elif isinstance(declared, (int, float)) and not isinstance(declared, bool):
        problem = (f"The version is written as the number {declared}; it must be text in "
                   f"quotes, like \"{latest}\".")
    else:
        problem = "The version is not written as text in quotes."
    report.issues.append(issue_type("unsupported-version").make(
        path="/version", field="version", title="Standard version", problem=problem,
        versions=", ".join(version_names()), latest=latest,
        record="the dataset's own details", value=declared,
        show_value=isinstance(declared, (str, int, float)) and len(str(declared)) < 40))
    return None


def _record_of(pointer: str, labels: dict[str, str]) -> str:
    parts = pointer.split("/")
    key = "/".join(parts[:3]) if len(parts) > 2 and parts[1] == "projects" else ""
    return labels.get(key, "the dataset's own details")


def _check_records(records: Iterable[Record], version: str | None, report: Report) -> None:
    checker = engine(version) if version else None
    for record in records:
        report.records.append(record.label)
        if record.kind == "dataset" and not isinstance(record.data, dict):
            kind = {list: "a list", str: "a piece of text", bool: "true or false",
                    type(None): "null"}.get(type(record.data), "a number")
            report.issues.append(issue_type("not-a-dataset").make(
                kind=kind, record=record.label))
            return
        if checker:
            report.issues.extend(checker.check(record))


def validate(source: Source, *, limits: Limits | None = None, name: str | None = None) -> Report:
    """Check a dataset (a path, bytes, or parsed JSON) and explain every problem found."""
    report = Report(source=source_name(source, name))
    try:
        result = read(source, limits or Limits(), name)
    except Unreadable as exc:
        report.unreadable = True
        report.issues.append(exc.issue)
        return report
    version = _choose_version(result, report) if result.is_object else None
    report.version = version
    _check_records(result.records, version, report)
    if not result.has_version:  # already said, in words that explain what was done instead
        report.issues = [i for i in report.issues
                         if (i.code, i.path) != ("missing-required-field", "/version")]
    labels = {f"/projects/{i - 1}": label for i, label in enumerate(report.records) if i}
    for issue in result.issues:
        issue.record = _record_of(issue.path, labels)
        report.issues.append(issue)
    return report

