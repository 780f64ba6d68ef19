"""The text report, written for a non-programmer: the verdict first, then issues grouped
by kind and counted, with the first few examples of each and how to fix them."""

from __future__ import annotations

import textwrap

from ..issues import Issue
from ..readers.surrogates import mended
from ..report import INVALID, UNREADABLE, Report
from ..scorecard import summarise
from ..tabular.grid import render as render_grid
from ..withhold import PHRASE

WIDTH = 88
SEVERITY_HEADINGS = {"error": "Errors (must be fixed)", "warning": "Warnings (should be fixed)",
                     "advisory": "Advice (worth a look)"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _wrap(text: str, indent: str) -> str:
    unbroken = PHRASE.replace(" ", "\xa0")  # the phrase for a withheld value, on one line
    return textwrap.fill(text.replace(PHRASE, unbroken), WIDTH, initial_indent=indent,
                         subsequent_indent=indent + "  ").replace(unbroken, PHRASE)


def _counts_phrase(report: Report) -> str:
    counts = report.counts()
    parts = [_plural(counts[k], k) for k in ("error", "warning") if counts.get(k)]
    if counts.get("advisory"):
        parts.append(f"{counts['advisory']} piece{'s' if counts['advisory'] > 1 else ''} of advice")
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


def _scope(report: Report) -> str:
    projects = _plural(report.projects, "project")
    version = f"version {report.version}"
    if report.extensions:
        names = ", ".join(report.extensions)
        version += f" with the extension{'s' if len(report.extensions) > 1 else ''} {names}"
    return f"Checked against {version}: the dataset's own details and {projects}."


def _verdict(report: Report) -> list[str]:
    if report.status == UNREADABLE:
        return [f"COULD NOT READ {report.source}"]
    if report.status == INVALID:
        affected = len({i.record for i in report.issues})
        lines = [f"NOT VALID {report.source}: {_counts_phrase(report)}, in {affected} of "
                 f"{len(report.records)} records."]
    elif report.issues:
        lines = [f"VALID {report.source}, with {_counts_phrase(report)}."]
    else:
        lines = [f"VALID {report.source}: no problems found."]
    if report.version:
        lines.append(_wrap(_scope(report), "  "))
    if report.checks_run:
        lines.append(_wrap(f"At level {report.level}, {report.checks_passed} of "
                           f"{len(report.checks_run)} checks beyond the schema passed.", "  "))
        if report.disclosure:
            lines.append(_wrap(report.disclosure.describe(), "  "))
    return lines + _scorecard(report)


def _scorecard(report: Report) -> list[str]:
    if not report.scorecards:
        return []
    lines = ["", "  The four principles"]
    if len(report.scorecards) == 1:
        for result in report.scorecards[0][1]:
            lines.append(_wrap(f"- {result.summary}", "    "))
        return lines
    total = len(report.scorecards)
    for principle, counts in summarise(report.scorecards).items():
        parts = [f"{status} in {n}" for status, n in counts.items() if n]
        lines.append(_wrap(f"- {principle.capitalize()}: {', '.join(parts)} of {total} "
                           "projects.", "    "))
    return lines


def _example(issue: Issue, with_fix: bool) -> list[str]:
    where, place = issue.record or "", issue.location
    if place and place.describe():
        where = place.describe()
        if place.sheet and not place.row and issue.record:  # a sheet with no row for it yet
            where += f", for {issue.record}"
    lines = [_wrap(f"- {where}: {issue.message}" if where else f"- {issue.message}", "    ")]
    if with_fix:
        lines.append(_wrap(f"Fix: {issue.fix}", "      "))
    if issue.context:
        lines += ["    " + line for line in render_grid(issue.context)]
    if issue.path and not (place and place.sheet):  # in tables, the cell says where
        lines.append(f"      (at {issue.path})")
    return lines


def _unreadable(report: Report) -> list[str]:
    issue = report.issues[0]
    return [_wrap(issue.message, "  "), _wrap(f"How to fix: {issue.fix}", "  ")]


def render_one(report: Report, max_examples: int = 3) -> str:
    lines = _verdict(report)
    if report.status == UNREADABLE:
        return "\n".join(lines + _unreadable(report))
    summaries = report.summary()
    current = None
    for summary in summaries:
        if summary.severity.value != current:
            current = summary.severity.value
            lines += ["", f"  {SEVERITY_HEADINGS[current]}"]
        share = f"{summary.share:.0%}"
        lines.append(_wrap(
            f"{summary.title} [{summary.code}]: {_plural(summary.count, 'time')}, in "
            f"{summary.records_affected} of {len(report.records)} records ({share})", "  "))
        examples = [i for i in report.issues if i.code == summary.code]
        shown = examples[:max_examples]
        same_fix = len({i.fix for i in shown}) == 1
        for issue in shown:
            lines += _example(issue, with_fix=not same_fix)
        if len(examples) > max_examples:
            lines.append(f"    ... and {len(examples) - max_examples} more like this.")
        if same_fix:
            lines.append(_wrap(f"How to fix: {shown[0].fix}", "    "))
    return "\n".join(lines)


def render(reports: list[Report], max_examples: int = 3, **_options) -> str:
    blocks = [render_one(r, max_examples) for r in reports]
    if len(reports) > 1:
        valid = sum(r.valid for r in reports)
        blocks.append(f"{valid} of {len(reports)} files valid.")
    return mended("\n\n".join(blocks))  # printable whatever a file's name holds
