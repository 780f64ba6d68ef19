"""One upload checked: the report, the downloads made from it, and what the results page
shows (the verdict, the scorecard, issues grouped by severity and category, the cells
around spreadsheet examples, and an Easy Read summary)."""

from __future__ import annotations

import base64
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..limits import Limits
from ..report import INVALID, UNREADABLE, Report
from ..reporters.json_report import render as json_report
from ..scorecard import MET, NOT_EVIDENCED, PARTLY, summarise
from ..validate import validate

SEVERITIES = [("error", "Errors", "must be fixed before publishing"),
              ("warning", "Warnings", "do not stop publishing, but look at each one"),
              ("advisory", "Advice", "worth a look")]
WARNINGS_MEAN = ("Warnings do not stop it being published, but look at each one: it may point "
                 "to data that is wrong or missing.")
EXAMPLES = 3  # examples shown for each kind of issue
DOWNLOAD_LIMIT = 15 * 1024 * 1024  # above this, downloads are not put in the page
STATUS_WORDS = {MET: "met", PARTLY: "partly met", NOT_EVIDENCED: "not evidenced yet"}


@dataclass
class Download:
    kind: str  # report, json, xlsx, datapackage
    label: str
    filename: str
    media_type: str
    data: bytes

    @property
    def data_uri(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass
class Outcome:
    report: Report
    filename: str
    downloads: list[Download] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def status_word(self) -> str:
        """The verdict in a word or two, saying what the sentence says."""
        report = self.report
        if report.status == UNREADABLE:
            return "Could not read"
        if report.status == INVALID:
            return "Not valid yet"
        if report.level != "publish":
            return "Valid as a draft"
        return "Valid, with warnings" if report.counts().get("warning") else "Valid"

    @property
    def verdict(self) -> str:
        """The verdict in one sentence (two, when there are warnings to look at)."""
        report, name = self.report, self.filename
        if report.status == UNREADABLE:
            return f"We could not read {name}, so it has not been checked."
        counts = report.counts()
        if report.status == INVALID:
            errors = {"error": counts.get("error", 0)}
            others = {k: v for k, v in counts.items() if k != "error"}
            also = f" It also has {_phrase(others)} to look at." if others else ""
            return (f"{name} does not meet the standard yet: {_phrase(errors)} to fix "
                    f"before it can be published.{also}")
        if report.level != "publish":
            said = f", with {_phrase(counts)}" if report.issues else ""
            return (f"{name} is valid as a draft: it meets the standard at the draft "
                    f"level{said}. Check it at the “ready to publish” level before you "
                    f"publish it.")
        if counts.get("warning"):
            return (f"{name} is valid: it meets the standard, so it can be published. It has "
                    f"{_phrase(counts)}. {WARNINGS_MEAN}")
        if report.issues:
            return (f"{name} is valid: it meets the standard and is ready to publish, with "
                    f"{_phrase(counts)}.")
        return (f"{name} is valid: it meets the standard and is ready to publish. No "
                f"problems were found.")

    @property
    def groups(self) -> list[dict[str, Any]]:
        """Issues grouped by severity, then category, one entry per kind of issue."""
        examples: dict[str, list] = defaultdict(list)
        for issue in self.report.issues:
            if len(examples[issue.code]) < EXAMPLES:
                examples[issue.code].append(issue)
        out = []
        for severity, heading, meaning in SEVERITIES:
            kinds = [s for s in self.report.summary() if s.severity.value == severity]
            if not kinds:
                continue
            categories: dict[str, list] = defaultdict(list)
            for kind in kinds:
                categories[kind.category].append({"summary": kind,
                                                  "examples": examples[kind.code]})
            out.append({"severity": severity, "heading": heading, "meaning": meaning,
                        "count": sum(k.count for k in kinds),
                        "categories": sorted(categories.items())})
        return out

    @property
    def principles(self) -> list[dict[str, Any]]:
        """The scorecard: one project's sentences, or counts across projects."""
        cards = self.report.scorecards
        if not cards:  # nothing was read, or no project: nothing to say about principles
            return []
        if len(cards) == 1:
            return [{"principle": r.principle, "status": r.status, "text": r.summary}
                    for r in cards[0][1]]
        return [{"principle": p, "status": None,
                 "text": f"{p.capitalize()}: " + ", ".join(
                     f"{STATUS_WORDS[s]} in {n}" for s, n in counts.items() if n)
                 + f" of {len(cards)} projects."}
                for p, counts in summarise(cards).items()]

    @property
    def easy_read(self) -> list[str]:
        """The results in short, plain sentences."""
        report = self.report
        lines = ["We checked your file."]
        if report.status == UNREADABLE:
            return lines + ["We could not open it.", "The box below says why.",
                            "Please fix it and try again."]
        counts = report.counts()
        if not report.valid:
            lines.append("Your file is not ready to publish yet.")
        elif report.level != "publish":
            lines.append("Your file is fine as a draft. Check it again before you publish it.")
        else:
            lines.append("Your file can be published.")
        for key, words in (("error", "must fix"), ("warning", "should look at")):
            if counts.get(key):
                n = counts[key]
                lines.append(f"There {'is' if n == 1 else 'are'} {n} "
                             f"thing{'s' if n != 1 else ''} you {words}.")
        if counts.get("advisory"):
            lines.append("We also have some tips for you.")
        if len(report.scorecards) == 1:
            for result in report.scorecards[0][1]:
                lines.append(f"{result.principle.capitalize()}: "
                             f"{STATUS_WORDS[result.status]}.")
        if report.issues:
            lines.append("The list above says what to change.")
        return lines


def _phrase(counts) -> str:
    parts = []
    for key, word in (("error", "error"), ("warning", "warning")):
        if counts.get(key):
            parts.append(f"{counts[key]} {word}{'s' if counts[key] != 1 else ''}")
    if counts.get("advisory"):
        parts.append(f"{counts['advisory']} piece{'s' if counts['advisory'] != 1 else ''} "
                     "of advice")
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


def file_stem(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in stem).strip("-")
    return safe[:60] or "dataset"


def _downloads(report: Report, filename: str) -> tuple[list[Download], list[str]]:
    from ..schemas import base_version
    from ..writers import json_bytes, render

    stem = file_stem(filename)
    out = [Download("report", "The report (JSON)", f"{stem}-report.json", "application/json",
                    json_report([report]).encode("utf-8"))]
    data = report.data
    if report.status == UNREADABLE or not isinstance(data, dict) or not report.version:
        return out, []
    if report.holds_personal_data:  # a copy would give the flagged values back
        return out, ["Converted copies of your data are not offered, because it holds what "
                     "looks like personal data (see the privacy issues in the report), which "
                     "is never repeated here. Remove it and check the file again to get them."]
    version = base_version(report.version)
    made = [("json", "The data as JSON", f"{stem}.json", "application/json",
             lambda: json_bytes(data)),
            ("xlsx", "The data as an Excel workbook", f"{stem}.xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             lambda: render(data, version, "xlsx")),
            ("datapackage", "The data as a data package (zip of CSV files)",
             f"{stem}-datapackage.zip", "application/zip",
             lambda: render(data, version, "datapackage-zip"))]
    notes = []
    for kind, label, name, media, make in made:
        try:
            out.append(Download(kind, label, name, media, make()))
        except Exception:  # noqa: BLE001 - data too broken to convert: said, not shown
            notes.append(f"{label} could not be made, because the data is too far from "
                         "the standard; fix the errors first.")
    return out, notes


def check_upload(path: Path, filename: str, *, level: str, max_bytes: int) -> Outcome:
    """Check the uploaded file at PATH (FILENAME is for messages only)."""
    report = validate(path, name=filename, level=level, limits=Limits(max_bytes=max_bytes))
    report.source = filename
    outcome = Outcome(report, filename)
    outcome.downloads, outcome.notes = _downloads(report, filename)
    if sum(len(d.data) for d in outcome.downloads) > DOWNLOAD_LIMIT:
        outcome.downloads = outcome.downloads[:1]
        outcome.notes.append("The file is too large to offer converted copies here; use "
                             "'coprod convert' on your computer instead.")
    return outcome
