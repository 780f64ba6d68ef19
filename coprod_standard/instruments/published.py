"""The figures published beside a count, worked out so that they cannot undo its rounding.

Under a policy that rounds counts (NHS Digital: to the nearest 5), an outsider who knows
the method sees a count of 55 and knows only that the true count is one of 53 to 57 (its
bucket, `Policy.bucket`). Every other figure must leave each of those counts possible:

- the 95% interval, and the proportion who improved, are worked out from the PUBLISHED
  figures only (the published mean, SD and count; the rounded numbers improved and
  measured twice), so they say nothing the published figures do not;
- the mean and the SD are shown to `decimals(bucket, step)` places: few enough that a sum
  of whole-number scores over ANY count in the bucket gives the published mean (and a sum
  of squares, which has the parity of the sum, the published SD);
- the median of whole-number scores is shown as a whole number (one ending in .5 says the
  count is even); the median of irregular scores (a conversion table such as SWEMWBS
  metric, a given score such as PAM) is left out, since whether it could be the middle
  value of an odd count depends on which values the table holds. For such scores the
  step is the coarsest of 1, 0.1 and 0.01 that every value is a whole number of (a PAM
  score has one decimal: its mean over 8 to 12 people is shown to one place);
- where the change is over exactly the people of both timepoints, its mean is the
  difference of the two published means (`link_change`).

Under a policy that publishes counts as they are (threshold-10, national figures), every
figure is shown to 2 decimals and the interval comes from the exact count, as before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .stats import t_quantile

EXACT_DECIMALS = 2
IRREGULAR_STEP = 0.01  # scores from a conversion table: its values have 2 decimals
SMALL_SD = 1.2  # an SD below 1.2 steps is shown to one place fewer (see sd_decimals)


@dataclass(frozen=True)
class Scale:
    """What the figures of one score need to know about its values."""

    step: float | None = None  # 1 for whole numbers; 0.1 for values with one decimal...
    minimum: float | None = None
    maximum: float | None = None
    regular: bool = False  # every multiple of the step in the range is a possible value


def decimals(bucket: range, step: float | None) -> int:
    """Places for a mean over a count published as one of BUCKET.

    A mean of whole numbers over k people is S/k for a whole S; shown to d places it
    stands for an interval of width 10^-d, which holds S/k for some whole S whenever
    k x 10^-d >= 1. So d = the largest of 0, 1, 2 with 10^d <= (smallest count in the
    bucket) / step: every count in the bucket can then give the published mean."""
    unit = step or IRREGULAR_STEP
    for places in (2, 1):
        if round(10 ** places * unit, 9) <= bucket.start:
            return places
    return 0


def sd_decimals(sd: float, bucket: range, step: float | None) -> int:
    """Places for an SD over a count published as one of BUCKET.

    The variance over k people is (Q - S^2/k)/(k - 1) with Q the sum of squares, a whole
    number of the parity of S: the variances k can give are 2/(k-1) apart (in steps
    squared). An SD shown to d places spans variances about 2 x SD x 10^-d wide, which
    holds one of them for every k in the bucket when SD >= step x n/(n-1) at the mean's
    places; a smaller SD is shown to one place fewer."""
    places = decimals(bucket, step)
    unit = step or IRREGULAR_STEP
    if places and sd < SMALL_SD * unit:
        places -= 1
    return places


def _ci(mean: float, sd: float, n: int, scale: Scale | None) -> dict[str, float]:
    half = t_quantile(0.975, n - 1) * sd / math.sqrt(n)
    low, high = mean - half, mean + half
    if scale is not None and scale.minimum is not None and scale.maximum is not None:
        low, high = max(low, scale.minimum), min(high, scale.maximum)
    return {"lower": round(low, EXACT_DECIMALS), "upper": round(high, EXACT_DECIMALS)}


def _exact(figures: dict[str, Any]) -> None:
    for key in ("mean", "sd", "median"):
        if figures.get(key) is not None:
            figures[key] = round(figures[key], EXACT_DECIMALS)
    if figures.get("ci95"):
        figures["ci95"] = {k: round(v, EXACT_DECIMALS) for k, v in figures["ci95"].items()}


def _rounded(figures: dict[str, Any], bucket: range, scale: Scale | None,
             median: bool, clip: bool) -> None:
    """The mean, SD, median and interval of FIGURES (whose n is already published)."""
    step = scale.step if scale is not None else None
    places = decimals(bucket, step)
    if figures.get("mean") is not None:
        figures["mean"] = round(figures["mean"], places)
    if figures.get("sd") is not None:
        figures["sd"] = round(figures["sd"], sd_decimals(figures["sd"], bucket, step))
    if median and figures.get("median") is not None:
        if step and scale is not None and scale.regular:
            figures["median"] = float(round(figures["median"] / step) * step)
        else:
            figures.pop("median")
    n = figures.get("n", 0)
    if figures.get("sd") is not None and figures.get("mean") is not None and n >= 2:
        figures["ci95"] = _ci(figures["mean"], figures["sd"], n, scale if clip else None)
    else:
        figures.pop("ci95", None)


def publish(report: dict[str, Any], policy, scale: Scale | None,
            improved: int | None) -> None:
    """Round the figures of REPORT for publication, in place. Its counts (n, change.n)
    are already the published ones; IMPROVED is the true number who improved (None when
    there is no proportion to show)."""
    change = report.get("change")
    if not policy.rounds or policy.national:
        _exact(report)
        if change:
            _exact(change)
        return
    _rounded(report, policy.bucket(report["n"]), scale, median=True, clip=True)
    if change:
        _rounded(change, policy.bucket(change["n"]), scale, median=False, clip=False)
    if "proportionImproved" in report and change and improved is not None:
        _proportion(report, policy, policy.rounded(improved), change["n"])


def _proportion(report: dict[str, Any], policy, improved: int, changed: int) -> None:
    """The share who improved, from the ROUNDED numbers who improved and who were measured
    twice (NHS Digital works percentages out from rounded numbers).

    It is shown only where the true numbers improved and not improved are not small
    (checked before), AND where that holds for every pair of true numbers the rounded
    ones could stand for: otherwise showing it would say that the count measured twice is
    at the top of its bucket (15 shown, 10 improved: at least 8 and 8, so 16 or 17)."""
    if improved not in (0, changed):  # none or all improved: nothing is small
        least_not_improved = policy.bucket(changed)[0] - policy.bucket(improved)[-1]
        if policy.small(least_not_improved) or least_not_improved < 1:
            report.pop("proportionImproved")
            return
    report["proportionImproved"] = round(improved / changed, 4)


def link_change(report: dict[str, Any], baseline: dict[str, Any] | None, policy,
                scale: Scale | None) -> bool:
    """When the change is over exactly the people of both level reports, its sum is the
    difference of theirs, and the three published means together could rule counts out
    (no whole sums at baseline and now whose difference gives the change's mean). Its mean
    is then published as the difference of the two published means, to the same places:
    it adds nothing to them. (An outsider sees that everyone answered both times, which
    says nothing of how many.) Whether it was."""
    change = report.get("change")
    if (not policy.rounds or policy.national or not change or baseline is None
            or baseline.get("suppressed") or report.get("mean") is None
            or baseline.get("mean") is None or change.get("mean") is None):
        return False
    places = decimals(policy.bucket(change["n"]), scale.step if scale else None)
    change["mean"] = round(report["mean"] - baseline["mean"], places)
    if change.get("sd") is not None and change["n"] >= 2:
        change["ci95"] = _ci(change["mean"], change["sd"], change["n"], None)
    return True
