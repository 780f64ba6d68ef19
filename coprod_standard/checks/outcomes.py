"""Outcomes, not only outputs (SCIE recommendation 2), chosen with lived experience (6)."""

from __future__ import annotations

from ..issues import Severity
from . import Context, Finding, check
from .data import code, indicators, items, obj, text

W, E = Severity.WARNING, Severity.ERROR
REC2 = "SCIE recommendation 2: assess outcomes and impact, not only process and outputs"
REC6 = "SCIE recommendation 6: people with lived experience help identify the outcome measures"
FINISHED = ("completed", "ended-early")


def _changes(project: dict) -> list[tuple[int, dict]]:
    return [(i, o) for i, o in items(project, "outcomes")
            if o.get("resultLevel") in ("outcome", "impact")]


@check("outcomes-missing", title="No outcome or impact", severity=W, category="outcomes",
       serves=REC2,
       message="The project records no outcome or impact: nothing says what changed for people.",
       fix="Add at least one outcome with result level 'outcome' or 'impact', saying what "
           "change the project aimed for and how it was (or will be) measured.",
       explanation="Evaluations of co-production too often describe the process and its "
                   "outputs. Every project should name at least one change for people (an "
                   "outcome) or a wider, lasting change (an impact).")
def outcomes_missing(ctx: Context):
    if not _changes(ctx.data):
        yield Finding("/outcomes")


@check("outcome-results-missing", title="Finished project without outcome results",
       severity=W, category="outcomes", serves=REC2, levels=("publish",),
       message="The project has finished, but none of its outcomes or impacts has a result.",
       fix="Add the results: indicator reports with the numbers, or qualitative evidence "
           "saying what people found.",
       explanation="Once a project has completed or ended early, at least one outcome or "
                   "impact should have a result: an indicator report that is not withheld, or "
                   "qualitative evidence.")
def outcome_results_missing(ctx: Context):
    if ctx.data.get("status") not in FINISHED:
        return
    changes = _changes(ctx.data)
    if not changes:
        return  # outcomes-missing already says so
    for _, outcome in changes:
        if text(outcome, "qualitativeEvidence"):
            return
        for _, indicator in items(outcome, "indicators"):
            if any(r.get("suppressed") is not True for _, r in items(indicator, "reports")):
                return
    yield Finding("/outcomes")


@check("mostly-outputs", title="Mostly outputs", severity=W, category="outcomes",
       serves=REC2,
       message="{outputs} of the project's {total} indicators measure outputs rather than "
               "changes for people.",
       fix="Measure what changed for people as well as what was produced: add outcome- or "
           "impact-level indicators.",
       explanation="When more than half of the indicators sit under output-level results, "
                   "the evaluation is still mostly about process and products.")
def mostly_outputs(ctx: Context):
    levels = [outcome.get("resultLevel") for _, outcome, _ in indicators(ctx.data)]
    outputs = levels.count("output")
    if levels and outputs * 2 > len(levels):
        yield Finding("/outcomes", {"outputs": outputs, "total": len(levels)})


@check("measures-not-chosen-with-lived-experience", title="Measures chosen without lived "
       "experience", severity=W, category="outcomes", serves=REC6,
       message="None of the project's outcomes was chosen with people with lived experience.",
       fix="Involve people with lived experience in choosing what to measure, and record how in "
           "'chosenBy'.",
       explanation="SCIE recommends that people with lived experience help identify the "
                   "outcomes and measures. At least one outcome should record that they did.")
def measures_not_chosen_with_lived_experience(ctx: Context):
    outcomes = list(items(ctx.data, "outcomes"))
    if outcomes and not any(obj(o.get("chosenBy")).get("livedExperienceInvolved") is True
                            for _, o in outcomes):
        yield Finding("/outcomes")


@check("chosen-by-contradiction", title="How an outcome was chosen contradicts itself",
       severity=E, category="integrity", serves=REC6,
       message="The outcome says lived experience was {said} in choosing it, but the method is "
               "'{method}'.",
       fix="Make 'livedExperienceInvolved' and 'method' agree.",
       explanation="'livedExperienceInvolved' and the method must tell the same story: a "
                   "method of 'not-involved' cannot go with true, and 'co-selected', "
                   "'led-by-lived-experience' or 'voted' cannot go with false.")
def chosen_by_contradiction(ctx: Context):
    involving = {"co-selected", "led-by-lived-experience", "voted"}
    for index, outcome in items(ctx.data, "outcomes"):
        chosen = obj(outcome.get("chosenBy"))
        involved, method = chosen.get("livedExperienceInvolved"), code(chosen, "method")
        if (involved is True and method == "not-involved") or (
                involved is False and method in involving):
            yield Finding(f"/outcomes/{index}/chosenBy",
                          {"said": "involved" if involved else "not involved",
                           "method": method})
