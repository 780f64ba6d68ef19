"""Evaluation, its support, costs and reporting (SCIE recommendations 1, 5, 7, 8 and the
three on co-produced evaluation; GRIPP2 short form). Checked when publishing."""

from __future__ import annotations

import re

from ..issues import Severity
from . import Context, Finding, check
from .data import code, items, obj, text
from .outcomes import ENDED, finished_from_1_2

E, W, A = Severity.ERROR, Severity.WARNING, Severity.ADVISORY
PUBLISH = ("publish",)


def _evaluation(ctx: Context) -> dict | None:
    evaluation = ctx.data.get("evaluation")
    if not isinstance(evaluation, dict) or evaluation.get("design") == "none":
        return None
    return evaluation


@check("evaluation-missing", title="No evaluation", severity=W, category="evaluation",
       serves="SCIE recommendation 1: evaluate the impact of co-production as standard",
       levels=PUBLISH,
       message="The project {state}.",
       fix="Add {f[evaluation]} with its design and who evaluated. If there was none, saying so "
           "(design 'none') is honest, but this warning stays until one is done and recorded.",
       explanation="SCIE recommends that the impact of co-production is evaluated as standard. "
                   "A project without an evaluation cannot show the difference it made. From "
                   "version 1.2, a finished project without one is the error "
                   "finished-without-evaluation instead.")
def evaluation_missing(ctx: Context):
    if _evaluation(ctx) is None and not finished_from_1_2(ctx):
        recorded = isinstance(ctx.data.get("evaluation"), dict)
        yield Finding("/evaluation", {"state": "says it was not evaluated" if recorded
                                      else "records no evaluation"})


@check("finished-without-evaluation", title="Finished project without an evaluation",
       severity=E, category="evaluation",
       serves="SCIE recommendations 1 and 2: evaluate the impact of co-production as standard",
       levels=PUBLISH,
       message="The project has {ended}, but it {state}.",
       fix="Add {f[evaluation]} with its design (for example pre-post, qualitative or "
           "mixed-methods) and who evaluated. A finished project must have been evaluated, "
           "even simply, before it is published.",
       explanation="From version 1.2, a project that has completed or ended early must record "
                   "an evaluation whose design is not 'none' (SCIE recommendations 1 and 2). "
                   "In 1.0 and 1.1, and for a project still running, the warning "
                   "evaluation-missing says this.")
def finished_without_evaluation(ctx: Context):
    if not finished_from_1_2(ctx):
        return
    evaluation = ctx.data.get("evaluation")
    if not isinstance(evaluation, dict):
        yield Finding("/evaluation", {"ended": ENDED[ctx.data["status"]],
                                      "state": "records no evaluation"})
    elif evaluation.get("design") == "none":
        yield Finding("/evaluation/design", {"ended": ENDED[ctx.data["status"]],
                                             "state": "says it was not evaluated"})


def _recorded(name: str, key: str, title: str, serves: str, fix: str, explanation: str):
    @check(name, title=title, severity=W, category="evaluation", serves=serves, levels=PUBLISH,
           message="The evaluation does not record {what}.", fix=fix, explanation=explanation)
    def run(ctx: Context):
        evaluation = _evaluation(ctx)
        if evaluation is not None and key not in evaluation:
            yield Finding(f"/evaluation/{key}", {"what": title[0].lower() + title[1:]
                                                 .removesuffix(" not recorded")})
    return run


_recorded("facilitation-not-recorded", "facilitation", "Facilitation not recorded",
          "SCIE recommendation 7: skilled facilitators lead co-production, including evaluation",
          "Add {f[evaluation/facilitation]}: whether a skilled facilitator led the process, and "
          "who.",
          "Skilled facilitators build relationships and communication between groups. Record "
          "whether one led the process, even if the answer is no.")
_recorded("leadership-support-not-recorded", "leadershipSupport",
          "Leadership support not recorded",
          "SCIE recommendation 8: managers and leaders support measuring impact",
          "Add {f[leadershipSupport]}: whether managers and leaders were involved and supported "
          "the evaluation.",
          "Managers' and leaders' involvement enables impact to be measured. Record whether "
          "they were involved.")
_recorded("access-needs-not-recorded", "accessNeeds", "Access needs not recorded",
          "SCIE on co-produced evaluation: address and manage access needs",
          "Add {f[accessNeeds]}: whether access needs were asked about and met, and how.",
          "Evaluations must be accessible to the people with lived experience who take part. "
          "Record whether access needs were addressed.")


@check("evaluation-support-not-recorded", title="Support for evaluators not recorded",
       severity=W, category="evaluation",
       serves="SCIE on co-produced evaluation: a safe space, training and aftercare",
       levels=PUBLISH,
       message="The evaluation does not record {missing}.",
       fix="In {f[evaluation/support]}, record whether there was training, a safe space and "
           "aftercare (true or false).",
       explanation="Co-produced evaluation needs a safe space that protects everyone, training "
                   "for all involved, and aftercare for anyone who finds it difficult.")
def evaluation_support_not_recorded(ctx: Context):
    evaluation = _evaluation(ctx)
    if evaluation is None:
        return
    support = obj(evaluation.get("support"))
    words = {"training": "training", "safeSpace": "a safe space", "aftercare": "aftercare"}
    missing = [word for key, word in words.items() if key not in support]
    if missing:
        yield Finding("/evaluation/support", {"missing": " or ".join(missing)})


REC5 = ("SCIE recommendation 5: resources for staffing, staff time, remuneration for lived "
        "experience and training")
NEEDED_COSTS = {"staff-time": "staff time", "training": "training",
                "lived-experience-remuneration": "payment for lived experience"}


@check("costs-missing", title="No costs", severity=W, category="evaluation", serves=REC5,
       levels=PUBLISH,
       message="The project records no costs.",
       fix="Add the costs: staff time, training and payments to people with lived experience "
           "at least, including what was given in kind.",
       explanation="SCIE found that almost no evaluation of co-production reports costs. "
                   "Without them, no one can judge value for money.")
def costs_missing(ctx: Context):
    if not list(items(ctx.data, "costs")):
        yield Finding("/costs")


@check("costs-incomplete", title="Costs leave out key categories", severity=W,
       category="evaluation", serves=REC5, levels=PUBLISH,
       message="The costs do not include {missing}.",
       fix="Add a cost for each; if something really cost nothing, record it with amount 0 so "
           "that readers know it was not forgotten.",
       explanation="The costs of co-production include staff time, training and payment for "
                   "people with lived experience. Each should appear, with 0 where it is "
                   "really nothing.",
       cell="category")
def costs_incomplete(ctx: Context):
    costs = list(items(ctx.data, "costs"))
    if not costs:
        return
    present = {code(c, "category") for _, c in costs}
    missing = [word for code, word in NEEDED_COSTS.items() if code not in present]
    if missing:
        yield Finding("/costs", {"missing": ", ".join(missing)})


GRIPP2 = {"aim": "the aim (item 1)", "methods": "the methods (item 2)",
          "results": "the results (item 3)", "influence": "the influence (item 4)",
          "criticalReflection": "the critical reflection (item 5)"}


@check("reporting-incomplete", title="GRIPP2 short form incomplete", severity=W,
       category="evaluation", serves="GRIPP2 short form for reporting involvement",
       levels=PUBLISH,
       message="The GRIPP2 report of involvement leaves out {missing}.",
       fix="Fill in every item of {f[reporting]}: aim, methods, results, influence and critical "
           "reflection.",
       explanation="The GRIPP2 short form asks for five items. Each helps a reader judge how "
                   "people were involved and what difference it made.")
def reporting_incomplete(ctx: Context):
    reporting = obj(ctx.data.get("reporting"))
    missing = [label for key, label in GRIPP2.items() if not text(reporting, key)]
    if missing:
        yield Finding("/reporting", {"missing": ", ".join(missing)})


NEGATIVE = re.compile(r"\b(not|none|no (?:change|difference|improvement|effect)|less than|fewer|"
                      r"worse|negative|disappoint\w*|difficult\w*|challeng\w*|fail\w*|but|"
                      r"however|unfortunately|did ?n[o']t|could ?n[o']t|only|struggl\w*|"
                      r"problem\w*|lost|los(?:e|ing))\b", re.I)


@check("negative-results-not-reported", title="Only positive results reported", severity=A,
       category="evaluation", serves="GRIPP2 short form item 3: positive and negative results",
       levels=PUBLISH,
       message="The results of involvement read as wholly positive.",
       fix="Say what did not work or disappointed, or say plainly that nothing did.",
       explanation="GRIPP2 asks for results both positive and negative. Honest reporting of "
                   "what did not work is part of a trustworthy evaluation.")
def negative_results_not_reported(ctx: Context):
    results = text(obj(ctx.data.get("reporting")), "results")
    if results and not NEGATIVE.search(results):
        yield Finding("/reporting/results")
