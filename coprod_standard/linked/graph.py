"""A dataset as a JSON-LD document: the same fields, with the version's published context,
a type on every object that has a class (ours, and the CIDS classes it matches), and a
stable URI on every organisation, project and identified thing in a project.

URIs (see docs/identifiers.md and docs/linked-data.md):

- an organisation: ``https://coprod-standard.org/id/organisation/<org-id>``;
- a project: ``https://coprod-standard.org/id/project/<project id>``;
- a thing in a project: ``<project URI>/<kind>/<its id>``, the kind being the class in
  lower case with hyphens (``participant-group``, ``outcome``, ``indicator-report``).

References to other things in the project (an activity's participant groups, an impact
risk's outcomes, ...) become those things' URIs, so the graph links them. A value that is
not an identifier is left as it is: the output of an invalid dataset is written all the
same, as ``coprod convert`` does for every format.
"""

from __future__ import annotations

from typing import Any

from .context import context_url
from .vocab import (
    REFERENCES,
    cids_types,
    classes,
    local_uri,
    organisation_uri,
    project_uri,
)


def linked(dataset: dict, version: str) -> dict[str, Any]:
    """DATASET (a dict in VERSION) as a JSON-LD document whose context is the URL of the
    version's published context."""
    body = _node(dataset, (), version, None)  # "$schema": dcterms:conformsTo
    return {"@context": context_url(version), **body}


def _node(node: dict, path: tuple[str, ...], version: str, project: str | None) -> dict:
    cls = classes(version).get(path)
    out: dict[str, Any] = {}
    if cls:
        types = [cls, *cids_types(cls, version)]
        out["@type"] = types if len(types) > 1 else cls
        ident = node.get("id")
        if isinstance(ident, str) and ident:
            if cls == "Organisation":
                out["@id"] = organisation_uri(ident)
            elif cls == "Project":
                project = out["@id"] = project_uri(ident)
            elif project:
                out["@id"] = local_uri(project, cls, ident)
    for key, value in node.items():
        if key.startswith("@"):
            continue  # not data: a JSON-LD keyword would change the graph's meaning
        target = REFERENCES.get((cls or "", key))
        if target and project and isinstance(value, list):
            out[key] = [local_uri(project, target, v) if isinstance(v, str) and v else v
                        for v in value]
        else:
            out[key] = _value(value, path + (key,), version, project)
    return out


def _value(value: Any, path: tuple[str, ...], version: str, project: str | None) -> Any:
    if isinstance(value, dict):
        return _node(value, path, version, project)
    if isinstance(value, list):
        return [_value(v, path + ("*",), version, project) for v in value]
    return value
