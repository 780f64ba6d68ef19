"""Who is included (SCIE recommendation 1): people who draw on care, unpaid carers, and
evidence from under-represented groups."""

from __future__ import annotations

import math

from ..issues import Severity
from . import Context, Finding, check
from .data import code, demographic_counts, items, number, obj, text

W, A = Severity.WARNING, Severity.ADVISORY
REC1 = ("SCIE recommendation 1: evaluate as standard, including people under-represented in "
        "the evidence, such as Black, Asian and minority ethnic communities and unpaid carers")
NOT_STATED = {"Z", "99", "not-stated", "not-known"}
WHITE = {"A", "B", "C", "white-british", "white-irish", "white-gypsy-irish-traveller",
         "white-roma", "white-other"}


def _roles(project: dict) -> set:
    return {code(g, "role") for _, g in items(project, "participantGroups")}


def _reason(project: dict) -> str:
    return text(obj(obj(project.get("principles")).get("diversity")), "rolesNotIncludedReason")


@check("people-drawing-on-care-missing", title="No people who draw on care and support",
       severity=W, category="inclusion", serves=REC1,
       message="No participant group is of people who draw on care and support, and no reason "
               "is given.",
       fix="Add the group of people who draw on care and support who took part, or say why "
           "they did not in 'rolesNotIncludedReason' under diversity.",
       explanation="Co-production is done with the people who draw on care and support. A "
                   "project without them should say why.")
def people_drawing_on_care_missing(ctx: Context):
    if "person-drawing-on-care" not in _roles(ctx.data) and not _reason(ctx.data):
        yield Finding("/participantGroups")


@check("unpaid-carers-missing", title="No unpaid carers", severity=W, category="inclusion",
       serves=REC1,
       message="No participant group is of unpaid carers, and no reason is given.",
       fix="Add the group of unpaid carers who took part, or say why carers were not involved "
           "in 'rolesNotIncludedReason' under diversity.",
       explanation="SCIE names unpaid carers as under-represented in the evidence. Include "
                   "them, or say why they were not part of this project.")
def unpaid_carers_missing(ctx: Context):
    if "unpaid-carer" not in _roles(ctx.data) and not _reason(ctx.data):
        yield Finding("/participantGroups")


@check("ethnicity-not-reported", title="Ethnicity not reported", severity=W,
       category="inclusion", serves=REC1,
       message="No participant group reports ethnicity, not even that people were not asked.",
       fix="Add 'demographics.ethnicity' to each group: the counts if people were asked, or "
           "askedStatus 'not-asked'.",
       explanation="Evidence from Black, Asian and minority ethnic communities is scarce. Each "
                   "group should report ethnicity, or honestly say people were not asked, so "
                   "that missing data is never read as 'none'.")
def ethnicity_not_reported(ctx: Context):
    groups = list(items(ctx.data, "participantGroups"))
    reason = text(obj(obj(ctx.data.get("principles")).get("diversity")),
                  "demographicsNotCollectedReason")
    if groups and not reason and not any("ethnicity" in obj(g.get("demographics"))
                                         for _, g in groups):
        yield Finding("/participantGroups")


def _ethnicity_counts(ctx: Context):
    """Each asked ethnicity breakdown: (pointer, [(code, count or None if withheld)], total)."""
    for where, _, dimension, block in demographic_counts(ctx.data):
        if dimension == "ethnicity" and block.get("askedStatus") == "asked":
            counts = [(code(c, "code"), None if c.get("suppressed") is True else
                       number(c, "count")) for _, c in items(block, "counts")]
            total = sum(n for _, n in counts if n and math.isfinite(n))
            if total:
                yield where, counts, total


@check("ethnicity-mostly-not-stated", title="Ethnicity mostly not stated", severity=W,
       category="inclusion", serves=REC1,
       message="For {share} of the people in this group, ethnicity is not stated or not known.",
       fix="Ask people again, explaining why it matters and that answers are only published "
           "as counts; record 'not-stated' only for people who chose not to say.",
       explanation="When 'not stated' and 'not known' make up more than half of a group, the "
                   "breakdown cannot show who was included.")
def ethnicity_mostly_not_stated(ctx: Context):
    for where, counts, total in _ethnicity_counts(ctx):
        unknown = sum(n for code, n in counts if n and code in NOT_STATED)
        if unknown * 2 > total:
            yield Finding(f"{where}/counts", {"share": f"{unknown / total:.0%}"})


@check("ethnicity-all-white", title="Everyone counted is White", severity=A,
       category="inclusion", serves=REC1,
       message="Everyone counted in this group is in a White ethnic group.",
       fix="If the area is more diverse than the group, consider outreach through community "
           "partners, and record it under the diversity principle.",
       explanation="A group made up only of White ethnic groups may mean seldom-heard "
                   "communities were not reached. This is advice, not a fault.")
def ethnicity_all_white(ctx: Context):
    for where, counts, _ in _ethnicity_counts(ctx):
        known = [code for code, n in counts if (n or n is None) and code not in NOT_STATED]
        if known and all(code in WHITE for code in known):
            yield Finding(f"{where}/counts")
