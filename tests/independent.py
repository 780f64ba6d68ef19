"""An independent validator (jsonschema-rs, a Rust implementation) for cross-checking verdicts.

It sees only the published JSON Schema files: offline, with format checks switched on.
"""

from __future__ import annotations

from functools import cache

import jsonschema_rs

from coprod_standard.schemas import ROOT_SCHEMA, load_schemas, version_names


def _refuse(uri: str):
    raise OSError(f"refusing to fetch {uri}")


@cache
def rust_validator(version: str):
    schemas = load_schemas(version)
    registry = jsonschema_rs.Registry([(s["$id"], s) for s in schemas.values()],
                                      retriever=_refuse)
    return jsonschema_rs.Draft202012Validator(
        schemas[ROOT_SCHEMA], registry=registry, validate_formats=True, retriever=_refuse)


def independent_verdict(document) -> bool:
    """Valid against the schema of the version the document declares (1.0 if none)."""
    declared = document.get("version") if isinstance(document, dict) else None
    version = declared if declared in version_names() else "1.0"
    return rust_validator(version).is_valid(document)
