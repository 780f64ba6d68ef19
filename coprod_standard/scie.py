"""SCIE's recommendations (SCIE 2022, 'Co-production in adult social care: the impact and
evaluation') and what in the standard serves each: the fields that carry it and the checks
that ask for it. The docs page ``reference/scie-recommendations.md`` is generated from this
table, and a test fails if a field or check named here does not exist, so the page cannot
promise what the standard does not have."""

from __future__ import annotations

from dataclasses import dataclass

SEED = "seeds/000_1fbfc06defd29a71.txt"  # the review's own text, by line
VERSION = "1.2"  # the version whose fields are named


@dataclass(frozen=True)
class Recommendation:
    key: str  # R1..R8 for the review's recommendations, E1..E3 for co-produced evaluation
    title: str  # a few words
    text: str  # SCIE's own words, shortened only where marked
    line: int  # its line in the seed
    fields: tuple[str, ...]  # dotted field paths of VERSION
    checks: tuple[str, ...]  # check codes
    gap: str = ""  # what the standard still cannot carry, said plainly


_P = "projects[]."
_R = _P + "outcomes[].indicators[].reports[]."

RECOMMENDATIONS = (
    Recommendation(
        "R1", "Evaluate as standard, with under-represented people",
        "Evaluation of the impact of co-production in adult social care should be "
        "undertaken as standard for relevant projects and programmes of work, including "
        "focusing on people who are underrepresented in the current evidence base, for "
        "example people from Black, Asian and minority ethnic communities and unpaid "
        "carers.", 19,
        (_P + "evaluation", _P + "evaluation.sampleDemographics", _P + "programme",
         _P + "participantGroups[].role", _P + "participantGroups[].demographics",
         _P + "participantGroups[].isUnderserved", _P + "participantGroups[].seldomHeardGroups",
         _R + "population", _R + "groupsMeasured", _R + "composition", _R + "subgroup"),
        ("evaluation-missing", "finished-without-evaluation", "unpaid-carers-missing",
         "ethnicity-not-reported", "ethnicity-mostly-not-stated", "ethnicity-all-white",
         "diversity-demographics-missing", "people-drawing-on-care-missing",
         "seldom-heard-not-named", "seldom-heard-contradiction", "population-missing",
         "composition-missing")),
    Recommendation(
        "R2", "Outcomes and impact, not process",
        "Evaluations of co-production in social care should be refocused onto "
        "assessing outcomes and impact and move away from the co-production process and "
        "output.", 20,
        (_P + "outcomes", _P + "outcomes[].resultLevel", _P + "outcomes[].domain",
         _P + "outcomes[].indicators[].reports", _R + "population", _R + "change",
         _R + "monthsSinceBaseline", _R + "comparisonGroup", _R + "adjustedEffect",
         _R + "comparator", _P + "interventionTypes", _P + "settings", _P + "clientGroups"),
        ("outcomes-missing", "outcome-results-missing", "finished-without-outcome-result",
         "mostly-outputs", "months-since-baseline-missing", "comparison-group-too-thin",
         "project-not-classified")),
    Recommendation(
        "R3", "A universal understanding of co-production",
        "A more universal understanding of co-production should be developed.", 21,
        (_P + "coproductionDefinition", _P + "participationLevel", _P + "principles",
         _P + "stages", _P + "participantGroups[].decisionRights"),
        ("principle-evidence-thin", "principle-practice-missing",
         "coproduction-claimed-below-co-design", "ladder-power-not-shared")),
    Recommendation(
        "R4", "Consistency in co-production",
        "There should be greater consistency in co-production in social care.", 22,
        (_P + "principles", _P + "participationLevel", _P + "activities[].participationLevel",
         _P + "activities[].whatChanged", _P + "outcomes[].indicators[].instrument",
         _R + "administration", _P + "relatedProjects"),
        ("ladder-change-not-shown", "activity-above-project-level", "coercion-level",
         "threshold-differs-from-registry", "instrument-version-unknown"),
        gap="The standard makes the reporting of co-production consistent; no field holds "
            "the participants' own rating of how well it was done."),
    Recommendation(
        "R5", "Resources for evaluation",
        "There should be greater investment in resources for the evaluation of "
        "co-production, including resources for staffing, staff time, remuneration for "
        "people with lived experience and the provision of training.", 23,
        (_P + "costs", _P + "costs[].category", _P + "costs[].purpose", _P + "costs[].hours",
         _P + "costs[].funder", _P + "costs[].priceYear", _P + "funders",
         _P + "principles.reciprocity.remuneration"),
        ("costs-missing", "costs-incomplete", "reciprocity-payment-missing")),
    Recommendation(
        "R6", "Lived experience chooses the measures",
        "People with lived experience should be involved in identifying the outcome "
        "measures to be considered in co-production evaluations.", 24,
        (_P + "outcomes[].chosenBy", _P + "evaluation.livedExperienceRoles"),
        ("measures-not-chosen-with-lived-experience", "chosen-by-contradiction")),
    Recommendation(
        "R7", "Skilled facilitators",
        "Skilled facilitators should be used to lead the co-production process "
        "(including evaluation) and build relationships and support communication between "
        "different groups of stakeholders.", 25,
        (_P + "evaluation.facilitation",),
        ("facilitation-not-recorded",),
        gap="Facilitation is recorded for the evaluation only, not for the whole process."),
    Recommendation(
        "R8", "Managers and leaders support measuring impact",
        "Managers and leadership should be involved and provide support to enable the "
        "impact of co-production to be measured.", 26,
        (_P + "evaluation.leadershipSupport",),
        ("leadership-support-not-recorded",)),
    Recommendation(
        "E1", "Flexibility in evaluation",
        "There should be greater flexibility in the evaluation process, recognising "
        "that at times, things can change at the last minute, and it is important to make "
        "changes to accommodate people.", 30,
        (_P + "evaluation.flexibility",), ()),
    Recommendation(
        "E2", "Access needs addressed",
        "Access needs should be properly addressed and managed to ensure evaluations "
        "are accessible.", 31,
        (_P + "evaluation.accessNeeds", _P + "principles.accessibility"),
        ("access-needs-not-recorded",)),
    Recommendation(
        "E3", "A safe space, training and aftercare",
        "Evaluations should be conducted in a safe space that protects and provides "
        "training to everyone involved and provides appropriate training for people "
        "involved in co-production evaluation.", 32,
        (_P + "evaluation.support",),
        ("evaluation-support-not-recorded",)),
)
