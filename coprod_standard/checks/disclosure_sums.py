"""Disclosure control for figures that stand for people without being counts of them:
count and percentage indicators (their implied numerators), the people left over when
subgroups are subtracted from the whole group (complements), and cells hidden by
secondary suppression taken together (hidden sums).

An outsider knows every published figure and the method (see ``instruments.disclosure``:
the rounding bucket of each count, and that a suppressed cell holds at least one person).
The rule for what subtraction reveals is shared with ``coprod aggregate``, so that the
figures it publishes pass these checks.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from ..instruments.disclosure import Policy, reveals
from ..issues import Severity
from . import Context, Finding, check
from .data import (
    SAMPLE,
    code,
    every_demographic_count,
    figure_exempt,
    items,
    number,
    obj,
    reports,
    sample_size,
    text,
    walked,
)

E = Severity.ERROR
SERVES = ("Disclosure control: NHS Digital's rule (suppress 1 to 7, round to the nearest 5) "
          "or a threshold of 10, for every figure that stands for people")
RESULT_STATISTICS = ("mean", "median", "sd", "ci95", "value", "change", "proportionImproved")
DIMENSION_WORDS = {"ethnicity": "ethnicity", "age-band": "age band", "sex": "sex",
                   "disability": "disability", "participant-role": "role",
                   "religion": "religion", "sexual-orientation": "sexual orientation",
                   "gender-identity": "gender identity",
                   "socio-economic-class": "socio-economic class"}

# What a count is of, read from the indicator's unit. A count is taken to be of people
# unless its unit is a rate ("per person", "a month") or names time, money, occasions or
# things: a small count of admissions, referrals, visits or payments may stand for as few
# people, so only units that plainly are not people are let through.
RATE = re.compile(r"\bper\b|/|\beach\b|\ba (?:day|week|month|year)\b")
LEADING = re.compile(r"^(?:percent(?:age)?|per cent|%|number|count|share|proportion)\b\s*"
                     r"(?:of\b)?\s*")
NOT_PEOPLE = re.compile(
    r"^(?:hours?|hrs?|minutes?|mins?|days?|weeks?|months?|years?|nights?|"
    r"pounds?|£|gbp|pence|euros?|"
    r"events?|sessions?|meetings?|workshops?|activit(?:y|ies)|class(?:es)?|courses?|"
    r"groups?|organi[sz]ations?|services?|projects?|items?|pages?|leaflets?|copies|"
    r"miles?|km|kilometres?|points?)\b")


def people_counted(indicator: dict) -> bool:
    """Whether an indicator's count (or percentage) is of people, from its unit."""
    unit = LEADING.sub("", text(indicator, "unit").lower())
    return not (RATE.search(unit) or NOT_PEOPLE.match(unit))


def _figure(report: dict) -> float | None:
    value = number(report, "value")
    return value if value is not None else number(report, "mean")


def _indicator_figures(ctx: Context, score_type: str
                       ) -> Iterator[tuple[str, dict, float]]:
    """Each shown count or percentage of people: (pointer to the figure, report, figure)."""
    for where, _, indicator, report in reports(ctx.data):
        if (code(indicator, "scoreType") != score_type or not people_counted(indicator)
                or report.get("suppressed") is True or figure_exempt(ctx.data, report)):
            continue
        figure = _figure(report)
        if figure is not None:
            key = "value" if number(report, "value") is not None else "mean"
            yield f"{where}/{key}", report, figure


@check("count-indicator-small", title="Count indicator gives a small number of people",
       severity=E, category="disclosure", serves=SERVES,
       message="This count of people is below {threshold}; a small count must be suppressed.",
       fix="Leave the value out and set {f[suppressed]} to true for this result, or report the "
           "count for a longer period or a larger area so that it is {threshold} or more.",
       explanation="An indicator of the 'count' score type whose value (or mean) counts "
                   "people, such as people admitted to hospital, is a count of people like "
                   "any other: from 1 to 7 (NHS Digital's rule) or 1 to 9 (a threshold of 10) "
                   "it must be suppressed. A count is taken to be of people unless its unit "
                   "is a rate ('per person', 'a month') or names time (hours, days), money "
                   "(pounds), occasions (events, sessions, meetings) or things (groups, "
                   "services); a count of admissions, visits or payments may be of as few "
                   "people, so it is checked.")
def count_indicator_small(ctx: Context):
    threshold = ctx.settings.threshold
    for where, _, figure in _indicator_figures(ctx, "count"):
        if 0 < figure < threshold:
            yield Finding(where, {"threshold": threshold})


@check("count-indicator-not-rounded", title="Count indicator not rounded to the nearest 5",
       severity=E, category="disclosure", serves=SERVES,
       message="This count of people is not a multiple of 5; under NHS Digital's rule, "
               "counts below national level are rounded to the nearest 5.",
       fix="Round the count to the nearest 5 (12 becomes 10, 13 becomes 15).",
       explanation="A count indicator that counts people (see 'count-indicator-small' for "
                   "how its unit decides) is rounded like any other count of people under "
                   "NHS Digital's policy, the default.")
def count_indicator_not_rounded(ctx: Context):
    if ctx.settings.disclosure != "nhs-digital":
        return
    for where, _, figure in _indicator_figures(ctx, "count"):
        if figure >= ctx.settings.threshold and figure % 5:
            yield Finding(where)


@check("percentage-reveals-small-number", title="Percentage reveals a small number of people",
       severity=E, category="disclosure", serves=SERVES,
       message="This percentage of the {n} people gives about {count} {who}, fewer than "
               "{threshold}.",
       fix="Suppress the percentage (leave the value out and set {f[suppressed]} to true), or "
           "report it for a larger group.",
       explanation="A percentage and the number of people it is of give a count: 2.5% of 40 "
                   "people is one person. If that count, or the count of the others, is "
                   "from 1 to 7 (NHS Digital's rule) or 1 to 9 (a threshold of 10), the "
                   "percentage reveals a small number. Percentages of things that are not "
                   "people (see 'count-indicator-small') are not checked, nor a percentage "
                   "without its number of people.")
def percentage_reveals_small_number(ctx: Context):
    threshold = ctx.settings.threshold
    for where, report, figure in _indicator_figures(ctx, "percentage"):
        n = number(report, "n")
        if n is None or n < threshold or not 0 <= figure <= 100:
            continue  # a result for too few people is 'statistic-for-small-number'
        people = round(figure / 100 * n)
        for count, who in ((people, "people"), (n - people, "people not counted")):
            if 1 <= count < threshold:
                yield Finding(where, {"n": n, "count": count, "who": who,
                                      "threshold": threshold})
                break


def _has_statistics(report: dict) -> bool:
    return any(key in report for key in RESULT_STATISTICS)


def _subgroup_breakdowns(project: dict) -> Iterator[tuple[str, dict, str, list[dict]]]:
    """Each whole-group result beside the results for its subgroups by one dimension, at
    the same timepoint and (where both say) for the same population: (pointer to the whole
    group's result, the result, the dimension, the subgroups' results)."""
    by_indicator: dict[int, list[tuple[str, dict]]] = defaultdict(list)
    indicator_of: dict[int, dict] = {}
    for where, _, indicator, report in reports(project):
        by_indicator[id(indicator)].append((where, report))
        indicator_of[id(indicator)] = indicator
    for found in by_indicator.values():
        subgroups: dict[tuple, list[dict]] = defaultdict(list)
        for _, report in found:
            subgroup = obj(report.get("subgroup"))
            if code(subgroup, "dimension"):
                subgroups[(report.get("timepoint"), subgroup["dimension"])].append(report)
        for where, whole in found:
            if "subgroup" in whole or whole.get("suppressed") is True:
                continue
            for (timepoint, dimension), members in subgroups.items():
                members = [m for m in members if _same_people(whole, m)]
                if timepoint == whole.get("timepoint") and members:
                    yield where, whole, dimension, members


def _same_people(whole: dict, member: dict) -> bool:
    one, other = code(whole, "population"), code(member, "population")
    return one is None or other is None or one == other


def _cells(cells: list[dict], key: str) -> tuple[list[float], int]:
    """The shown counts of a breakdown's cells and how many are suppressed."""
    shown = [number(c, key) for c in cells if c.get("suppressed") is not True]
    return [s for s in shown if s is not None], sum(c.get("suppressed") is True for c in cells)


def _leftovers(ctx: Context) -> list[tuple[str, dict, int, bool]]:
    """Every breakdown whose left-over people are singled out: (pointer, parameters, how
    many cells are suppressed, whether it is a breakdown of results into subgroups); found
    once a record for the two checks that read them."""
    return walked(f"leftovers {ctx.version} {ctx.settings.disclosure}", ctx.data,
                  lambda _: _find_leftovers(ctx))


def _find_leftovers(ctx: Context) -> Iterator[tuple[str, dict, int, bool]]:
    policy = Policy(ctx.settings.disclosure)
    for where, whole, dimension, members in _subgroup_breakdowns(ctx.data):
        total = number(whole, "n")
        shown, hidden = _cells(members, "n")
        statistics = _has_statistics(whole) and any(_has_statistics(m) for m in members
                                                    if m.get("suppressed") is not True)
        if figure_exempt(ctx.data, whole):
            continue
        words = DIMENSION_WORDS.get(dimension, dimension)
        if total is not None and shown and reveals(policy, total, shown, hidden, statistics):
            yield where, {"whole": "the whole group's result", "parts": f"its {words} "
                          "subgroups", "threshold": policy.threshold}, hidden, True
        changes = [obj(m.get("change")) for m in members if m.get("suppressed") is not True]
        shown, total = _cells(changes, "n")[0], number(obj(whole.get("change")), "n")
        if total is not None and shown and reveals(policy, total, shown, 0, True):
            # a suppressed subgroup may have had nobody at both timepoints: counted as 0
            yield f"{where}/change", {"whole": "the whole group's change", "parts": "the "
                                      f"changes of its {words} subgroups",
                                      "threshold": policy.threshold}, hidden, True
    breakdowns = every_demographic_count(ctx.data)
    sample = sample_size(breakdowns)  # so a complement of the sample is never positive
    for where, group, _, block in breakdowns:
        total = sample if where.startswith(SAMPLE) else (
            None if group.get("suppressed") is True else number(group, "count"))
        shown, hidden = _cells([c for _, c in items(block, "counts")], "count")
        if total is not None and shown and reveals(policy, total, shown, hidden, False):
            whole = "the evaluated sample" if where.startswith(SAMPLE) else "the group's count"
            yield where, {"whole": whole, "parts": "its counts", "threshold":
                          policy.threshold}, hidden, False
    for where, _, _, report in reports(ctx.data):
        cells = [c for _, c in items(report, "composition")]
        total = None if report.get("suppressed") is True else number(report, "n")
        shown, hidden = _cells(cells, "n")
        if cells and total is not None and shown and reveals(policy, total, shown, hidden,
                                                             False):
            yield f"{where}/composition", {"whole": "the result's number of people",
                                           "parts": "its make-up by role",
                                           "threshold": policy.threshold}, hidden, False


@check("complement-reveals-small-group", title="Subtraction reveals a small group",
       severity=E, category="disclosure", serves=SERVES,
       message="Subtracting {parts} from {whole} leaves fewer than {threshold} people, so "
               "their number (and any result for them) can be worked out.",
       fix="Suppress the smallest subgroup or count shown (and its results), or publish a "
           "result for the people left over only if they are {threshold} or more.",
       explanation="A whole group's result beside results for part of it gives the rest by "
                   "subtraction: a whole group of 95 with its mean beside 90 women with "
                   "theirs gives the number and the mean of the other 5, and the same for "
                   "the change since baseline. The same holds for a "
                   "group's count beside its demographic counts, and a result's number of "
                   "people beside its make-up by role. The outsider is assumed to know the "
                   "rounding: where only counts are shown, rounding to the nearest 5 hides "
                   "the difference unless every true number it allows is small; where "
                   "results (a mean, a spread) are shown for both, the published difference "
                   "decides, because the left-over people's result follows by subtraction "
                   "too. A difference that rounding alone could explain (it may be nobody) "
                   "is not flagged.",
       cell="n")
def complement_reveals_small_group(ctx: Context):
    for where, params, hidden, _ in _leftovers(ctx):
        if not hidden:
            yield Finding(where, params)


@check("suppressed-cells-add-up-to-small-number", title="Suppressed numbers add up to a "
       "small number", severity=E, category="disclosure", serves=SERVES,
       message="The numbers suppressed in {parts} add up, by subtraction from {whole}, to "
               "fewer than {threshold} people.",
       fix="Suppress the next smallest number shown too (and its results), or suppress the "
           "total.",
       explanation="Cells hidden by suppression are tested as a sum: if the total is shown, "
                   "the hidden cells together are the total minus the cells shown, and 3 and "
                   "2 hidden together are 5. The hidden people together must be none or at "
                   "least the threshold. This covers participant groups' and the evaluated "
                   "sample's demographics and results' make-up by role with two or more "
                   "suppressed cells (one alone is 'secondary-suppression-needed'), and "
                   "results for subgroups beside the whole group's result with one or more. "
                   "Rounding is allowed for as in 'complement-reveals-small-group'.",
       cell="n")
def suppressed_cells_add_up(ctx: Context):
    for where, params, hidden, subgroups in _leftovers(ctx):
        if hidden >= 2 or (hidden == 1 and subgroups):
            yield Finding(where, params)
