"""Project context (version 1.2): a project a reviewer can find, and related projects that
make sense. Silent on versions without these fields."""

from __future__ import annotations

from ..fields import fields
from ..issues import Severity
from . import Context, Finding, check
from .data import code, items, strings

CLASSIFIERS = (("interventionTypes", "intervention type"), ("settings", "setting"),
               ("clientGroups", "client group"))


def _has_context(version: str) -> bool:
    return ("projects", "*", "interventionTypes") in fields(version)


@check("project-not-classified", title="Project not classified for reviewers",
       severity=Severity.WARNING, category="evidence",
       serves="SCIE 2022, recommendation 1: evaluation of projects and programmes of work "
              "that others can find and compare",
       message="The project does not say its {what}, so a reviewer selecting projects by "
               "{what} cannot find it.",
       fix="Add '{field}' with at least one code from its codelist (for example "
           "{example}).",
       explanation="Reviewers select projects to compare by intervention type, setting and "
                   "client group (for example co-produced befriending for older people in "
                   "the community). A project that gives none of them is left out of every "
                   "such selection, whatever it found.",
       levels=("publish",))
def project_not_classified(ctx: Context):
    if not _has_context(ctx.version) or not isinstance(ctx.data, dict):
        return
    examples = {"interventionTypes": "befriending", "settings": "community",
                "clientGroups": "older-people"}
    for key, what in CLASSIFIERS:
        if not strings(ctx.data, key):
            yield Finding(f"/{key}", {"what": what, "example": examples[key]})


@check("related-project-is-itself", title="A project related to itself", severity=Severity.ERROR,
       category="integrity", serves="Referential integrity: each project counted once",
       message="The related project '{ident}' is this project itself.",
       fix="Give the identifier of the other project (which may be in another organisation's "
           "dataset), or remove this entry.",
       explanation="Related projects say that a project is the same as, part of, or follows "
                   "on from another published project. A project cannot be related to "
                   "itself: the identifier is probably copied by mistake.")
def related_project_is_itself(ctx: Context):
    own = code(ctx.data, "id")
    if own is None:
        return
    for index, related in items(ctx.data, "relatedProjects"):
        if code(related, "id") == own:
            yield Finding(f"/relatedProjects/{index}/id", {"ident": own})
