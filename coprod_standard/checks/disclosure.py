"""Disclosure control: small numbers suppressed, others rounded, nothing found by subtraction.

The default policy is NHS Digital's: counts of 1 to 7 are suppressed and other counts
rounded to the nearest 5, and no mean is shown for 1 to 7 people. The alternative
'threshold-10' policy suppresses counts of 1 to 9 and does not require rounding.

The exemption follows the people behind a figure, not the area code (``figure_exempt``):
only a result about a nation's population (version 1.2: its population is the wider
community, in a project whose every area is national) is exempt. Counts of the people who
took part, their demographics, a result's make-up and comparison groups never are, however
national the project: a national panel of co-producers may have a dozen members.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..issues import Severity, name_field
from . import Context, Finding, check
from .data import (
    SAMPLE,
    every_demographic_count,
    figure_exempt,
    items,
    number,
    reports,
    sample_size,
)

E, W = Severity.ERROR, Severity.WARNING
SERVES = ("Disclosure control: NHS Digital's rule (suppress 1 to 7, round to the nearest 5) "
          "or a threshold of 10")
STATISTICS = ("mean", "sd", "median", "value", "ci95", "proportionImproved", "change")
STATISTIC_WORDS = {"mean": "a mean", "sd": "a standard deviation", "median": "a median",
                   "value": "a value", "ci95": "a confidence interval",
                   "proportionImproved": "a proportion improved", "change": "a change"}
GROUP_STATISTICS = ("mean", "sd", "ci95", "change")  # a comparison group's (version 1.2)


def _composition(project: dict) -> Iterator[tuple[str, dict, list[tuple[str, dict]]]]:
    """Each result's make-up by role (version 1.2): (pointer, report, [(pointer, cell)])."""
    for where, _, _, report in reports(project):
        cells = [(f"{where}/composition/{c}", cell) for c, cell in items(report, "composition")]
        if cells:
            yield where, report, cells


def _comparison_groups(project: dict) -> Iterator[tuple[str, dict]]:
    """Each result's comparison group (version 1.2): (pointer, group)."""
    for where, _, _, report in reports(project):
        if isinstance(report.get("comparisonGroup"), dict):
            yield f"{where}/comparisonGroup", report["comparisonGroup"]


def _results(project: dict) -> Iterator[tuple[str, dict]]:
    """Each result that the small-number rules apply to: (pointer, report). A result about
    a nation's population is left out (``figure_exempt``)."""
    for where, _, _, report in reports(project):
        if not figure_exempt(project, report):
            yield where, report


def _counts(project: dict) -> Iterator[tuple[str, dict, str]]:
    """Every published count of people that is not exempt: (pointer to its container,
    container, key). Only a result's own counts can be exempt, never its make-up or
    comparison group, nor the counts of the people who took part."""
    for g, group in items(project, "participantGroups"):
        yield f"/participantGroups/{g}", group, "count"
    for where, _, _, block in every_demographic_count(project):
        for c, cell in items(block, "counts"):
            yield f"{where}/counts/{c}", cell, "count"
    for where, report in _results(project):
        yield where, report, "n"
        yield where, report, "nExcluded"
        if isinstance(report.get("change"), dict):
            yield f"{where}/change", report["change"], "n"
    for _, _, cells in _composition(project):
        for where, cell in cells:
            yield where, cell, "n"
    for where, group in _comparison_groups(project):
        yield where, group, "n"
        if isinstance(group.get("change"), dict):
            yield f"{where}/change", group["change"], "n"


EXEMPT = ("Only a result about a nation's population (from version 1.2: its 'population' "
          "is the wider community, in a project whose every area is national) is exempt; "
          "counts of the people who took part never are, however national the project.")


@check("small-number-not-suppressed", title="Small number not suppressed", severity=E,
       category="disclosure", serves=SERVES,
       message="A count of people below {threshold} is published; it must be suppressed.",
       fix="Leave the number out and set {f[suppressed]} to true (or combine it with another "
           "group so the count is {threshold} or more).",
       explanation="A count of a few people can identify them, wherever the project works: "
                   "a national panel of co-producers may have a dozen members, often named "
                   "on a website. Counts from 1 to 7 (NHS Digital's rule) or 1 to 9 (a "
                   "threshold of 10) must be suppressed. Zero may be shown. " + EXEMPT)
def small_number_not_suppressed(ctx: Context):
    for where, container, key in _counts(ctx.data):
        if container.get("suppressed") is True:
            continue  # already marked as withheld: 'suppressed-but-shown' says what to remove
        value = number(container, key)
        if value is not None and 1 <= value < ctx.settings.threshold:
            yield Finding(f"{where}/{key}", {"threshold": ctx.settings.threshold})


@check("number-not-rounded", title="Count not rounded to the nearest 5", severity=E,
       category="disclosure", serves=SERVES,
       message="A count of people is not a multiple of 5; under NHS Digital's rule, counts "
               "of people are rounded to the nearest 5.",
       fix="Round the count to the nearest 5 (12 becomes 10, 13 becomes 15).",
       explanation="Rounding to the nearest 5 stops small differences between published "
                   "numbers revealing individuals. It applies to NHS Digital's policy, the "
                   "default. " + EXEMPT)
def number_not_rounded(ctx: Context):
    if ctx.settings.disclosure != "nhs-digital":
        return
    for where, container, key in _counts(ctx.data):
        value = number(container, key)
        if value is not None and value >= ctx.settings.threshold and value % 5:
            yield Finding(f"{where}/{key}")


@check("statistic-for-small-number", title="Result shown for too few people", severity=E,
       category="disclosure", serves=SERVES,
       message="{statistic} is shown for fewer than {threshold} people.",
       fix="Remove the result, and {f[n]} and {f[nExcluded]} with it, and set {f[suppressed]} "
           "to true for this report.",
       explanation="An average or other result for a handful of people can reveal their "
                   "answers. No result is shown when fewer than the threshold answered, "
                   "nor for a comparison group that small. " + EXEMPT)
def statistic_for_small_number(ctx: Context):
    for where, report in _results(ctx.data):
        n = number(report, "n")
        if n is not None and 1 <= n < ctx.settings.threshold:
            for key in STATISTICS:
                if key in report:
                    words = STATISTIC_WORDS[key]
                    yield Finding(f"{where}/{key}", {"statistic": words[0].upper() + words[1:],
                                                     "threshold": ctx.settings.threshold})
    for where, group in _comparison_groups(ctx.data):
        n = number(group, "n")
        if n is not None and 1 <= n < ctx.settings.threshold:
            for key in GROUP_STATISTICS:
                if key in group:
                    words = STATISTIC_WORDS[key]
                    yield Finding(f"{where}/{key}", {"statistic": words[0].upper() + words[1:],
                                                     "threshold": ctx.settings.threshold})


@check("suppressed-but-shown", title="Suppressed, but the number is shown", severity=E,
       category="disclosure", serves=SERVES, scope="project",
       message="This is marked as suppressed, but {key} is still given.",
       fix="Remove {key}: a suppressed number or result must be left out.",
       explanation="Setting 'suppressed' to true says a number is withheld; the number itself "
                   "(and any result based on it) must then be left out.")
def suppressed_but_shown(ctx: Context):
    blocks = [(f"/participantGroups/{g}", group, ("count",))
              for g, group in items(ctx.data, "participantGroups")]
    for where, _, _, block in every_demographic_count(ctx.data):
        blocks += [(f"{where}/counts/{c}", cell, ("count",))
                   for c, cell in items(block, "counts")]
    blocks += [(where, report, ("n", "nExcluded", *STATISTICS))
               for where, _, _, report in reports(ctx.data)]
    blocks += [(where, cell, ("n",)) for _, _, cells in _composition(ctx.data)
               for where, cell in cells]
    blocks += [(where, group, ("n", *GROUP_STATISTICS))
               for where, group in _comparison_groups(ctx.data)]
    for where, block, keys in blocks:
        if block.get("suppressed") is True:
            for key in keys:
                if key in block:
                    yield Finding(f"{where}/{key}", {"key": name_field(
                        key, f"{ctx.pointer}{where}/{key}")})


def _cells_revealed(total_suppressed: bool, total, cells: list[tuple[str, dict]]):
    """A single suppressed cell in a breakdown whose total and other cells are published."""
    hidden = [where for where, cell in cells if cell.get("suppressed") is True]
    if total_suppressed or total is None or len(hidden) != 1:
        return None
    return hidden[0]


@check("secondary-suppression-needed", title="Suppressed number can be worked out",
       severity=E, category="disclosure", serves=SERVES,
       message="Only one number in this breakdown is suppressed, so it can be worked out by "
               "subtracting the others from the total.",
       fix="Suppress a second number in the breakdown (the next smallest), or suppress the "
           "total.",
       explanation="When a group's breakdown (by ethnicity, age, sex, disability or another "
                   "characteristic, where everyone is counted once), or a result's make-up by "
                   "role, has exactly one suppressed cell and the total and other cells are "
                   "published, the suppressed number is found by subtraction. A second cell, "
                   "or the total, must be suppressed too (secondary suppression). For the "
                   "evaluated sample, the total is its smallest breakdown that publishes every "
                   "cell. Result subgroups are often partial breakdowns, so they are not "
                   "checked this way. Breakdowns of people are checked however national the "
                   "project.",
       cell="suppressed")
def secondary_suppression_needed(ctx: Context):
    breakdowns = every_demographic_count(ctx.data)
    sample = sample_size(breakdowns)
    for where, group, _, block in breakdowns:
        cells = [(f"{where}/counts/{c}", cell) for c, cell in items(block, "counts")]
        total = sample if where.startswith(SAMPLE) else number(group, "count")
        found = _cells_revealed(group.get("suppressed") is True, total, cells)
        if found:
            yield Finding(found)
    for _, report, cells in _composition(ctx.data):  # a sample's make-up counts everyone once
        found = _cells_revealed(report.get("suppressed") is True, number(report, "n"), cells)
        if found:
            yield Finding(found)


@check("proportion-reveals-small-number", title="Proportion reveals a small number",
       severity=W, category="disclosure", serves=SERVES,
       message="The proportion improved, multiplied by the number of people it is based on, "
               "gives a count of people below {threshold} (improved or not).",
       fix="Suppress the proportion, or report it for a larger group.",
       explanation="A proportion and a total together give a count. If that count (or the "
                   "count who did not improve) is small, it can identify people. " + EXEMPT)
def proportion_reveals_small_number(ctx: Context):
    for where, report in _results(ctx.data):
        change = report.get("change") if isinstance(report.get("change"), dict) else {}
        n = number(change, "n") if number(change, "n") is not None else number(report, "n")
        share = number(report, "proportionImproved")
        if n is None or share is None or n < ctx.settings.threshold or not 0 <= share <= 1:
            continue
        improved = round(n * share)
        if any(1 <= k < ctx.settings.threshold for k in (improved, n - improved)):
            yield Finding(f"{where}/proportionImproved", {"threshold": ctx.settings.threshold})
