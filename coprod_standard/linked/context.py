"""The JSON-LD context of a version, generated from its schemas.

Every property name of the version becomes a term in the standard's namespace
(``https://coprod-standard.org/ns#``), except the few that are Dublin Core's everywhere
(``vocab.WELL_KNOWN``); every class (an object with a schema file of its own) becomes a
term too. Values are typed where every use of a name agrees: dates as ``xsd:date``, dates
and times as ``xsd:dateTime``, web addresses and references to other things as IRIs. Codes
stay plain text. ``@vocab`` keeps extension fields as our terms rather than dropping them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..fields import fields
from ..schemas import base_url
from .vocab import NS, PREFIXES, REFERENCES, WELL_KNOWN, classes

COERCE = {"date": "xsd:date", "date-time": "xsd:dateTime", "uri": "@id"}


def context_url(version: str) -> str:
    """Where the context is published: beside the version's schema files."""
    return f"{base_url()}{version}/context.jsonld"


def _coercion(formats: set[str | None], name: str) -> str | None:
    if name in {field for _, field in REFERENCES}:
        return "@id"
    return COERCE.get(formats.pop()) if len(formats) == 1 else None


@cache
def context(version: str) -> dict[str, Any]:
    """The context document (``{"@context": {...}}``) for VERSION; deterministic."""
    formats: dict[str, set[str | None]] = {}
    for field in fields(version).values():
        if field.name and field.name != "$schema" and not field.is_list:
            formats.setdefault(field.name, set()).add(field.format)
    terms: dict[str, Any] = {"@vocab": NS, **PREFIXES}
    for cls in sorted(set(classes(version).values())):
        terms[cls] = f"coprod:{cls}"
    for name in sorted(formats):
        iri = WELL_KNOWN.get(name, f"coprod:{name}")
        kind = _coercion(set(formats[name]), name)
        terms[name] = {"@id": iri, "@type": kind} if kind else iri
    # the schema a dataset says it follows (coprod accepts "$schema" in every version)
    terms["$schema"] = {"@id": "dcterms:conformsTo", "@type": "@id"}
    return {"@context": terms}
