"""Who is included (SCIE recommendation 1): people who draw on care, unpaid carers, and
evidence from under-represented groups."""

from __future__ import annotations

import math

from ..fields import fields
from ..issues import Severity
from . import Context, Finding, check
from .data import code, every_demographic_count, items, number, obj, text

W, A = Severity.WARNING, Severity.ADVISORY
REC1 = ("SCIE recommendation 1: evaluate as standard, including people under-represented in "
        "the evidence, such as Black, Asian and minority ethnic communities and unpaid carers")
NOT_STATED = {"Z", "99", "not-stated", "not-known"}
# White groups that are not seldom-heard. White Irish, Gypsy or Irish Traveller and Roma
# people are among the least heard in health and social care, so a group of them has been
# reached. (NHS code C, any other White background, also holds Gypsy, Roma and Traveller
# people: the ONS 2021 groups tell them apart.)
WHITE = {"A", "C", "white-british", "white-other"}


def _roles(project: dict) -> set:
    return {code(g, "role") for _, g in items(project, "participantGroups")}


def _reason(project: dict) -> str:
    return text(obj(obj(project.get("principles")).get("diversity")), "rolesNotIncludedReason")


@check("people-drawing-on-care-missing", title="No people who draw on care and support",
       severity=W, category="inclusion", serves=REC1,
       message="No participant group is of people who draw on care and support, and no reason "
               "is given.",
       fix="Add the group of people who draw on care and support who took part, or say why "
           "they did not in {f[rolesNotIncludedReason]} under diversity.",
       explanation="Co-production is done with the people who draw on care and support. A "
                   "project without them should say why.",
       cell="role")
def people_drawing_on_care_missing(ctx: Context):
    if "person-drawing-on-care" not in _roles(ctx.data) and not _reason(ctx.data):
        yield Finding("/participantGroups")


@check("unpaid-carers-missing", title="No unpaid carers", severity=W, category="inclusion",
       serves=REC1,
       message="No participant group is of unpaid carers, and no reason is given.",
       fix="Add the group of unpaid carers who took part, or say why carers were not involved "
           "in {f[rolesNotIncludedReason]} under diversity.",
       explanation="SCIE names unpaid carers as under-represented in the evidence. Include "
                   "them, or say why they were not part of this project.",
       cell="role")
def unpaid_carers_missing(ctx: Context):
    if "unpaid-carer" not in _roles(ctx.data) and not _reason(ctx.data):
        yield Finding("/participantGroups")


@check("ethnicity-not-reported", title="Ethnicity not reported", severity=W,
       category="inclusion", serves=REC1,
       message="Ethnicity is not reported for {whom}, not even that people were not asked.",
       fix="Add {f[demographics/ethnicity]} to each group's demographics (and the evaluated "
           "sample's, if given): the counts if people were asked, or "
           "set {f[ethnicity/askedStatus]} to 'not-asked'.",
       explanation="Evidence from Black, Asian and minority ethnic communities is scarce. Each "
                   "group, and the evaluated sample when its demographics are given, should "
                   "report ethnicity, or honestly say people were not asked, so that missing "
                   "data is never read as 'none'.",
       cell="demographics/ethnicity")
def ethnicity_not_reported(ctx: Context):
    reason = text(obj(obj(ctx.data.get("principles")).get("diversity")),
                  "demographicsNotCollectedReason")
    if reason:
        return
    groups = list(items(ctx.data, "participantGroups"))
    if groups and not any("ethnicity" in obj(g.get("demographics")) for _, g in groups):
        yield Finding("/participantGroups", {"whom": "any participant group"})
    sample = obj(ctx.data.get("evaluation")).get("sampleDemographics")  # 1.2 and later
    if isinstance(sample, dict) and "ethnicity" not in sample:
        yield Finding("/evaluation/sampleDemographics", {"whom": "the evaluated sample"})


def _ethnicity_counts(ctx: Context):
    """Each asked ethnicity breakdown, of a group or of the evaluated sample:
    (pointer, group, [(code, count or None if withheld)], total)."""
    for where, group, dimension, block in every_demographic_count(ctx.data):
        if dimension == "ethnicity" and block.get("askedStatus") == "asked":
            counts = [(code(c, "code"), None if c.get("suppressed") is True else
                       number(c, "count")) for _, c in items(block, "counts")]
            total = sum(n for _, n in counts if n and math.isfinite(n))
            if total:
                yield where, group, counts, total


@check("ethnicity-mostly-not-stated", title="Ethnicity mostly not stated", severity=W,
       category="inclusion", serves=REC1,
       message="For {share} of the people in this group, ethnicity is not stated or not known.",
       fix="Ask people again, explaining why it matters and that answers are only published "
           "as counts; record 'not-stated' only for people who chose not to say.",
       explanation="When 'not stated' and 'not known' make up more than half of a group (or "
                   "of the evaluated sample), the breakdown cannot show who was included.",
       cell="count")
def ethnicity_mostly_not_stated(ctx: Context):
    for where, _, counts, total in _ethnicity_counts(ctx):
        unknown = sum(n for code, n in counts if n and code in NOT_STATED)
        if unknown * 2 > total:
            yield Finding(f"{where}/counts", {"share": f"{unknown / total:.0%}"})


@check("ethnicity-all-white", title="Everyone counted is White British or Other White",
       severity=A, category="inclusion", serves=REC1,
       message="Everyone counted in this group is White British or Other White.",
       fix="If the area is more diverse than the group, consider outreach through community "
           "partners, and record it under the diversity principle. If the group includes "
           "Gypsy, Roma or Traveller people, use the ONS 2021 ethnic groups, which name them.",
       explanation="A group made up only of White British and Other White people may mean "
                   "seldom-heard communities were not reached. White Irish, Gypsy or Irish "
                   "Traveller and Roma people are seldom-heard, so a group with any of them is "
                   "not flagged, nor (from version 1.2) a group that names the seldom-heard "
                   "groups it reached. This is advice, not a fault.",
       cell="count")
def ethnicity_all_white(ctx: Context):
    for where, group, counts, _ in _ethnicity_counts(ctx):
        if group.get("seldomHeardGroups"):
            continue
        known = [code for code, n in counts if (n or n is None) and code not in NOT_STATED]
        if known and all(code in WHITE for code in known):
            yield Finding(f"{where}/counts")


def _groups_since_1_2(ctx: Context):
    if ("projects", "*", "participantGroups", "*", "seldomHeardGroups") in fields(ctx.version):
        yield from items(ctx.data, "participantGroups")


@check("seldom-heard-contradiction", title="Seldom-heard groups named, but not seldom-heard",
       severity=W, category="inclusion", serves=REC1,
       message="This group names the seldom-heard groups it reached, but {f[isUnderserved]} is "
               "false.",
       fix="Set {f[isUnderserved]} to true, or remove {f[seldomHeardGroups]} if the group did not "
           "reach them.",
       explanation="'isUnderserved' says whether a group is seldom-heard; 'seldomHeardGroups' "
                   "says which seldom-heard groups it reached. Naming groups while saying the "
                   "group is not seldom-heard contradicts itself (version 1.2).")
def seldom_heard_contradiction(ctx: Context):
    for g, group in _groups_since_1_2(ctx):
        if group.get("isUnderserved") is False and group.get("seldomHeardGroups"):
            yield Finding(f"/participantGroups/{g}/isUnderserved")


@check("seldom-heard-not-named", title="Seldom-heard, but which groups is not said",
       severity=A, category="inclusion", serves=REC1,
       message="This group is marked as seldom-heard, but does not say which seldom-heard "
               "groups it reached.",
       fix="List them in {f[seldomHeardGroups]}, for example 'gypsy-roma-traveller' or "
           "'refugees-asylum-seekers'.",
       explanation="A yes or no cannot show which communities were reached. From version 1.2 "
                   "a group can name them from the seldom-heard group list, so that evidence "
                   "from each can be found across projects. This is advice, not a fault.",
       cell="seldomHeardGroups")
def seldom_heard_not_named(ctx: Context):
    for g, group in _groups_since_1_2(ctx):
        if group.get("isUnderserved") is True and not group.get("seldomHeardGroups"):
            yield Finding(f"/participantGroups/{g}")
