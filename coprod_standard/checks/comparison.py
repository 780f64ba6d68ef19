"""Whose outcome, compared with what, and when (version 1.2): the population a result
describes, the make-up of a mixed sample, the time since baseline and a comparison group
with enough figures for a between-group effect. Silent on 1.0 and 1.1, which have none of
these fields."""

from __future__ import annotations

from ..issues import Severity, name_field
from . import Context, Finding, check
from .data import items, number, obj, reports

W = Severity.WARNING
SERVES = ("SCIE recommendation 2 (assess outcomes and impact): results that say whose "
          "outcome they describe, against what comparison and how long after baseline, so "
          "that they can be compared across organisations")
REPORT = ("projects", "*", "outcomes", "*", "indicators", "*", "reports", "*")


def _has(version: str, name: str) -> bool:
    from ..fields import fields

    return (*REPORT, name) in fields(version)


def _results(ctx: Context, name: str):
    """Every report (pointer, report), if the version has the field ``name``."""
    if not _has(ctx.version, name):
        return []
    return [(where, report) for where, _, _, report in reports(ctx.data)]


@check("population-missing", title="Result does not say whose outcome it is", severity=W,
       category="evidence", serves=SERVES, levels=("publish",),
       message="This result does not say whose outcome it describes.",
       fix="Add {f[population]}: co-producers, service-users, unpaid-carers, staff, "
           "wider-community, or mixed (then fill in {f[composition]}).",
       explanation="From version 1.2 every result says whose outcome it measures: the people "
                   "who co-produced, the people using the service, carers, staff or a wider "
                   "community. Results for different populations are never pooled together, "
                   "so a result without one cannot be compared. A warning, not an error: the "
                   "result is still true and safe to publish, and results upgraded from 1.1 "
                   "cannot know their population until the publisher adds it.",
       cell="population")
def population_missing(ctx: Context):
    for where, report in _results(ctx, "population"):
        if "population" not in report:
            yield Finding(where)


@check("composition-missing", title="Mixed sample without its make-up", severity=W,
       category="evidence", serves=SERVES,
       message="This result is for a mixed sample, but it does not say how many people of "
               "each role it includes.",
       fix="Add {f[composition]}: one entry for each role in the sample, with its {f[role]} "
           "and number of people {f[n]} (or {f[suppressed]}: true for a number too small to "
           "publish).",
       explanation="A mean that mixes, say, people who draw on care and their carers can only "
                   "be judged, or compared, if readers know the mix.")
def composition_missing(ctx: Context):
    for where, report in _results(ctx, "composition"):
        if report.get("population") == "mixed" and not list(items(report, "composition")):
            yield Finding(f"{where}/population")


def _tolerance(values: list[float]) -> float:
    """What rounding each count to the nearest 5 can account for: nothing unless every
    count is a multiple of 5."""
    return 2.5 * len(values) if all(v % 5 == 0 for v in values) else 0


@check("composition-does-not-add-up", title="Make-up of the sample does not add up",
       severity=W, category="integrity", serves=SERVES,
       message="The numbers in the sample's make-up add up to {total}, but the result is for "
               "{n} people.",
       fix="Check the numbers: each person in the result is counted once, under one role, so "
           "the numbers add up to {f[n]} (allowing for rounding to the nearest 5).",
       explanation="The make-up of a mixed sample counts each person once by role, so its "
                   "numbers add up to the result's number of people. Rounding to the nearest "
                   "5 is allowed for, and withheld numbers may only make the total smaller.",
       cell="n")
def composition_does_not_add_up(ctx: Context):
    for where, report in _results(ctx, "composition"):
        n, cells = number(report, "n"), list(items(report, "composition"))
        if n is None or not cells or report.get("suppressed") is True:
            continue
        shown = [v for _, c in cells if (v := number(c, "n")) is not None]
        withheld = any(c.get("suppressed") is True or number(c, "n") is None for _, c in cells)
        total, slack = sum(shown), _tolerance([n, *shown])
        if total > n + slack or (not withheld and total < n - slack):
            yield Finding(f"{where}/composition", {"total": f"{total:g}", "n": f"{n:g}"})


@check("months-since-baseline-missing", title="Change without the time since baseline",
       severity=W, category="evidence", serves=SERVES,
       message="This {timepoint} result gives a change since baseline but not how many months "
               "after the baseline it was measured.",
       fix="Add {f[monthsSinceBaseline]}: the number of months from the baseline to this "
           "measurement (the typical time, if people were measured at different times).",
       explanation="A change after 3 months and a change after 24 months are not the same "
                   "finding; without the time since baseline they cannot be told apart or "
                   "compared.",
       cell="monthsSinceBaseline")
def months_since_baseline_missing(ctx: Context):
    for where, report in _results(ctx, "monthsSinceBaseline"):
        timepoint = report.get("timepoint")
        if (timepoint in ("end", "follow-up") and isinstance(report.get("change"), dict)
                and "monthsSinceBaseline" not in report):
            yield Finding(where, {"timepoint": timepoint})


def _spread(block: dict) -> bool:
    return number(block, "sd") is not None or bool(obj(block.get("ci95")))


def _thin(group: dict) -> str | None:
    """What is missing for a between-group effect, or None if nothing is."""
    if number(group, "n") is None:
        return ("The comparison group has no number of people "
                f"({name_field('comparisonGroup/n')})")
    change = obj(group.get("change"))
    if not ((number(group, "mean") is not None and _spread(group))
            or (number(change, "mean") is not None and _spread(change))):
        return ("The comparison group has no mean with a standard deviation or confidence "
                "interval, for its score or its change")
    return None


@check("comparison-group-too-thin", title="Comparison group too thin to compare",
       severity=W, category="evidence", serves=SERVES,
       message="{what}, so a reader cannot work out the difference between the groups.",
       fix="Under {f[comparisonGroup]}, give the group's number of people "
           "({f[comparisonGroup/n]}) and its mean with a standard deviation "
           "({f[comparisonGroup/sd]}) or 95% confidence interval ({f[comparisonGroup/ci95]}), "
           "for its score at this timepoint or for its change since baseline "
           "({f[comparisonGroup/change]}).",
       explanation="A between-group mean difference and a standardised mean difference need, "
                   "for each group, the number of people, the mean and its spread (or the "
                   "mean change and its spread). A comparison group given as a single value "
                   "in 'comparator' cannot give them. A withheld comparison group is not "
                   "reported here.")
def comparison_group_too_thin(ctx: Context):
    for where, report in _results(ctx, "comparisonGroup"):
        group = report.get("comparisonGroup")
        if isinstance(group, dict):
            missing = None if group.get("suppressed") is True else _thin(group)
            if missing:
                yield Finding(f"{where}/comparisonGroup", {"what": missing})
        elif obj(report.get("comparator")).get("type") == "comparison-group":
            yield Finding(f"{where}/comparator", {
                "what": "The comparison group is given only as a single comparator value"})
