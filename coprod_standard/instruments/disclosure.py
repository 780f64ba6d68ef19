"""Disclosure control for aggregate results, applied before anything is written.

The default is NHS Digital's rule for figures below national level: suppress counts of
1 to 7 (and any result based on them), round other counts to the nearest 5, show no mean
for 1 to 7 people. The alternative policy suppresses 1 to 9 without rounding. National
figures are exempt. A suppressed subgroup that could be worked out from the total and the
other subgroups takes the next smallest with it (secondary suppression).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ..checks import POLICIES
from .published import Scale, link_change, publish

RESULTS = ("n", "nExcluded", "mean", "sd", "median", "ci95", "value", "change",
           "proportionImproved", "composition")
GROUP_RESULTS = ("n", "mean", "sd", "ci95", "change")  # a comparison group's (version 1.2)


@dataclass(frozen=True)
class Policy:
    name: str = "nhs-digital"
    national: bool = False

    @property
    def threshold(self) -> int:
        return POLICIES[self.name]

    @property
    def rounds(self) -> bool:
        return self.name == "nhs-digital"

    def small(self, count: int) -> bool:
        return not self.national and 1 <= count < self.threshold

    def bucket(self, published: int) -> range:
        """Every true count that this policy publishes as PUBLISHED: the counts an outsider
        who knows the method cannot tell apart. A count published as it is stands alone."""
        if self.national or not self.rounds or published % 5:
            return range(published, published + 1)
        return range(max(self.threshold, published - 2), published + 3)

    def rounded(self, count: int) -> int:
        if self.national or not self.rounds:
            return count
        return int(count / 5 + 0.5) * 5


def _suppress(report: dict[str, Any]) -> None:
    for key in RESULTS:
        report.pop(key, None)
    report["suppressed"] = True


def _protect_composition(cells: list[dict[str, Any]], policy: Policy) -> None:
    """A sample's make-up by role counts everyone once: suppress the small numbers, round
    the others, and suppress a second if one alone could be worked out from the total."""
    for cell in cells:
        if "n" in cell and policy.small(cell["n"]):
            cell.pop("n")
            cell["suppressed"] = True
        elif "n" in cell:
            cell["n"] = policy.rounded(cell["n"])
    hidden = [c for c in cells if c.get("suppressed")]
    shown = [c for c in cells if "n" in c]
    if len(hidden) == 1 and shown and not policy.national:
        smallest = min(shown, key=lambda c: c["n"])
        smallest.pop("n")
        smallest["suppressed"] = True


def _protect_group(group: dict[str, Any], policy: Policy) -> None:
    """A comparison group's figures, as the report's own: nothing shown for a few people."""
    if policy.small(group.get("n", 0)):
        for key in GROUP_RESULTS:
            group.pop(key, None)
        group["suppressed"] = True
        return
    if "n" in group:
        group["n"] = policy.rounded(group["n"])
    change = group.get("change")
    if change and policy.small(change["n"]):
        group.pop("change")
    elif change:
        change["n"] = policy.rounded(change["n"])


def _protect_one(report: dict[str, Any], policy: Policy, scale: Scale | None = None) -> None:
    """Suppress or round the counts of one report, then round its other figures so that
    they cannot undo the rounding (see `published`)."""
    improved = report.pop("_improved", None)
    n = report.get("n", 0)
    if policy.small(n):
        _suppress(report)
        return
    excluded = report.get("nExcluded", 0)
    if policy.small(excluded):
        report.pop("nExcluded")
    else:
        report["nExcluded"] = policy.rounded(excluded)
    change = report.get("change")
    if change:
        if policy.small(change["n"]):
            report.pop("change")
            report.pop("proportionImproved", None)
        else:
            if improved is not None and (policy.small(improved) or
                                         policy.small(change["n"] - improved)):
                report.pop("proportionImproved", None)
            change["n"] = policy.rounded(change["n"])
    report["n"] = policy.rounded(n)
    publish(report, policy, scale, improved)
    if report.get("composition"):
        _protect_composition(report["composition"], policy)
    if report.get("comparisonGroup"):
        _protect_group(report["comparisonGroup"], policy)


def _secondary(reports: list[dict[str, Any]]) -> None:
    """Where one subgroup alone is suppressed but its total is shown, suppress another."""
    totals = {r["timepoint"]: r for r in reports if "subgroup" not in r}
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for report in reports:
        if "subgroup" in report:
            groups[(report["timepoint"], report["subgroup"]["dimension"])].append(report)
    for (timepoint, _), members in groups.items():
        total = totals.get(timepoint)
        hidden = [r for r in members if r.get("suppressed")]
        shown = [r for r in members if not r.get("suppressed")]
        if total is not None and not total.get("suppressed") and len(hidden) == 1 and shown:
            _suppress(min(shown, key=lambda r: r.get("n", 0)))


def protect(reports: list[dict[str, Any]], policy: Policy, scale: Scale | None = None) -> None:
    """Make a set of reports (one instrument score) safe to publish, in place. SCALE
    describes the score's values (its step and range) for the published figures."""
    same_people = [report.pop("_same_people", False) for report in reports]
    for report in reports:
        _protect_one(report, policy, scale)
    if not policy.national:
        _secondary(reports)
    _link_changes(reports, same_people, policy, scale)


def _link_changes(reports: list[dict[str, Any]], same_people: list[bool], policy: Policy,
                  scale: Scale | None) -> None:
    """After every suppression (a suppressed baseline's mean must not follow from the
    change): a change over exactly the people of both reports, as their difference."""
    baselines = {tuple(r.get("subgroup", {}).values()): r for r in reports
                 if r["timepoint"] == "baseline" and not r.get("suppressed")}
    for report, same in zip(reports, same_people, strict=True):
        if same and not report.get("suppressed"):
            link_change(report, baselines.get(tuple(report.get("subgroup", {}).values())),
                        policy, scale)
