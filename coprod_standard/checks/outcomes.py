"""Outcomes, not only outputs (SCIE recommendation 2), chosen with lived experience (6)."""

from __future__ import annotations

from ..issues import Severity
from ..schemas import base_version
from . import Context, Finding, check
from .data import code, indicators, items, obj, text

W, E = Severity.WARNING, Severity.ERROR
REC2 = "SCIE recommendation 2: assess outcomes and impact, not only process and outputs"
REC6 = "SCIE recommendation 6: people with lived experience help identify the outcome measures"
FINISHED = ("completed", "ended-early")
ENDED = {"completed": "been completed", "ended-early": "ended early"}
CHOOSING = {"co-selected", "led-by-lived-experience", "voted"}  # from 1.2: not 'consulted'
FIGURES = ("value", "mean", "median", "proportionImproved", "change")


def outcomes_first(ctx: Context) -> bool:
    """From version 1.2 (SCIE recommendation 2), a finished project without an outcome-level
    result or an evaluation is an error, reported by the checks below instead of warnings."""
    major, minor = (int(part) for part in base_version(ctx.version).split(".")[:2])
    return (major, minor) >= (1, 2)


def finished_from_1_2(ctx: Context) -> bool:
    """A finished 1.2 project checked at publish level: the errors below speak for it."""
    return (ctx.data.get("status") in FINISHED and ctx.settings.level == "publish"
            and outcomes_first(ctx))


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
    if finished_from_1_2(ctx):
        return  # finished-without-outcome-result says so, as an error
    if not _changes(ctx.data):
        yield Finding("/outcomes")


@check("outcome-results-missing", title="Finished project without outcome results",
       severity=W, category="outcomes", serves=REC2, levels=("publish",),
       message="The project has finished, but none of its outcomes or impacts has a result.",
       fix="Add the results: indicator reports with the numbers, or qualitative evidence "
           "saying what people found.",
       explanation="Once a project has completed or ended early, at least one outcome or "
                   "impact should have a result: an indicator report that is not withheld, or "
                   "qualitative evidence. Versions 1.0 and 1.1 only; from 1.2 this is the "
                   "error finished-without-outcome-result.",
       cell="qualitativeEvidence")
def outcome_results_missing(ctx: Context):
    if ctx.data.get("status") not in FINISHED or outcomes_first(ctx):
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


def _has_result(outcome: dict) -> bool:
    """Qualitative evidence, or a report after baseline that gives a figure, not withheld."""
    if text(outcome, "qualitativeEvidence"):
        return True
    return any(r.get("suppressed") is not True and r.get("timepoint") != "baseline"
               and any(r.get(key) is not None for key in FIGURES)
               for _, indicator in items(outcome, "indicators")
               for _, r in items(indicator, "reports"))


@check("finished-without-outcome-result", title="Finished project without an outcome-level "
       "result", severity=E, category="outcomes", serves=REC2, levels=("publish",),
       message="The project has {ended}, but no outcome or impact (result level 'outcome' or "
               "'impact', not 'output') has a result: a figure after baseline that is not "
               "withheld, or qualitative evidence.",
       fix="Add a result to at least one outcome or impact: an indicator report at an "
           "interim, end or follow-up timepoint with its figures (a value, mean, median, "
           "proportion improved or change), or qualitative evidence saying what people "
           "found. If the figures had to be withheld because too few people answered, say "
           "what was found in words.",
       explanation="From version 1.2, outcomes come first (SCIE recommendation 2): a project "
                   "that has completed or ended early must give an outcome-level result. That "
                   "is an outcome or impact (not an output) with either qualitative evidence "
                   "or an indicator report after baseline that gives a figure (a value, mean, "
                   "median, proportion improved or change) and is not withheld. In 1.0 and "
                   "1.1 the warnings outcomes-missing and outcome-results-missing say this.",
       cell="qualitativeEvidence")
def finished_without_outcome_result(ctx: Context):
    if finished_from_1_2(ctx) and not any(_has_result(o) for _, o in _changes(ctx.data)):
        yield Finding("/outcomes", {"ended": ENDED[ctx.data["status"]]})


@check("mostly-outputs", title="Mostly outputs", severity=W, category="outcomes",
       serves=REC2,
       message="{outputs} of the project's {total} indicators measure outputs rather than "
               "changes for people.",
       fix="Measure what changed for people as well as what was produced: add outcome- or "
           "impact-level indicators.",
       explanation="When more than half of the indicators sit under output-level results, "
                   "the evaluation is still mostly about process and products.",
       cell="resultLevel")
def mostly_outputs(ctx: Context):
    levels = [outcome.get("resultLevel") for _, outcome, _ in indicators(ctx.data)]
    outputs = levels.count("output")
    if levels and outputs * 2 > len(levels):
        yield Finding("/outcomes", {"outputs": outputs, "total": len(levels)})


@check("measures-not-chosen-with-lived-experience", title="Measures chosen without lived "
       "experience", severity=W, category="outcomes", serves=REC6,
       message="None of the project's outcomes was chosen with people with lived experience.",
       fix="Involve people with lived experience in choosing what to measure, and record how in "
           "{f[chosenBy]}.",
       explanation="SCIE recommends that people with lived experience help identify the "
                   "outcomes and measures. At least one outcome should record that they did. "
                   "From version 1.2 being consulted does not count: the method must be "
                   "'co-selected', 'led-by-lived-experience' or 'voted'.",
       cell="chosenBy")
def measures_not_chosen_with_lived_experience(ctx: Context):
    outcomes = list(items(ctx.data, "outcomes"))

    def chose(outcome: dict) -> bool:
        chosen = obj(outcome.get("chosenBy"))
        return chosen.get("livedExperienceInvolved") is True and (
            not outcomes_first(ctx) or code(chosen, "method") in CHOOSING)

    if outcomes and not any(chose(o) for _, o in outcomes):
        yield Finding("/outcomes")


@check("chosen-by-contradiction", title="How an outcome was chosen contradicts itself",
       severity=E, category="integrity", serves=REC6,
       message="The outcome says lived experience was {said} in choosing it, but the method is "
               "'{method}'.",
       fix="Make {f[chosenBy/livedExperienceInvolved]} and {f[chosenBy/method]} agree. From "
           "version 1.2, being consulted while professionals chose is not choosing: "
           "'consulted' goes with false.",
       explanation="'livedExperienceInvolved' and the method must tell the same story: a "
                   "method of 'not-involved' cannot go with true, and 'co-selected', "
                   "'led-by-lived-experience' or 'voted' cannot go with false. From version "
                   "1.2, 'consulted' cannot go with true either.",
       cell="livedExperienceInvolved")
def chosen_by_contradiction(ctx: Context):
    not_choosing = {"not-involved", "consulted"} if outcomes_first(ctx) else {"not-involved"}
    for index, outcome in items(ctx.data, "outcomes"):
        chosen = obj(outcome.get("chosenBy"))
        involved, method = chosen.get("livedExperienceInvolved"), code(chosen, "method")
        if (involved is True and method in not_choosing) or (
                involved is False and method in CHOOSING):
            yield Finding(f"/outcomes/{index}/chosenBy",
                          {"said": "involved" if involved else "not involved",
                           "method": method})
