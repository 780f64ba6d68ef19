"""Evidence integrity: results fit the instrument's scale and tell a consistent story."""

from __future__ import annotations

from ..issues import Severity
from . import Context, Finding, check
from .data import code, day, indicators, items, number, obj, reports, score_types

E, W, A = Severity.ERROR, Severity.WARNING, Severity.ADVISORY
SERVES = "Evidence integrity: results that fit the instrument's published scale"
ESTIMATES = ("mean", "median", "value")


def _scale(ctx: Context, indicator: dict) -> dict | None:
    return score_types(ctx.version).get(code(indicator, "scoreType") or "")


def _fmt(value: float | None) -> str:
    return "no limit" if value is None else f"{value:g}"


@check("score-out-of-range", title="Result outside the scale", severity=E,
       category="evidence", serves=SERVES,
       message="The {what} is {amount}, outside the {score} scale of {low} to {high}.",
       fix="Check the number and the score type: for example a SWEMWBS raw total (7 to 35) "
           "reported as a WEMWBS total (14 to 70).",
       explanation="Means, medians, values, confidence limits, comparators and (from "
                   "version 1.2) a comparison group's mean and limits must lie within the "
                   "range the score type allows.")
def score_out_of_range(ctx: Context):
    for where, _, indicator, report in reports(ctx.data):
        scale = _scale(ctx, indicator)
        if not scale:
            continue
        low, high = scale["minimum"], scale["maximum"]
        checks = [(key, key, number(report, key)) for key in ESTIMATES]
        ci = obj(report.get("ci95"))
        checks += [("ci95/lower", "lower confidence limit", number(ci, "lower")),
                   ("ci95/upper", "upper confidence limit", number(ci, "upper")),
                   ("comparator/value", "comparator value",
                    number(obj(report.get("comparator")), "value"))]
        group = obj(report.get("comparisonGroup"))  # version 1.2
        checks += [("comparisonGroup/mean", "comparison group's mean", number(group, "mean")),
                   ("comparisonGroup/ci95/lower", "comparison group's lower confidence limit",
                    number(obj(group.get("ci95")), "lower")),
                   ("comparisonGroup/ci95/upper", "comparison group's upper confidence limit",
                    number(obj(group.get("ci95")), "upper"))]
        for key, what, value in checks:
            if value is None:
                continue
            if (low is not None and value < low) or (high is not None and value > high):
                yield Finding(f"{where}/{key}", {"what": what, "amount": _fmt(value),
                                                 "score": scale["title"],
                                                 "low": _fmt(low), "high": _fmt(high)})


def _spreads(block: dict, width: float):
    """(key, words, value, largest possible) for a block's spread and change."""
    change = obj(block.get("change"))
    return (("sd", "standard deviation", number(block, "sd"), width / 2),
            ("change/mean", "mean change", abs(number(change, "mean") or 0), width),
            ("change/sd", "standard deviation of the change", number(change, "sd"), width))


@check("spread-impossible", title="Spread or change too large for the scale", severity=E,
       category="evidence", serves=SERVES,
       message="The {what} is {amount}, more than is possible on a scale from {low} to {high}.",
       fix="Check the number: a standard deviation cannot exceed half the scale's width, and a "
           "change cannot exceed its full width.",
       explanation="On a bounded scale the standard deviation is at most half the width of "
                   "the scale, and a change or its spread at most the full width.")
def spread_impossible(ctx: Context):
    for where, _, indicator, report in reports(ctx.data):
        scale = _scale(ctx, indicator)
        if not scale or scale["minimum"] is None or scale["maximum"] is None:
            continue
        width = scale["maximum"] - scale["minimum"]
        group = obj(report.get("comparisonGroup"))  # version 1.2
        for base, block in (("", report), ("comparisonGroup/", group)):
            for key, what, value, limit in _spreads(block, width):
                if value is not None and value > limit:
                    yield Finding(f"{where}/{base}{key}", {
                        "what": ("comparison group's " if base else "") + what,
                        "amount": _fmt(value), "low": _fmt(scale["minimum"]),
                        "high": _fmt(scale["maximum"])})


@check("interval-excludes-estimate", title="Confidence interval does not contain the estimate",
       severity=E, category="evidence", serves=SERVES,
       message="The 95% confidence interval ({lower} to {upper}) does not contain the "
               "{what} ({amount}).",
       fix="Check the interval's limits and the estimate: the lower limit must be at most the "
           "estimate, and the upper limit at least.",
       explanation="A confidence interval is built around its estimate, so it must contain it, "
                   "with the lower limit below the upper.")
def interval_excludes_estimate(ctx: Context):
    for where, _, _, report in reports(ctx.data):
        group = obj(report.get("comparisonGroup"))  # version 1.2
        for base, block in (("", report), ("/change", obj(report.get("change"))),
                            ("/comparisonGroup", group),
                            ("/comparisonGroup/change", obj(group.get("change")))):
            ci = obj(block.get("ci95"))
            lower, upper = number(ci, "lower"), number(ci, "upper")
            value = number(block, "mean")
            what = "mean change" if base.endswith("change") else "mean"
            if base.startswith("/comparisonGroup"):
                what = f"comparison group's {what}"
            if value is None and base == "":
                value, what = number(block, "value"), "value"
            if lower is None or upper is None:
                continue
            if lower > upper or (value is not None and not lower <= value <= upper):
                yield Finding(f"{where}{base}/ci95", {
                    "lower": _fmt(lower), "upper": _fmt(upper), "what": what,
                    "amount": _fmt(value) if value is not None else "not given"})


@check("score-type-instrument-mismatch", title="Score type from another instrument",
       severity=E, category="evidence", serves=SERVES,
       message="The score type '{score}' belongs to {expected}, not to '{instrument}'.",
       fix="Choose a score type of this instrument, or correct the instrument.",
       explanation="Each score type belongs to one instrument (see the score-type codelist), "
                   "so that scales are never mixed up, for example SWEMWBS raw and metric.")
def score_type_instrument_mismatch(ctx: Context):
    for where, _, indicator in indicators(ctx.data):
        scale = _scale(ctx, indicator)
        instrument = indicator.get("instrument")
        if scale and isinstance(instrument, str) and scale["instrument"] != instrument:
            yield Finding(f"{where}/scoreType", {"score": indicator.get("scoreType"),
                                                 "expected": f"'{scale['instrument']}'",
                                                 "instrument": instrument})


@check("direction-contradicts-scale", title="Direction contradicts the scale", severity=W,
       category="evidence", serves=SERVES,
       message="{f[higherIsBetter]} is {given}, but for '{score}' {truth}.",
       fix="Set {f[higherIsBetter]} to match the instrument: false for PHQ-9, GAD-7, UCLA-3 and "
           "ONS4 anxiety; true for wellbeing and quality-of-life scores.",
       explanation="Whether a higher score is better is fixed by the instrument. Getting it "
                   "wrong turns improvements into deteriorations in any comparison.")
def direction_contradicts_scale(ctx: Context):
    for where, _, indicator in indicators(ctx.data):
        scale, given = _scale(ctx, indicator), indicator.get("higherIsBetter")
        if scale and isinstance(given, bool) and scale["higherIsBetter"] not in (None, given):
            truth = "higher is better" if scale["higherIsBetter"] else "lower is better"
            yield Finding(f"{where}/higherIsBetter", {"given": str(given).lower(),
                                                      "score": indicator.get("scoreType"),
                                                      "truth": truth})


@check("timepoint-before-baseline", title="Later result measured before the baseline",
       severity=E, category="evidence", serves=SERVES,
       message="This {timepoint} result starts on {start}, before the baseline started "
               "({baseline}).",
       fix="Check the periods and timepoints: a later measurement cannot start before the "
           "baseline.",
       explanation="Baseline comes first. An interim, end or follow-up result whose period "
                   "starts before the baseline's is mislabelled or misdated.")
def timepoint_before_baseline(ctx: Context):
    for where, _, indicator in indicators(ctx.data):
        starts = [day(obj(r.get("period")), "startDate") for _, r in items(indicator, "reports")
                  if r.get("timepoint") == "baseline"]
        starts = [s for s in starts if s]
        if not starts:
            continue
        for r, report in items(indicator, "reports"):
            start = day(obj(report.get("period")), "startDate")
            if report.get("timepoint") != "baseline" and start and start < min(starts):
                yield Finding(f"{where}/reports/{r}/period/startDate",
                              {"timepoint": report.get("timepoint"), "start": start.isoformat(),
                               "baseline": min(starts).isoformat()})


@check("change-without-baseline", title="Change claimed without a baseline", severity=W,
       category="evidence", serves=SERVES,
       message="This result gives a change since baseline, but the indicator has no baseline "
               "result that readers can see.",
       fix="Add the baseline report, or remove the change.",
       explanation="A change needs a starting point that readers can see.")
def change_without_baseline(ctx: Context):
    for where, _, indicator in indicators(ctx.data):
        found = list(items(indicator, "reports"))
        if any(r.get("timepoint") == "baseline" and r.get("suppressed") is not True
               for _, r in found):
            continue
        for r, report in found:
            if isinstance(report.get("change"), dict):
                yield Finding(f"{where}/reports/{r}/change")


@check("improvement-without-threshold", title="Improvement counted without a threshold",
       severity=W, category="evidence", serves=SERVES,
       message="The proportion improved is given, but the indicator does not say what counts "
               "as a meaningful change.",
       fix="Add {f[meaningfulChange]} to the indicator, with its source.",
       explanation="'Proportion improved' means improved by at least the meaningful change, so "
                   "the threshold must be stated.")
def improvement_without_threshold(ctx: Context):
    for where, _, indicator, report in reports(ctx.data):
        if number(report, "proportionImproved") is not None and not isinstance(
                indicator.get("meaningfulChange"), dict):
            yield Finding(f"{where}/proportionImproved")


@check("small-sample-change", title="Change from a small sample", severity=A,
       category="evidence",
       serves="Warwick's guidance: at least 30 people with two timepoints",
       message="This change is based on {n} people; with fewer than 30, it may be chance.",
       fix="Report it with care, say how uncertain it is, and combine with qualitative "
           "evidence.",
       explanation="With fewer than 30 people measured twice, a change in average score is "
                   "easily due to chance.",
       cell="n")
def small_sample_change(ctx: Context):
    for where, _, _, report in reports(ctx.data):
        change = obj(report.get("change"))
        if not change and number(report, "proportionImproved") is None:
            continue
        n = number(change, "n") if change else number(report, "n")
        if n is not None and 0 < n < 30:
            yield Finding(where, {"n": int(n)})


@check("result-missing", title="Report without a result", severity=W, category="evidence",
       serves=SERVES,
       message="This report gives no result: no mean, median, value, proportion improved or "
               "change.",
       fix="Add the result, or mark the report as suppressed if it is withheld.",
       explanation="A report that is not withheld should give at least one result.",
       cell="mean")
def result_missing(ctx: Context):
    keys = (*ESTIMATES, "proportionImproved", "change")
    for where, _, _, report in reports(ctx.data):
        if report.get("suppressed") is not True and not any(k in report for k in keys):
            yield Finding(where)
