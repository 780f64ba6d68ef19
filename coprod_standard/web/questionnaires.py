"""Questionnaire responses scored and aggregated in the browser, as 'coprod aggregate' does
it: the same library call (``aggregate_responses``), the same disclosure policies applied
to the figures before anything is shown, and the same record of the policy applied. The
upload is handled like a dataset's (its own folder, deleted before the page is sent; the
work in a process of its own). The scores of each person are never offered: they are
personal data, and the aggregate is what this page is for."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..checks import POLICIES
from ..instruments.disclosure import Policy
from ..instruments.publish import control, standalone
from ..instruments.registry import InstrumentError
from ..instruments.run import aggregate_responses
from ..limits import Limits
from ..readers import Unreadable
from ..writers import json_bytes

BY = {"": "No breakdown", "role": "Role", "ethnicity": "Ethnicity", "ageBand": "Age band",
      "sex": "Sex", "disability": "Disability"}
POLICY_WORDS = {
    "nhs-digital": "NHS Digital's rule (the default): counts of 1 to 7 are hidden, with any "
                   "result based on them; other counts are rounded to the nearest 5.",
    "threshold-10": "Counts of 1 to 9 are hidden, with any result based on them; other counts "
                    "are shown as they are.",
}
assert set(POLICY_WORDS) == set(POLICIES)  # noqa: S101 - a new policy needs its words
EXAMPLES = 3  # response issues shown on the page for each kind; all are counted
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Problem:
    severity: str
    where: str
    message: str
    fix: str


@dataclass
class Aggregated:
    filename: str
    policy: str
    by: str = ""
    unreadable: Problem | None = None
    wrong_kind: bool = False  # readable, but not responses (a dataset, say)
    responses: int = 0
    scored: int = 0
    excluded: list[tuple[str, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    more: int = 0  # issues counted but not shown
    errors: int = 0
    document: bytes = b""  # the aggregate, as 'coprod aggregate' writes it

    @property
    def figures(self) -> list[dict]:
        """One row per result: indicator, group, timepoint and the protected figures."""
        if not self.document:
            return []
        rows = []
        for indicator in json.loads(self.document).get("indicators", []):
            for report in indicator.get("reports", []):
                group = report.get("subgroup", {}).get("code", "Everyone")
                change = report.get("change") or {}
                improved = report.get("proportionImproved")
                rows.append({
                    "indicator": indicator.get("title", indicator.get("id", "")),
                    "group": group, "timepoint": report.get("timepoint", ""),
                    "suppressed": bool(report.get("suppressed")), "n": report.get("n"),
                    "mean": report.get("mean"), "sd": report.get("sd"),
                    "change": change.get("mean"), "changed": change.get("n"),
                    "improved": None if improved is None else f"{improved:.0%}"})
        return rows


def applied_by_words(raw: str) -> str | None:
    """The organisation or role applying the policy, as typed: one short line."""
    text = _UNSAFE.sub(" ", raw or "").strip()[:200]
    return text or None


def _problem(issue) -> Problem:
    where = issue.location.describe() if issue.location else ""
    return Problem(issue.severity.value, where or "", issue.message, issue.fix or "")


def aggregate_upload(path: str, filename: str, policy: str, by: str, applied_by: str | None,
                     max_bytes: int) -> Aggregated:
    """Score and aggregate the responses at PATH (FILENAME for messages only) under the
    disclosure POLICY, optionally broken down BY a characteristic."""
    out = Aggregated(filename, policy, by)
    try:
        run = aggregate_responses(Path(path), by=by or None, policy=Policy(policy),
                                  limits=Limits(max_bytes=max_bytes), name=filename)
    except Unreadable as exc:
        out.unreadable = _problem(exc.issue)
        if exc.issue.code == "not-responses":  # a dataset, say: where to take it instead
            out.wrong_kind, out.unreadable.fix = True, getattr(exc, "where", "")
        return out
    except InstrumentError as exc:  # a bespoke instrument's definition: not offered here
        out.unreadable = Problem("error", "", str(exc), "Check the file and try again.")
        return out
    record = control(policy, applied_by=applied_by, tool=f"coprod web validator {__version__}")
    out.document = json_bytes(standalone(run, record))
    out.responses, out.scored, out.errors = run.responses, run.scored, run.errors
    out.excluded = sorted(run.excluded.items())
    shown: Counter = Counter()
    for issue in run.issues:
        shown[issue.code] += 1
        if shown[issue.code] <= EXAMPLES:
            out.problems.append(_problem(issue))
    out.more = sum(run.counts.values()) - len(out.problems)
    return out
