"""Economic figures that can be compared (version 1.2): in stated prices, from a stated
perspective, with an honest range, set against the costs of the same period. Silent on
1.0 and 1.1, which have none of these fields."""

from __future__ import annotations

from datetime import date

from ..issues import Severity, name_field
from . import Context, Finding, check
from .data import code, day, indicators, items, number, obj, text

E, W = Severity.ERROR, Severity.WARNING
SERVES = ("SCIE, 'Co-production in social care: what it is and how to do it', economics of "
          "co-production: costs and benefits that can be compared")
SAVINGS = ("cashable-saving", "cost-avoidance")
POSITIVE = SAVINGS + ("additional-cost",)
LIFE_SATISFACTION = "ons4-life-satisfaction"


def comparable(ctx: Context) -> bool:
    """True for versions whose estimates have a price year (1.2 on)."""
    from ..fields import fields

    return ("projects", "*", "economicEstimates", "*", "priceYear") in fields(ctx.version)


def estimates(ctx: Context):
    return list(items(ctx.data, "economicEstimates")) if comparable(ctx) else []


def period(value: object) -> tuple[date, date] | None:
    """The (start, end) of a record's period, if it has a readable one."""
    found = obj(obj(value).get("period"))
    start, end = day(found, "startDate"), day(found, "endDate")
    return (start, end) if start and end and start <= end else None


def overlap(a: tuple[date, date], b: tuple[date, date]) -> int:
    """Days that two periods share, counting both ends."""
    return max(0, (min(a[1], b[1]) - max(a[0], b[0])).days + 1)


def costs_within(ctx: Context, span: tuple[date, date]) -> float:
    """The project's costs that fall in SPAN: each cost with a period counts in proportion to
    the days it shares with SPAN; a cost without a period cannot be placed and is left out."""
    total = 0.0
    for _, cost in items(ctx.data, "costs"):
        own, amount = period(cost), number(cost, "amountGBP")
        if own and amount:
            total += amount * overlap(own, span) / ((own[1] - own[0]).days + 1)
    return total


@check("estimate-basis-missing", title="Estimate without price year or perspective",
       severity=W, category="evaluation", serves=SERVES, levels=("publish",),
       message="This estimate does not say {missing}.",
       fix="Add {f[priceYear]} (the year whose prices the values are in, for example \"2024-25\") "
           "and {f[perspective]} (whose costs and savings it counts, for example 'nhs' or "
           "'local-authority-social-care').",
       explanation="A figure in pounds can only be compared with another in real terms, from "
                   "the same point of view: £1,000 in 2016 prices is not £1,000 today, and a "
                   "saving to the NHS is not a saving to the council. Version 1.2 asks every "
                   "published estimate for its price year and perspective. It is a warning, "
                   "not an error: an estimate upgraded from 1.1 cannot have them until its "
                   "publisher adds them.",
       cell="priceYear")
def estimate_basis_missing(ctx: Context):
    for index, estimate in estimates(ctx):
        near = f"{ctx.pointer}/economicEstimates/{index}"
        missing = [f"{words} ({name_field(key, near)})" for key, words in (
            ("priceYear", "the year of its prices"),
            ("perspective", "whose costs and savings it counts")) if not text(estimate, key)]
        if missing:
            yield Finding(f"/economicEstimates/{index}", {"missing": " or ".join(missing)})


@check("estimate-range-excludes-value", title="Uncertainty range does not hold the value",
       severity=E, category="evaluation", serves=SERVES,
       message="The range of £{low} to £{high} does not contain the estimate's value of "
               "£{value}.",
       fix="Check the three figures: the low value must be no more than the value, and the "
           "high value no less.",
       explanation="The low and high values show how uncertain an estimate is, for example "
                   "from a sensitivity analysis. The estimate itself must lie between them.",
       cell="lowValueGBP")
def estimate_range_excludes_value(ctx: Context):
    for index, estimate in estimates(ctx):
        value = number(estimate, "valueGBP")
        low, high = number(estimate, "lowValueGBP"), number(estimate, "highValueGBP")
        if value is None or (low is None and high is None):
            continue
        if (low is not None and low > value) or (high is not None and high < value):
            yield Finding(f"/economicEstimates/{index}", {
                "low": "?" if low is None else f"{low:,.0f}",
                "high": "?" if high is None else f"{high:,.0f}", "value": f"{value:,.0f}"})


@check("wellby-without-life-satisfaction", title="WELLBY estimate without life satisfaction",
       severity=E, category="evaluation", serves=SERVES,
       message="This estimate is valued in WELLBYs but none of the outcomes it values has a "
               "life satisfaction indicator (ONS4 life satisfaction).",
       fix="List in {f[economicEstimates/outcomes]} the outcome whose indicator measures life "
           "satisfaction with the ONS4 question (score type 'ons4-life-satisfaction'), or "
           "choose another method.",
       explanation="A WELLBY is a one-point change in life satisfaction (0 to 10) for one "
                   "person for one year, as in the HM Treasury Green Book's wellbeing "
                   "guidance. A WELLBY value must rest on a measured change in life "
                   "satisfaction.",
       cell="outcomes")
def wellby_without_life_satisfaction(ctx: Context):
    measured = {code(outcome, "id") for _, outcome, indicator in indicators(ctx.data)
                if code(indicator, "scoreType") == LIFE_SATISFACTION}
    for index, estimate in estimates(ctx):
        valued = obj(estimate).get("outcomes")
        valued = set(valued) if isinstance(valued, list) and all(
            isinstance(v, str) for v in valued) else set()
        if code(estimate, "method") == "wellby" and not valued & measured:
            yield Finding(f"/economicEstimates/{index}")


@check("saving-below-zero", title="Saving or cost below zero", severity=E,
       category="evaluation", serves=SERVES,
       message="This {kind} is below zero ({value}).",
       fix="Give savings and costs as positive amounts. A saving below zero is an extra cost: "
           "record it as an estimate of type 'additional-cost' with a positive value, next to "
           "the savings.",
       explanation="Co-production may lower some costs and raise others. Showing extra costs "
                   "and savings apart, each as a positive amount, lets a reader see both "
                   "sides instead of a figure netted inside another.",
       cell="valueGBP")
def saving_below_zero(ctx: Context):
    for index, estimate in estimates(ctx):
        value = number(estimate, "valueGBP")
        kind = code(estimate, "type")
        if kind in POSITIVE and value is not None and value < 0:
            yield Finding(f"/economicEstimates/{index}",
                          {"kind": kind.replace("-", " "), "value": f"-£{-value:,.0f}"})


@check("savings-costs-different-period", title="Savings with no costs of the same period",
       severity=W, category="evaluation", serves=SERVES,
       message="This estimate values the work of {start} to {end}, but no cost is recorded "
               "for that period, so its savings can only be set against costs of another "
               "period.",
       fix="Give each cost its period, and record the costs of the period the estimate "
           "values; or correct the estimate's period.",
       explanation="Savings mean something only next to what it cost to make them. Set "
                   "against the costs of a different year, a saving can look far larger or "
                   "smaller than it is.",
       cell="period")
def savings_costs_different_period(ctx: Context):
    if not list(items(ctx.data, "costs")):
        return  # savings-without-costs says so
    spans = [s for _, c in items(ctx.data, "costs") if (s := period(c))]
    for index, estimate in estimates(ctx):
        span = period(estimate)
        if code(estimate, "type") in SAVINGS and span and not any(
                overlap(span, s) for s in spans):
            yield Finding(f"/economicEstimates/{index}",
                          {"start": span[0].isoformat(), "end": span[1].isoformat()})


@check("price-years-differ", title="Costs and estimates in different price years",
       severity=W, category="evaluation", serves=SERVES,
       message="This estimate is in {estimate} prices but the costs are in {costs} prices.",
       fix="Restate the costs or the estimate in the same year's prices (for example with HM "
           "Treasury's GDP deflators), or give the same price year to both.",
       explanation="Pounds of different years are worth different amounts. Set side by side, "
                   "costs and savings should be in the same year's prices.",
       cell="priceYear")
def price_years_differ(ctx: Context):
    years = sorted({text(c, "priceYear") for _, c in items(ctx.data, "costs")} - {""})
    if not years:
        return
    for index, estimate in estimates(ctx):
        own = text(estimate, "priceYear")
        if own and any(year != own for year in years):
            yield Finding(f"/economicEstimates/{index}",
                          {"estimate": own, "costs": " and ".join(years)})
