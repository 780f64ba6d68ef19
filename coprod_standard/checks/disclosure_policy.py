"""The policy travels with the data: a dataset (version 1.2 on) with counts of people or
results records the disclosure control applied to them (``disclosureControl``), so that
whoever validates, combines or compares it reads its figures under the right rule."""

from __future__ import annotations

from typing import Any

from ..fields import fields
from ..issues import Severity
from . import Context, Finding, check
from .data import items, reports


def _figures(project: Any) -> bool:
    """Whether a project publishes a count of people or a result (shown or withheld)."""
    if not isinstance(project, dict):
        return False
    groups = any("count" in group or "suppressed" in group
                 for _, group in items(project, "participantGroups"))
    return groups or bool(reports(project))


def _has_figures(ctx: Context) -> bool:
    """Read whole, the dataset's projects are at hand; read a project at a time (a large
    file), they are not kept, and a dataset of projects is taken to have figures."""
    projects = ctx.data.get("projects")
    kept = [p for p in projects if isinstance(p, dict)] if isinstance(projects, list) else []
    if kept:
        return any(_figures(project) for project in kept)
    return bool(ctx.project_ids)


@check("disclosure-policy-not-recorded", title="Disclosure policy not recorded",
       severity=Severity.WARNING, category="disclosure", scope="dataset",
       levels=("publish",),
       serves="The policy travels with the data: validate, combine and compare read each "
              "dataset's figures under the disclosure policy it records",
       message="The dataset gives counts of people or results but does not say which "
               "disclosure policy was applied to them, so no one using it can tell how its "
               "figures were protected.",
       fix="Add {f[disclosureControl]} to the dataset's own details: the policy applied "
           "(nhs-digital or threshold-10), the organisation or role that applied it (never "
           "a person's name) and the date. 'coprod aggregate --into' writes it for you.",
       explanation="From version 1.2 a dataset records the disclosure control applied to "
                   "its figures: the policy (nhs-digital: counts of 1 to 7 hidden, others "
                   "rounded to the nearest 5; threshold-10: counts of 1 to 9 hidden), who "
                   "applied it and when. 'coprod validate' then checks the figures under "
                   "that policy without being told, and 'coprod combine' and 'coprod "
                   "compare' read each dataset under its own policy: a rounded count means "
                   "something different from an exact one.")
def disclosure_policy_not_recorded(ctx: Context):
    if not isinstance(ctx.data, dict) or ("disclosureControl",) not in fields(ctx.version):
        return  # no place for the record before 1.2
    if "disclosureControl" in ctx.data or not _has_figures(ctx):
        return
    yield Finding("/disclosureControl")
