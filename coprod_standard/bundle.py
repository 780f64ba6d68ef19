"""One self-contained schema for a version, in two shapes.

``bundled_schema`` (``coprod compile``): every ``$ref`` replaced by what it points at, for
tools that cannot follow references at all, and for reading the whole standard in one place.
The schema has no recursive references, so the result is finite.

``compound_schema`` (published on the docs site): a JSON Schema 2020-12 compound document,
the dataset schema as it is with every other file of the version embedded unchanged under
``$defs``, each keeping its own ``$id``. References stay references and resolve inside the
one file, so any 2020-12 validator can use it offline, and its errors point at the same
schema locations as the separate files.
"""

from __future__ import annotations

import copy
from typing import Any

from referencing._core import Resolver

from .schemas import ROOT_SCHEMA, load_schemas, registry, schema_id

ANNOTATIONS = {"title", "description", "examples", "deprecated", "$comment", "codelist",
               "openCodelist"}


def _inline(node: Any, resolver: Resolver) -> Any:
    if isinstance(node, list):
        return [_inline(item, resolver) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        resolved = resolver.lookup(node["$ref"])
        target = _inline(copy.deepcopy(resolved.contents), resolved.resolver)
        siblings = {k: _inline(v, resolver) for k, v in node.items() if k != "$ref"}
        target = {k: v for k, v in target.items() if k not in ("$id", "$schema", "$defs")}
        if set(siblings) <= ANNOTATIONS:
            return {**target, **siblings}  # words only: the reference's rules apply as they are
        return {"allOf": [target], **siblings}  # both sets of rules apply, as with $ref
    return {key: value if key == "enum" else _inline(value, resolver)
            for key, value in node.items() if key != "$defs"}


def bundled_schema(version: str) -> dict[str, Any]:
    """The dataset schema with every reference resolved in place."""
    root_uri = schema_id(version, ROOT_SCHEMA)
    resolver = registry(version).resolver(base_uri=root_uri)
    root = resolver.lookup(root_uri)
    bundled = _inline(copy.deepcopy(root.contents), root.resolver)
    bundled["$id"] = schema_id(version, "dataset.bundled.schema.json")
    return bundled


COMPOUND_FILE = "dataset.bundle.json"


def compound_schema(version: str) -> dict[str, Any]:
    """The dataset schema with every other schema of the version embedded under ``$defs``
    by file name (2020-12 bundling): the root keeps the dataset schema's ``$id``."""
    schemas = load_schemas(version)
    root = copy.deepcopy(schemas[ROOT_SCHEMA])
    embedded = root.setdefault("$defs", {})
    for name, schema in sorted(schemas.items()):
        if name == ROOT_SCHEMA:
            continue
        if name in embedded:
            raise ValueError(f"the dataset schema already has a $defs entry named {name!r}")
        embedded[name] = copy.deepcopy(schema)
    return root
