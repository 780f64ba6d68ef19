"""Rounding that the other figures cannot undo (issue 18, hole 1).

Under NHS Digital's rule a count of people is rounded to the nearest 5, so a published 55
stands for any true count from 53 to 57 (``Policy.bucket``). The result's other figures must
not say which: an interval worked out from the exact count, a proportion worked out from
exact counts, or a mean of whole-number scores given to more decimals than every count in
the bucket could produce each single the true count out. These checks run at publish level
under NHS Digital's rule only (a threshold of 10 publishes counts as they are). A result
about a nation's population is exempt (``figure_exempt``); a comparison group never is.

Each check reads only the published figures, as an outsider would, and allows for the
rounding of the figures themselves: a figure is taken to have been rounded to the number of
decimals it shows (an interval's limits to the more precise of the two).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from ..instruments.disclosure import Policy
from ..instruments.registry import for_version
from ..instruments.stats import t_quantile
from ..issues import Severity
from . import Context, Finding, check
from .data import code, figure_exempt, number, obj, reports, score_types, walked

E = Severity.ERROR
SERVES = ("Disclosure control: a count rounded to the nearest 5 (NHS Digital's rule) is not "
          "given away by the other figures published with it")
PUBLISH = ("publish",)
EXEMPT = ("Only a result about a nation's population (from version 1.2: its 'population' is "
          "the wider community, in a project whose every area is national) is exempt; a "
          "comparison group never is.")
SLACK = 1e-9  # for the binary representation of decimal figures
Z95 = 1.959964  # the normal distribution's 97.5th percentile


@dataclass
class Block:
    """A set of published figures about one group of people: a result, its change, or a
    comparison group (and its change)."""

    where: str
    figures: dict
    n: int
    bucket: range
    low: float | None  # the limits an interval is clipped to (None: no limit)
    high: float | None
    step: float | None  # the gap between possible scores (1: whole numbers), if known


def _decimals(value: float) -> int:
    """How many decimals a published figure shows (20.10 is read as 20.1: one)."""
    text = repr(value)
    if "e" not in text and "n" not in text:  # plain digits (not 1e-05, inf or nan): counted
        point = text.find(".")
        return 0 if point < 0 else len(text) - point - 1
    try:
        exponent = Decimal(repr(value)).as_tuple().exponent
    except InvalidOperation:
        return 0
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _half(decimals: int) -> float:
    """Half a unit in the last of so many decimals: the most a rounding changes a figure."""
    return 0.5 * 10.0 ** -decimals


def _count(value: float | None) -> int | None:
    """A count of people, or None for anything else (odd data is left to other checks)."""
    if value is None or not 1 <= value <= 10**9 or not float(value).is_integer():
        return None
    return int(value)


def _value(block: dict, key: str) -> float | None:
    """A published figure, if it is a finite number."""
    found = number(block, key)
    return found if found is not None and math.isfinite(found) else None


def _blocks(ctx: Context) -> list[Block]:
    """Every block of figures these checks apply to, with the count it is about and that
    count's bucket (only counts the policy rounds: a bucket of more than one); found once
    a record for the three checks that read them."""
    if ctx.settings.disclosure != "nhs-digital":
        return []
    return walked(f"rounding blocks {ctx.version}", ctx.data, lambda _: _find_blocks(ctx))


def _find_blocks(ctx: Context) -> Iterator[Block]:
    policy = Policy(ctx.settings.disclosure)
    known = for_version(ctx.version)
    for where, _, indicator, report in reports(ctx.data):
        scale = score_types(ctx.version).get(code(indicator, "scoreType") or "") or {}
        low, high = scale.get("minimum"), scale.get("maximum")
        width = high - low if low is not None and high is not None else None
        instrument = known.get(code(indicator, "instrument") or "")
        step = instrument.step(code(indicator, "scoreType") or "") if instrument else None
        exempt = figure_exempt(ctx.data, report)
        group = obj(report.get("comparisonGroup"))  # version 1.2: never exempt
        parts = [] if exempt else [(where, report, None)]
        parts += [(f"{where}/comparisonGroup", group, None)] if group else []
        for base, block, _ in list(parts):
            change = obj(block.get("change"))
            if change:
                parts.append((f"{base}/change", change, block))
        for base, block, outer in parts:
            if block.get("suppressed") is True or (outer or {}).get("suppressed") is True:
                continue
            n = _count(number(block, "n"))
            if n is None and outer is not None:  # a change without its own n: the result's
                n = _count(number(outer, "n"))
            bucket = policy.bucket(n) if n is not None else range(0)
            if len(bucket) < 2:
                continue
            if outer is None:
                yield Block(base, block, n, bucket, low, high, step)
            else:  # a change can be as large as the scale is wide, either way
                yield Block(base, block, n, bucket, -width if width is not None else None,
                            width, step)


@dataclass
class _Interval:
    """A block's published interval, read once: its limits (None where missing or clipped
    at the end of the scale), its SD, and how much the rounding of each may hide."""

    limits: tuple[float | None, float | None]
    mean: float
    sd: float
    mean_slack: float  # half a unit in the mean's last decimal (or the limits')
    sd_slack: float
    limit_slack: float


def _interval(block: Block) -> _Interval | None:
    """None if the block has no mean, SD or interval, or both its limits are clipped."""
    figures = block.figures
    mean, sd = _value(figures, "mean"), _value(figures, "sd")
    ci = obj(figures.get("ci95"))
    lower, upper = _value(ci, "lower"), _value(ci, "upper")
    if mean is None or sd is None:
        return None
    shown = []
    for value, end in ((lower, block.low), (upper, block.high)):
        clipped = value is not None and end is not None and abs(value - end) <= _half(
            _decimals(value)) + SLACK
        shown.append(value if value is not None and not clipped else None)
    limits = [v for v in shown if v is not None]
    if not limits:
        return None
    places = max(_decimals(v) for v in limits)
    return _Interval((shown[0], shown[1]), mean, sd, _half(max(places, _decimals(mean))),
                     _half(max(places, _decimals(sd))), _half(places))


def _interval_fits(shown: _Interval, k: int) -> bool | None:
    """Whether the interval is the 95% interval of its mean for K people, from Student's t
    (as 'coprod aggregate' works it out) or from the normal distribution's 1.96 (as many
    work it out by hand), allowing for the rounding of the published mean, SD and limits;
    None if it cannot be told (fewer than 2 people)."""
    if k < 2:
        return None
    return any(_fits(shown, multiplier / math.sqrt(k))
               for multiplier in (t_quantile(0.975, k - 1), Z95))


def _fits(shown: _Interval, q: float) -> bool:
    """Whether the interval is its mean plus or minus Q times its SD."""
    lower, upper = shown.limits
    ts, tb = q * shown.sd_slack, shown.limit_slack  # summed in the order they always were
    if lower is not None and upper is not None:  # the half-width alone: the centre says
        return abs((upper - lower) / 2 - q * shown.sd) <= ts + tb + SLACK  # nothing about k
    if lower is not None:
        return abs(lower - (shown.mean - q * shown.sd)) <= shown.mean_slack + ts + tb + SLACK
    return abs(upper - (shown.mean + q * shown.sd)) <= shown.mean_slack + ts + tb + SLACK


@check("interval-reveals-count", title="Interval reveals the exact count", severity=E,
       category="disclosure", serves=SERVES, levels=PUBLISH,
       message="This confidence interval does not fit the {n} people published, but it does "
               "fit another count from {first} to {last} (the counts that round to {n}): it "
               "was worked out from the exact number of people, which anyone can now find "
               "from it.",
       fix="Work the interval out from the published figures: the rounded number of people "
           "({n}) and the published mean and standard deviation (mean plus or minus "
           "t × SD ÷ √n). 'coprod aggregate' does this for you.",
       explanation="A count rounded to the nearest 5 stands for any of five true counts (55 "
                   "for 53 to 57). A 95% confidence interval worked out from the exact count "
                   "gives it away: with the published mean and standard deviation, only the "
                   "true count makes the interval's width come out right. So an interval "
                   "(of a result, its change, or a comparison group's) must be worked out "
                   "from the published, rounded figures. The check allows for the rounding of "
                   "every figure and for an interval worked out with 1.96 instead of "
                   "Student's t, and skips a limit clipped at the end of the scale; an "
                   "interval that fits no count at all is left to other checks. It applies "
                   "under NHS Digital's rule, when checking to publish. " + EXEMPT)
def interval_reveals_count(ctx: Context):
    for block in _blocks(ctx):
        shown = _interval(block)
        if shown is None or _interval_fits(shown, block.n) is not False:
            continue
        if any(_interval_fits(shown, k) for k in block.bucket if k != block.n):
            yield Finding(f"{block.where}/ci95", {"n": block.n, "first": block.bucket[0],
                                                  "last": block.bucket[-1]})


@check("proportion-reveals-count", title="Proportion reveals the exact counts", severity=E,
       category="disclosure", serves=SERVES, levels=PUBLISH,
       message="The proportion improved ({share}) is not a multiple of 5 people out of the "
               "{n} published: it was worked out from the exact counts, which it gives away.",
       fix="Work the proportion out from the rounded counts: the number who improved, rounded "
           "to the nearest 5, divided by the rounded number of people ({n}). 'coprod "
           "aggregate' does this for you.",
       explanation="Under NHS Digital's rule both the number who improved and the number of "
                   "people are rounded to the nearest 5. A proportion worked out from the "
                   "exact counts, shown to several decimals, reveals them both: 0.3529 is "
                   "18 out of 51, and nothing else near 50. Multiplied by the published "
                   "number of people (the change's, if it gives one), a proportion must give "
                   "a multiple of 5, allowing for its rounding. It applies under NHS "
                   "Digital's rule, when checking to publish. " + EXEMPT)
def proportion_reveals_count(ctx: Context):
    if ctx.settings.disclosure != "nhs-digital":
        return
    policy = Policy(ctx.settings.disclosure)
    for where, _, _, report in reports(ctx.data):
        share = _value(report, "proportionImproved")
        change = obj(report.get("change"))
        n = _count(number(change, "n") if number(change, "n") is not None
                   else number(report, "n"))
        if share is None or not 0 <= share <= 1 or n is None or len(policy.bucket(n)) < 2 \
                or report.get("suppressed") is True or figure_exempt(ctx.data, report):
            continue
        tolerance = _half(_decimals(share)) + SLACK
        below = 5 * math.floor(share * n / 5)  # the multiples of 5 on either side
        if not any(abs(j / n - share) <= tolerance for j in (below, below + 5)):
            yield Finding(f"{where}/proportionImproved", {"share": f"{share:g}", "n": n})


def _fits_every(mean: Decimal, block: Block) -> bool:
    """Whether, for every count K in the block's bucket, some whole number of steps S gives
    a mean S × step ÷ K that rounds to MEAN at the decimals it shows. In whole numbers:
    MEAN is M ÷ 10^d and the step p ÷ q, so S must lie between (2M - 1)·q·K ÷ (2·10^d·p)
    and (2M + 1)·q·K ÷ (2·10^d·p)."""
    sign, digits, exponent = mean.as_tuple()
    if not isinstance(exponent, int):
        return True  # not a finite number: left to other checks
    scale = 10 ** max(0, -exponent)
    whole = int(mean.scaleb(max(0, -exponent)))  # M
    p, q = Fraction(block.step).as_integer_ratio()
    if p <= 0:
        return True
    below, above, over = (2 * whole - 1) * q, (2 * whole + 1) * q, 2 * scale * p
    return all((above * k) // over >= -((-below * k) // over) for k in block.bucket)


@check("mean-reveals-count", title="Mean shown to too many decimals", severity=E,
       category="disclosure", serves=SERVES, levels=PUBLISH,
       message="This mean of whole-number scores is given to more decimals than some of "
               "the counts from {first} to {last} (those that round to {n}) could produce, so "
               "it rules them out and narrows down the true number of people.",
       fix="Show the mean to {fewer}, so that it fits every count that rounds to {n}. "
           "'coprod aggregate' does this for you.",
       explanation="The mean of whole-number scores (a sum or a single item, such as UCLA-3 "
                   "or ONS4) is a whole number divided by the number of people. Shown to two "
                   "decimals for 50 or more people, it can only come from some of the five "
                   "counts that round to the published number, so it narrows down, and often "
                   "singles out, the true count. A mean (of a result, its change or a "
                   "comparison group) must have few enough decimals to fit every count the "
                   "published number stands for. It applies to scores with a step of 1 in "
                   "the instrument registry, under NHS Digital's rule, when checking to "
                   "publish. " + EXEMPT)
def mean_reveals_count(ctx: Context):
    for block in _blocks(ctx):
        mean = _value(block.figures, "mean")
        if block.step is None or mean is None:
            continue
        shown = Decimal(repr(mean))
        if not _fits_every(shown, block):
            fewer = next((d for d in range(_decimals(mean) - 1, 0, -1)
                          if _fits_every(round(shown, d), block)), 0)
            yield Finding(f"{block.where}/mean", {
                "n": block.n, "first": block.bucket[0], "last": block.bucket[-1],
                "fewer": "a whole number" if fewer == 0 else
                         f"{fewer} decimal{'s' if fewer > 1 else ''}"})


@check("median-reveals-count", title="Median shows the count is even", severity=E,
       category="disclosure", serves=SERVES, levels=PUBLISH,
       message="This median of whole-number scores ends in a half ({median}), which only an "
               "even number of people can give: it rules out the odd counts from {first} to "
               "{last} (those that round to {n}).",
       fix="Round the median to a whole number. 'coprod aggregate' does this for you.",
       explanation="The median of whole-number scores (a sum or a single item) is one of "
                   "the scores when the number of people is odd, and may fall halfway "
                   "between two when it is even. A median ending in a half therefore says "
                   "the true count is even, ruling out the odd counts among those that "
                   "round to the published number. A median (of a result, its change or a "
                   "comparison group) is rounded to a whole number. It applies to scores "
                   "with a step of 1 in the instrument registry, under NHS Digital's rule, "
                   "when checking to publish. " + EXEMPT)
def median_reveals_count(ctx: Context):
    for block in _blocks(ctx):
        median = _value(block.figures, "median")
        if block.step is None or median is None:
            continue
        halves = Fraction(Decimal(repr(median))) * 2 / Fraction(block.step)
        if halves.denominator == 1 and halves.numerator % 2 and any(
                k % 2 for k in block.bucket):
            yield Finding(f"{block.where}/median", {
                "median": f"{median:g}", "n": block.n, "first": block.bucket[0],
                "last": block.bucket[-1]})
