"""Referential and temporal integrity: ids unique and resolvable, dates in order."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from ..issues import Severity
from . import Context, Finding, check
from .data import (
    SAMPLE,
    code,
    codes_of,
    day,
    every_demographic_count,
    indicators,
    items,
    number,
    obj,
    reports,
    sample_size,
    strings,
    text,
)
from .data import rung as ladder_rung

E, W = Severity.ERROR, Severity.WARNING
SERVES = "Referential and temporal integrity"
KNOWN_ORG_LISTS = {"GB-CHC", "GB-COH", "GB-LAE", "GB-LAW", "GB-LAS", "GB-LANI", "GB-NIC",
                   "GB-SC", "GB-EDU", "GB-NHS", "GB-GOR", "GB-UKPRN", "GB-MPR", "GB-SHPE",
                   "GB-UKCRN", "GB-REV", "GB-PLA", "XI-PB", "XI-IATI", "XI-GRID", "XI-ROR"}
# ONS GSS entity codes for the kinds of area a project covers.
KNOWN_AREA_TYPES = {"E01", "E02", "E05", "E06", "E07", "E08", "E09", "E10", "E11", "E12",
                    "E13", "E14", "E38", "E40", "E47", "E54", "E92", "W01", "W02", "W05",
                    "W06", "W07", "W11", "W92", "S01", "S02", "S12", "S13", "S14", "S37",
                    "S92", "N08", "N09", "N92", "K02", "K03", "K04"}
DIMENSIONS = {"ethnicity": "ethnicity", "ageBand": "age band", "sex": "sex",
              "religion": "religion or belief", "sexualOrientation": "sexual orientation",
              "genderIdentity": "gender identity", "socioEconomicClass": "socio-economic class",
              "disability": "disability"}
LOCAL_LISTS = {"participant group": ("participantGroups",), "activity": ("activities",),
               "output": ("outputs",), "outcome": ("outcomes",), "cost": ("costs",),
               "economic estimate": ("economicEstimates",),  # version 1.1 and later
               "impact risk": ("impactRisks",)}


@check("duplicate-id", title="Identifier used twice", severity=E, category="integrity",
       serves=SERVES,
       message="The identifier '{ident}' of this {kind} is already used by {other} in this "
               "project.",
       fix="Give each group, activity, output, outcome, indicator, result, cost, economic "
           "estimate and impact risk its own identifier within the project.",
       explanation="Identifiers must be unique within their project (and project identifiers "
                   "within the dataset), so that references and comparisons are unambiguous.")
def duplicate_id(ctx: Context):
    found: list[tuple[str, str, object]] = []
    for kind, (key,) in LOCAL_LISTS.items():
        found += [(kind, f"/{key}/{i}/id", o.get("id")) for i, o in items(ctx.data, key)]
    found += [("indicator", f"{w}/id", ind.get("id")) for w, _, ind in indicators(ctx.data)]
    found += [("report", f"{w}/id", rep.get("id")) for w, _, _, rep in reports(ctx.data)]
    first: dict[str, str] = {}
    for kind, where, ident in found:
        if not isinstance(ident, str):
            continue
        if ident in first:
            other = first[ident]
            yield Finding(where, {"kind": kind, "ident": ident,
                                  "other": f"another {other}" if other == kind else f"a {other}"})
        else:
            first[ident] = kind


@check("duplicate-project-id", title="Project identifier used twice", severity=E,
       category="integrity", serves=SERVES, scope="dataset",
       message="The project identifier '{ident}' is used by more than one project.",
       fix="Give each project its own identifier.",
       explanation="Project identifiers must be unique, within the dataset and everywhere.")
def duplicate_project_id(ctx: Context):
    seen: set = set()
    for pointer, ident in ctx.project_ids:
        if not isinstance(ident, str):
            continue
        if ident in seen:
            yield Finding(f"{pointer}/id", {"ident": ident})
        seen.add(ident)


@check("unknown-group-reference", title="Reference to a group that does not exist",
       severity=E, category="integrity", serves=SERVES,
       message="'{ident}' is not the identifier of any participant group in this project.",
       fix="Use the {f[participantGroups/id]} of one of the project's participant groups, or "
           "add the group.",
       explanation="Activities, outputs and (from version 1.2) the results that name the "
                   "groups they measured refer to participant groups by their identifiers, "
                   "which must exist in the same project.")
def unknown_group_reference(ctx: Context):
    groups = {code(g, "id") for _, g in items(ctx.data, "participantGroups")}
    lists = [(f"/{key}/{i}/{ref}", item.get(ref))
             for key, ref in (("activities", "participantGroups"), ("outputs", "coProducedBy"))
             for i, item in items(ctx.data, key)]
    lists += [(f"{w}/groupsMeasured", r.get("groupsMeasured")) for w, _, _, r in reports(ctx.data)]
    for where, refs in lists:
        for j, ident in enumerate(refs if isinstance(refs, list) else []):
            if isinstance(ident, str) and ident not in groups:
                yield Finding(f"{where}/{j}", {"ident": ident})


def _start_key(activity: dict) -> str:
    """An activity's first date: 'startDate' from version 1.1, 'date' before (deprecated)."""
    return "startDate" if "startDate" in activity else "date"


def _periods(project: dict):
    yield "", project, "startDate", "endDate"
    for i, activity in items(project, "activities"):
        yield f"/activities/{i}", activity, _start_key(activity), "endDate"
    for where, _, _, report in reports(project):
        yield f"{where}/period", obj(report.get("period")), "startDate", "endDate"
    for i, cost in items(project, "costs"):
        yield f"/costs/{i}/period", obj(cost.get("period")), "startDate", "endDate"


@check("end-before-start", title="Ends before it starts", severity=E, category="integrity",
       serves=SERVES,
       message="The end date ({end}) is before the start date ({start}).",
       fix="Check both dates; dates are written year-month-day.",
       explanation="Every span of time, for a project, activity, result or cost, must end on "
                   "or after the day it starts.")
def end_before_start(ctx: Context):
    for where, block, start_key, end_key in _periods(ctx.data):
        start, end = day(block, start_key), day(block, end_key)
        if start and end and end < start:
            yield Finding(f"{where}/{end_key}", {"start": start.isoformat(),
                                                 "end": end.isoformat()})


@check("date-outside-project", title="Date outside the project", severity=W,
       category="integrity", serves=SERVES,
       message="This {what} ({when}) falls outside the project's dates ({start} to {end}).",
       fix="Check the dates, or the project's start and end dates.",
       explanation="Activities and result periods should fall within the project's start and "
                   "end dates (a running project has no end yet). A baseline may be measured "
                   "before the start, and a follow-up after the end.")
def date_outside_project(ctx: Context):
    start, end = day(ctx.data, "startDate"), day(ctx.data, "endDate")
    if not start:
        return
    spans = [(f"/activities/{i}/{_start_key(a)}", "activity", day(a, _start_key(a)),
              day(a, "endDate") or day(a, _start_key(a)), None)
             for i, a in items(ctx.data, "activities")]
    spans += [(f"{w}/period", "result period", day(obj(r.get("period")), "startDate"),
               day(obj(r.get("period")), "endDate"), r.get("timepoint"))
              for w, _, _, r in reports(ctx.data)]
    for where, what, first, last, timepoint in spans:
        if not first or not last:
            continue
        early = first < start and timepoint != "baseline"  # a baseline may come before
        late = end is not None and last > end and timepoint != "follow-up"  # and follow-up after
        if early or late:
            yield Finding(where, {"what": what, "when": f"{first} to {last}",
                                  "start": start.isoformat(),
                                  "end": end.isoformat() if end else "now"})


@check("activity-above-project-level", title="Activity above the project's level",
       severity=W, category="integrity", serves=SERVES,
       message="This activity is at {activity}, higher than the project's level ({project}).",
       fix="Make the project's participation level the highest level any activity reached.",
       explanation="The project's level is the highest rung it reached, so no activity can be "
                   "higher.")
def activity_above_project_level(ctx: Context):
    project = ctx.data.get("participationLevel")
    for i, activity in items(ctx.data, "activities"):
        level = activity.get("participationLevel")
        if ladder_rung(project) >= 0 and ladder_rung(level) > ladder_rung(project):
            yield Finding(f"/activities/{i}/participationLevel",
                          {"activity": level, "project": project})


@check("project-id-not-prefixed", title="Project identifier without the publisher's prefix",
       severity=W, category="integrity", serves="org-id.guide identifiers",
       message="The project identifier does not start with the publisher's or the lead "
               "organisation's identifier.",
       fix="Start the project identifier with your organisation's identifier and a hyphen, "
           "for example {example}-my-project.",
       explanation="Starting each project identifier with an organisation identifier makes it "
                   "unique everywhere without a central register.")
def project_id_not_prefixed(ctx: Context):
    ident = ctx.data.get("id")
    owners = [obj(ctx.dataset.get("publisher")).get("id"),
              obj(ctx.data.get("leadOrganisation")).get("id")]
    owners = [o for o in owners if isinstance(o, str)]
    if ident in owners:  # the organisation's own identifier: invalid-project-id says so
        return
    if isinstance(ident, str) and owners and not any(ident.startswith(o + "-") for o in owners):
        yield Finding("/id", {"example": owners[0]})


@check("subgroup-code-unknown", title="Subgroup code not in its list", severity=E,
       category="integrity", serves=SERVES,
       message="'{code}' is not a code in the list for '{dimension}'.",
       fix="Use a code from the {dimension} list (see 'coprod codelists').",
       explanation="A result's subgroup names a code from the codelist of its dimension, such "
                   "as unpaid-carer for participant-role.")
def subgroup_code_unknown(ctx: Context):
    lists = {"ethnicity": ("ethnicity-nhs", "ethnicity-ons-2021"), "age-band": ("age-band",),
             "sex": ("sex",), "disability": ("disability",),
             "participant-role": ("participant-role",), "religion": ("religion",),
             "sexual-orientation": ("sexual-orientation",),  # these four: 1.2 and later
             "gender-identity": ("gender-identity",), "socio-economic-class": ("ns-sec",)}
    for where, _, _, report in reports(ctx.data):
        subgroup = obj(report.get("subgroup"))
        dimension, value = code(subgroup, "dimension"), code(subgroup, "code")
        if dimension in lists and value is not None and value not in codes_of(
                ctx.version, *lists[dimension]):
            yield Finding(f"{where}/subgroup/code", {"code": value, "dimension": dimension})


@check("unknown-identifier-list", title="Unfamiliar organisation or area code", severity=W,
       category="integrity", serves="org-id.guide and ONS GSS codes", scope="both",
       message="{kind} '{prefix}' is not one the toolkit knows.",
       fix="Check the {what} at {where}.",
       explanation="Organisation identifiers should use a list prefix from org-id.guide, and "
                   "area codes an ONS area type (the first three characters of the GSS code).")
def unknown_identifier_list(ctx: Context):
    if ctx.pointer == "":  # the dataset's own details: its publisher
        orgs = [("/publisher/id", obj(ctx.data.get("publisher")).get("id"))]
    else:
        orgs = [("/leadOrganisation/id", obj(ctx.data.get("leadOrganisation")).get("id"))]
        orgs += [(f"/partners/{i}/id", p.get("id")) for i, p in items(ctx.data, "partners")]
    for where, ident in orgs:
        if isinstance(ident, str) and ident.count("-") >= 2:
            prefix = "-".join(ident.split("-")[:2])
            if prefix not in KNOWN_ORG_LISTS:
                yield Finding(where, {"kind": "The organisation list", "prefix": prefix,
                                      "what": "identifier", "where": "https://org-id.guide"})
    for i, area in enumerate(strings(ctx.data, "areas")):
        if len(area) == 9 and area[:3] not in KNOWN_AREA_TYPES:
            yield Finding(f"/areas/{i}", {"kind": "The area type", "prefix": area[:3],
                                          "what": "area code",
                                          "where": "https://geoportal.statistics.gov.uk"})


@check("published-in-future", title="Published in the future", severity=E,
       category="integrity", serves=SERVES, scope="dataset",
       message="The {what} ({when}) is in the future.",
       fix="Use the date the dataset was really published or changed.",
       explanation="A dataset cannot have been published or changed after today.")
def published_in_future(ctx: Context):
    published = day(ctx.data, "publishedDate")
    if published and published > ctx.settings.today:
        yield Finding("/publishedDate", {"what": "date published", "when": published})
    modified = text(ctx.data, "modified")
    try:
        changed = datetime.fromisoformat(modified.upper().replace("Z", "+00:00"))
    except ValueError:
        return
    if changed.tzinfo is not None:
        changed = changed.astimezone(UTC)
    if changed.date() > ctx.settings.today:
        yield Finding("/modified", {"what": "last-changed date", "when": modified})


@check("demographic-counts-exceed-group", title="Breakdown adds up to more than the group",
       severity=W, category="integrity", serves=SERVES,
       message="The {dimension} counts add up to {total}, more than the {count} people in the "
               "{whole}.",
       fix="Check the counts: each person should be counted once in each breakdown.",
       explanation="A breakdown of a group cannot hold more people than the group, allowing "
                   "for rounding to the nearest 5. The evaluated sample's size is taken from "
                   "its smallest breakdown that publishes every cell.",
       cell="count")
def demographic_counts_exceed_group(ctx: Context):
    breakdowns = every_demographic_count(ctx.data)
    size = sample_size(breakdowns)
    for where, group, dimension, block in breakdowns:
        in_sample = where.startswith(SAMPLE)
        count = size if in_sample else number(group, "count")
        cells = [number(c, "count") for _, c in items(block, "counts")]
        total = sum(c for c in cells if c)
        if count is not None and math.isfinite(total) and total > count + 2.5 * (len(cells) + 1):
            yield Finding(f"{where}/counts", {"dimension": DIMENSIONS.get(dimension, dimension),
                                              "total": f"{total:g}", "count": f"{count:g}",
                                              "whole": "evaluated sample" if in_sample
                                              else "group"})
