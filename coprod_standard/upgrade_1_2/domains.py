"""Outcomes in 1.2: a domain names what changed, never for whom (SCIE 2022 review, section
3), and being consulted no longer counts as choosing the measures (SCIE recommendation 6).

Every 1.1 outcome domain has a 1.2 code. Two 1.1 codes were split: ``health-wellbeing``
(now mental wellbeing, mental health symptoms, physical health, or general) and
``carer-wellbeing`` (a population, not a construct). For those the instruments decide when
they agree on one construct; otherwise the code's own 1.1 meaning does. A 1.1 code that
named a population (carers, staff, a wider community) gives that population to the
outcome's reports that have none, but only when the outcome's roles say the same.
"""

from __future__ import annotations

from typing import Any

from ..upgrade import Change, pointer

# 1.1 code -> its 1.2 code (for a split code: when the instruments do not decide)
DOMAINS = {
    "self-confidence-esteem-empowerment": "self-confidence-esteem-empowerment",
    "health-wellbeing": "health-wellbeing",
    "engagement-trust": "engagement-trust",
    "service-satisfaction-awareness": "service-satisfaction-awareness",
    "staff-job-satisfaction-practice": "job-satisfaction-practice",
    "staff-trust-engagement": "engagement-trust",
    "org-service-uptake": "service-uptake",
    "org-hospital-admissions": "hospital-admissions",
    "org-non-attendance": "non-attendance",
    "community-awareness": "knowledge-awareness",
    "social-connection": "social-connection",
    "independence": "independence-quality-of-life",
    "carer-wellbeing": "independence-quality-of-life",  # 1.1: "Carers' quality of life"
    "other": "other",
}
SPLIT = {"health-wellbeing", "carer-wellbeing"}
WHY = {"independence": "it now also holds quality of life",
       "carer-wellbeing": "1.1 defined it as carers' quality of life, and who was measured "
                          "is now each report's population"}
NAMED_WHO = "1.2 domains name what changed, not for whom: that is each report's population"
# what each registered 1.1 instrument measures, in 1.2 domains
MEASURES = {
    "wemwbs": "mental-wellbeing", "swemwbs": "mental-wellbeing", "ons4": "mental-wellbeing",
    "phq-9": "mental-health-symptoms", "gad-7": "mental-health-symptoms",
    "ascot-sct4": "independence-quality-of-life", "ascot-carer": "independence-quality-of-life",
    "pam": "knowledge-self-management", "ucla-3": "social-connection",
}
STAFF = {"frontline-staff", "manager", "commissioner", "provider"}
# 1.1 code -> (the population it named, the roles an outcome must be limited to)
POPULATIONS = {
    "carer-wellbeing": ("unpaid-carers", {"unpaid-carer"}),
    "staff-job-satisfaction-practice": ("staff", STAFF),
    "staff-trust-engagement": ("staff", STAFF),
    "community-awareness": ("wider-community", {"community-member"}),
}
CHOOSING = {"co-selected", "led-by-lived-experience", "voted"}


def _dicts(value: Any, key: str):
    found = value.get(key) if isinstance(value, dict) else None
    for index, item in enumerate(found if isinstance(found, list) else []):
        if isinstance(item, dict):
            yield index, item


def _domain(outcome: dict, old: str) -> tuple[str, str]:
    """The 1.2 domain of an outcome whose 1.1 domain is OLD, and why."""
    if old in SPLIT:
        instruments = [i.get("instrument") for _, i in _dicts(outcome, "indicators")]
        measured = {MEASURES.get(i) for i in instruments}
        if instruments and len(measured) == 1 and None not in measured:
            names = ", ".join(sorted(set(instruments)))
            return measured.pop(), f"the instrument ({names}) measures it"
    return DOMAINS[old], WHY.get(old, NAMED_WHO)


def _populations(base: tuple, outcome: dict, old: str) -> list[Change]:
    """Set the population a 1.1 domain named on the reports that have none."""
    if old not in POPULATIONS:
        return []
    population, roles = POPULATIONS[old]
    said = outcome.get("forRoles")
    if not isinstance(said, list) or not said or not set(said) <= roles:
        return []  # the outcome's roles do not say the same: left for the publisher
    changes = []
    for i, indicator in _dicts(outcome, "indicators"):
        for r, report in _dicts(indicator, "reports"):
            subgroup = report.get("subgroup")
            other_role = (isinstance(subgroup, dict) and subgroup.get("dimension")
                          == "participant-role" and subgroup.get("code") not in roles)
            if "population" in report or other_role:
                continue
            report["population"] = population
            changes.append(Change("changed", pointer(*base, "indicators", i, "reports", r,
                                                     "population"),
                                  f"population set to '{population}': 1.1's outcome domain "
                                  f"'{old}' was for them only"))
    return changes


def _chosen(base: tuple, outcome: dict) -> list[Change]:
    chosen = outcome.get("chosenBy")
    if (isinstance(chosen, dict) and chosen.get("method") == "consulted"
            and chosen.get("livedExperienceInvolved") is True):
        chosen["livedExperienceInvolved"] = False
        return [Change("changed", pointer(*base, "chosenBy", "livedExperienceInvolved"),
                       "now false: from 1.2, being consulted while professionals chose is "
                       "not people with lived experience choosing the measures")]
    return []


def outcomes(data: dict[str, Any]) -> list[Change]:
    """Every outcome's domain in 1.2 codes, the population its 1.1 domain named, and
    'consulted' no longer counted as choosing."""
    changes: list[Change] = []
    for p, project in _dicts(data, "projects"):
        for o, outcome in _dicts(project, "outcomes"):
            base = ("projects", p, "outcomes", o)
            old = outcome.get("domain")
            if isinstance(old, str) and old in DOMAINS:
                new, why = _domain(outcome, old)
                if new != old:
                    outcome["domain"] = new
                    changes.append(Change("changed", pointer(*base, "domain"),
                                          f"outcome domain '{old}' is now '{new}': {why}"))
                changes += _populations(base, outcome, old)
            changes += _chosen(base, outcome)
    return changes
