"""Economic evaluation (versions 1.1 and later): savings set against costs, honestly adjusted, with
values that may be shared. From SCIE's guide on the economics of co-production."""

from __future__ import annotations

import re

from ..issues import Severity
from . import Context, Finding, check
from .data import code, items, number, strings, text
from .economics_compare import comparable, costs_within, period

E, W, A = Severity.ERROR, Severity.WARNING, Severity.ADVISORY
SERVES = ("SCIE, 'Co-production in social care: what it is and how to do it', economics of "
          "co-production: costs set against benefits")
SAVINGS = ("cashable-saving", "cost-avoidance")
RESTRICTED = re.compile(r"\bNC\b|NC-ND|non-?commercial|no derivatives", re.I)


def _estimates(ctx: Context):
    return list(items(ctx.data, "economicEstimates"))


@check("savings-without-costs", title="Savings shown without costs", severity=E,
       category="evaluation", serves=SERVES,
       message="The project gives economic estimates but no costs to set them against.",
       fix="Add the project's costs (staff time, training, payments to people with lived "
           "experience and the rest): savings are never shown without what they cost.",
       explanation="An estimate of savings or value means little without the costs of "
                   "getting it. SCIE found most evaluations ignored costs; this standard asks "
                   "for both together.")
def savings_without_costs(ctx: Context):
    if _estimates(ctx) and not list(items(ctx.data, "costs")):
        yield Finding("/economicEstimates")


@check("estimate-not-adjusted", title="No deadweight or attribution", severity=W,
       category="evaluation", serves=SERVES,
       message="This estimate takes nothing off for deadweight or attribution (both 0%).",
       fix="Estimate how much would have happened anyway (deadweight) and how much is due "
           "to others (attribution), and take it off; say where the figures come from.",
       explanation="Almost every change would partly have happened anyway, or is partly due "
                   "to others. An estimate with neither taken off claims too much.",
       cell="deadweight")
def estimate_not_adjusted(ctx: Context):
    for index, estimate in _estimates(ctx):
        if number(estimate, "deadweight") == 0 and number(estimate, "attribution") == 0:
            yield Finding(f"/economicEstimates/{index}")


@check("savings-exceed-costs", title="Savings far above costs, unexplained", severity=W,
       category="evaluation", serves=SERVES,
       message="Savings of £{savings} are more than ten times {against} of £{costs}, and the "
               "estimate does not explain why.",
       fix="Check the model, and explain in the estimate's description why the savings are "
           "so large (for example, what service the savings come from).",
       explanation="Savings many times larger than what a project cost are possible but "
                   "unusual; the reasoning should be on the record. From version 1.2 an "
                   "estimate that gives the period of the work it values is set against the "
                   "costs of that period only (a cost spanning more counts for the days it "
                   "shares); an estimate without a period is set against all the costs.",
       cell="valueGBP")
def savings_exceed_costs(ctx: Context):
    estimates = [(i, e) for i, e in _estimates(ctx) if code(e, "type") in SAVINGS]
    groups: dict = {}
    for index, estimate in estimates:
        span = period(estimate) if comparable(ctx) else None
        groups.setdefault(span, []).append((index, estimate))
    for span, group in groups.items():
        if span is None:
            costs = sum(number(c, "amountGBP") or 0 for _, c in items(ctx.data, "costs"))
            against = "the project's costs"
        else:
            costs = costs_within(ctx, span)
            against = f"the costs of the same period ({span[0]} to {span[1]})"
        savings = sum(number(e, "valueGBP") or 0 for _, e in group)
        if costs > 0 and savings > 10 * costs:
            for index, estimate in group:
                if not text(estimate, "description"):
                    yield Finding(f"/economicEstimates/{index}", {
                        "savings": f"{savings:,.0f}", "costs": f"{costs:,.0f}",
                        "against": against})


@check("values-licence-restricts-sharing", title="Values under a restrictive licence",
       severity=W, category="evaluation",
       serves="Licensing: value banks such as HACT's and the National TOMs are CC BY-NC-ND",
       message="The values come from a source whose licence forbids sharing derived values "
               "({licence}).",
       fix="Publish the result and cite the source, but do not publish the unit values "
           "themselves; check the licence's terms for your organisation.",
       explanation="The HACT Social Value Bank and the National TOMs are licensed CC BY-NC-ND: "
                   "their values may not be redistributed or adapted. Say so, and publish "
                   "only your results.",
       cell="valuesLicence")
def values_licence_restricts_sharing(ctx: Context):
    for index, estimate in _estimates(ctx):
        licence = text(estimate, "valuesLicence")
        if RESTRICTED.search(licence) or code(estimate, "method") == "hact-social-value-bank":
            yield Finding(f"/economicEstimates/{index}", {"licence": licence or "HACT"})


@check("unknown-outcome-reference", title="Reference to an outcome that does not exist",
       severity=E, category="integrity", serves="Referential integrity",
       message="'{ident}' is not the identifier of any outcome in this project.",
       fix="Use the {f[outcomes/id]} of one of the project's outcomes.",
       explanation="Economic estimates and impact risks refer to outcomes by identifier; "
                   "each must exist in the same project.")
def unknown_outcome_reference(ctx: Context):
    outcomes = {code(o, "id") for _, o in items(ctx.data, "outcomes")}
    for key in ("economicEstimates", "impactRisks"):
        for index, item in items(ctx.data, key):
            for position, ident in enumerate(strings(item, "outcomes")):
                if ident not in outcomes:
                    yield Finding(f"/{key}/{index}/outcomes/{position}", {"ident": ident})


@check("impact-risks-missing", title="No impact risks recorded", severity=A,
       category="outcomes",
       serves="Impact Management Project: the risk dimension of impact",
       message="The project records outcomes but no impact risks.",
       fix="Add {f[impactRisks]}: at least the risk that the people affected were not involved "
           "enough (stakeholder-participation), with its likelihood and what was done.",
       explanation="Impact has five dimensions; the fifth is the risk that it is different "
                   "from expected. From version 1.1 a project can record its impact risks.")
def impact_risks_missing(ctx: Context):
    if ("projects", "*", "impactRisks") not in _fields(ctx.version):
        return  # version 1.0 has no impact risks
    if list(items(ctx.data, "outcomes")) and not list(items(ctx.data, "impactRisks")):
        yield Finding("/impactRisks")


def _fields(version: str):
    from ..fields import fields

    return fields(version)
