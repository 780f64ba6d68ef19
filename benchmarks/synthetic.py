"""A synthetic dataset of a given number of table rows, for benchmarks (no real data)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

BASE = json.loads((Path(__file__).resolve().parent.parent / "examples" /
                   "minimal.json").read_text())


def project(n: int) -> dict:
    p = copy.deepcopy(BASE["projects"][0])
    p["id"] = f"GB-CHC-9990001-p{n}"
    p["participantGroups"] = [
        {"id": f"g{k}", "role": role, "count": 10 + 5 * k, "livedExperience": k < 2,
         "decisionRights": "shared", "description": "A group of people taking part."}
        for k, role in enumerate(["person-drawing-on-care", "unpaid-carer", "frontline-staff"])]
    p["outcomes"] = [{
        "id": f"o{k}", "title": "People feel less lonely", "resultLevel": "outcome",
        "domain": "social-connection", "direction": "positive", "forRoles": ["unpaid-carer"],
        "chosenBy": {"livedExperienceInvolved": True, "method": "co-selected"},
        "indicators": [{
            "id": f"o{k}-i", "title": "Loneliness (UCLA-3)", "instrument": "ucla-3",
            "scoreType": "ucla3-total", "unit": "points", "higherIsBetter": False,
            "reports": [
                {"id": f"o{k}-r{t}", "timepoint": tp,
                 "period": {"startDate": "2025-09-01", "endDate": "2025-10-31"},
                 "n": 40, "nExcluded": 5, "mean": 6.2 - t * 0.5, "sd": 1.4}
                for t, tp in enumerate(["baseline", "end"])]}]}
        for k in range(2)]
    return p


ROWS_PER_PROJECT = 1 + 3 + 2 + 2 + 4  # project, groups, outcomes, indicators, reports


def dataset(rows: int) -> dict:
    data = copy.deepcopy(BASE)
    data["projects"] = [project(n) for n in range(max(rows // ROWS_PER_PROJECT, 1))]
    return data


# Costs: staff time, training and payments to people with lived experience.
VALID_ROWS_PER_PROJECT = ROWS_PER_PROJECT + 3


def valid_project(n: int) -> dict:
    """project(n), completed so that ``coprod validate --level publish`` finds nothing to
    say about it: no errors, warnings or advisories (practices coded, payment stated,
    demographics said to be not asked, small numbers rounded, an evaluation, costs and a
    GRIPP2 report). project(n) itself stays as it was: recorded results depend on it."""
    p = project(n)
    principles = p["principles"]
    for principle, practices in (("equality", ["shared-decision-making", "agreed-ways-of-working"]),
                                 ("diversity", ["targeted-outreach", "carers-included"]),
                                 ("accessibility", ["accessible-venue", "plain-english"]),
                                 ("reciprocity", ["paid-at-hourly-rate", "expenses-paid"])):
        principles[principle]["practices"] = practices
    principles["reciprocity"]["remuneration"] = {
        "paid": True, "hourlyRateGBP": 15, "expensesPaid": True, "benefitsAdviceOffered": True}
    for group in p["participantGroups"]:
        group["demographics"] = {"ethnicity": {"askedStatus": "not-asked"}}
    for outcome in p["outcomes"]:
        for indicator in outcome["indicators"]:
            for report in indicator["reports"]:
                report["nExcluded"] = 10  # 5 is a small number that must be suppressed
    p["evaluation"] = {
        "design": "pre-post", "evaluator": "co-produced",
        "description": "People who took part and staff compared questionnaires at the start "
                       "and at the end.",
        "livedExperienceRoles": ["choose-measures", "analyse"],
        "facilitation": {"skilledFacilitator": True, "facilitatorType": "in-house"},
        "leadershipSupport": {"involved": True},
        "support": {"training": True, "safeSpace": True, "aftercare": True},
        "accessNeeds": {"addressed": True}}
    period = {"startDate": "2025-09-01", "endDate": "2025-10-31"}
    p["costs"] = [
        {"id": f"c-{category}", "category": category, "amountGBP": amount, "inKind": False,
         "period": dict(period)}
        for category, amount in (("staff-time", 12000), ("training", 600),
                                 ("lived-experience-remuneration", 1800))]
    p["reporting"] = {
        "aim": "To make home care better, with the people who use it.",
        "methods": "A monthly group of people who draw on care, carers and staff.",
        "results": "People felt less lonely at the end than at the start, but fewer carers "
                   "came than we hoped.",
        "influence": "The group changed how visits are arranged.",
        "criticalReflection": "Carers found it hard to come to daytime meetings."}
    return p


def valid_dataset(rows: int) -> dict:
    """About ROWS table rows (VALID_ROWS_PER_PROJECT a project, plus the dataset's own row),
    valid at the publish level with nothing to report."""
    data = copy.deepcopy(BASE)
    data["projects"] = [valid_project(n)
                        for n in range(max(rows // VALID_ROWS_PER_PROJECT, 1))]
    return data
