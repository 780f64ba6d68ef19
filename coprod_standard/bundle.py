"""One self-contained schema for a version: every ``$ref`` replaced by what it points at.

For tools that cannot follow references between files (or would fetch them from the web),
and for reading the whole standard in one place. The schema has no recursive references,
so the result is finite.
"""

from __future__ import annotations

import copy
from typing import Any

from referencing._core import Resolver

from .schemas import ROOT_SCHEMA, registry, schema_id

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
