"""Disclosure control for aggregate results, applied before anything is written.

The default is NHS Digital's rule for figures below national level: suppress counts of
1 to 7 (and any result based on them), round other counts to the nearest 5, show no mean
for 1 to 7 people. The alternative policy suppresses 1 to 9 without rounding. National
figures are exempt. Subgroups are suppressed until the people in the whole group but in no
shown subgroup are none or at least the threshold (secondary suppression), so that neither
a suppressed subgroup nor people with no answer for the breakdown can be worked out by
subtraction, alone or together.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ..checks import POLICIES
from .breakdown import guard, guard_changes, shown_places
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


def span(policy: Policy, published: float) -> tuple[float, float]:
    """The lowest and highest true count that POLICY publishes as PUBLISHED, as an outsider
    who knows the method works them out."""
    if float(published).is_integer():
        found = policy.bucket(int(published))
        if len(found):
            return found[0], found[-1]
    return published, published


def remainder(policy: Policy, total: float, shown: list[float], hidden: int
              ) -> tuple[float, float, float]:
    """The people in a total but in none of the SHOWN cells (those in HIDDEN suppressed
    cells, and anyone in no cell at all), from the published figures: (the figure itself,
    the lowest and the highest true number an outsider allows for). Each suppressed cell
    holds at least one person, or it would have been shown as 0."""
    low, high = span(policy, total)
    for cell in shown:
        cell_low, cell_high = span(policy, cell)
        low, high = low - cell_high, high - cell_low
    return total - sum(shown), max(low, hidden), high


def reveals(policy: Policy, total: float, shown: list[float], hidden: int,
            statistics: bool) -> bool:
    """Whether the people left over by subtraction (see remainder) are singled out as a
    small number: their published figure is 1 to threshold - 1 and rounding cannot explain
    it away (at least one person is surely there). Counts alone are protected by rounding
    unless every true number the outsider allows for is small; with results (means and the
    like) the leftover people's result follows by subtraction too, so the figure decides."""
    figure, low, high = remainder(policy, total, shown, hidden)
    if not (1 <= figure < policy.threshold and low >= 1):
        return False
    return statistics or high < policy.threshold


def _secondary(reports: list[dict[str, Any]], policy: Policy
               ) -> list[tuple[dict[str, Any], tuple[str, ...]]]:
    """What to withhold from the subgroup reports so that nothing hidden can be worked out
    from the whole group's result: (report, keys), keys () for the whole report. Worked out
    on the TRUE counts, before any rounding. The people in the whole group but in no shown
    subgroup (those in suppressed subgroups, and those with no answer for the breakdown)
    must be none or at least the threshold: while they are 1 to threshold - 1, or the
    published (rounded) figures would show them as that few, the next smallest shown
    subgroup is suppressed too, until all are. Then the same for the people in the whole
    group's change since baseline: the next smallest shown change is withheld."""
    totals = {r["timepoint"]: r for r in reports if "subgroup" not in r}
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for report in reports:
        if "subgroup" in report:
            groups[(report["timepoint"], report["subgroup"]["dimension"])].append(report)
    more: list[tuple[dict[str, Any], tuple[str, ...]]] = []
    for (timepoint, _), members in groups.items():
        total = totals.get(timepoint)
        if total is None or total.get("suppressed") or policy.small(total.get("n", 0)):
            continue  # no whole-group result to subtract from
        hidden = sum(1 for r in members if r.get("suppressed") or policy.small(r.get("n", 0)))
        shown = sorted((r for r in members if not r.get("suppressed")
                        and not policy.small(r.get("n", 0)) and r.get("n", 0) > 0),
                       key=lambda r: r["n"])
        while shown and _left_over(total["n"], [r["n"] for r in shown], hidden, policy):
            more.append((shown.pop(0), ()))
            hidden += 1
        whole = _change_n(total)
        if whole is None or policy.small(whole):
            continue  # the whole group's change is not shown
        changes = sorted((r for r in shown if not policy.small(_change_n(r) or 0)
                          and _change_n(r)), key=_change_n)
        # a subgroup without a change may have had nobody at both timepoints: none hidden
        while changes and _left_over(whole, [_change_n(r) for r in changes], 0, policy):
            more.append((changes.pop(0), ("change", "proportionImproved")))
    return more


def _change_n(report: dict[str, Any]) -> int | None:
    change = report.get("change")
    return change.get("n") if isinstance(change, dict) else None


def _left_over(total: int, shown: list[int], hidden: int, policy: Policy) -> bool:
    """Whether the people left over would be revealed: too few in truth, or in the
    published (rounded) figures."""
    rest = total - sum(shown)
    return policy.small(rest) or reveals(policy, policy.rounded(total),
                                         [policy.rounded(n) for n in shown], hidden, True)


def protect(reports: list[dict[str, Any]], policy: Policy, scale: Scale | None = None,
            shared: dict | None = None) -> None:
    """Make a set of reports (one instrument score) safe to publish, in place. Secondary
    suppression is chosen first, on the true counts; it is applied after each report's own
    protection (which rounds the counts and suppresses the small ones). SCALE describes the
    score's values (its step and range) for the published figures. SHARED: the same dict
    for every score of one run (see `breakdown.guard`)."""
    same_people = [report.pop("_same_people", False) for report in reports]
    more = [] if policy.national else _secondary(reports, policy)
    truth = {id(r): r["mean"] for r in reports if "subgroup" not in r and r.get("mean") is not None}
    truth.update({id(r["change"]): r["change"]["mean"] for r in reports if "subgroup" not in r
                  and r.get("change") and r["change"].get("mean") is not None})
    rest = _rest(reports, lambda r: r.get("n", 0))
    change_rest = _rest(reports, lambda r: _change_n(r) or 0)
    for report in reports:
        _protect_one(report, policy, scale)
    for report, keys in more:
        if keys:
            for key in keys:
                report.pop(key, None)
        else:
            _suppress(report)
    guarded = policy.rounds and not policy.national  # a whole group and its subgroups, together
    if guarded:
        guard(reports, truth, rest, policy, scale, _suppress, shared)
    linked = _link_changes(reports, same_people, policy, scale)
    if guarded:
        guard_changes(reports, truth, change_rest, linked, policy, scale, shared)


def _rest(reports: list[dict[str, Any]], count) -> dict[str, int]:
    """By timepoint, the COUNT of the whole group less its subgroups' (the true counts)."""
    rest = {r["timepoint"]: count(r) for r in reports if "subgroup" not in r}
    for report in reports:
        if "subgroup" in report and report["timepoint"] in rest:
            rest[report["timepoint"]] -= count(report)
    return rest


def _link_changes(reports: list[dict[str, Any]], same_people: list[bool], policy: Policy,
                  scale: Scale | None) -> dict[int, float]:
    """After every suppression (a suppressed baseline's mean must not follow from the
    change): a change over exactly the people of both reports, as their difference. The
    linked reports, by id: how far their change's mean may be from the true one (the two
    level means' half places, as an outsider reads them, added up)."""
    baselines = {tuple(r.get("subgroup", {}).values()): r for r in reports
                 if r["timepoint"] == "baseline" and not r.get("suppressed")}
    linked = {}
    for report, same in zip(reports, same_people, strict=True):
        baseline = baselines.get(tuple(report.get("subgroup", {}).values()))
        if same and not report.get("suppressed") and link_change(report, baseline, policy,
                                                                 scale):
            linked[id(report)] = sum(0.5 * 10 ** -shown_places(r["mean"])
                                     for r in (report, baseline))
    return linked
