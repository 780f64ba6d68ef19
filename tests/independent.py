"""An independent validator (jsonschema-rs, a Rust implementation) for cross-checking verdicts.

It sees only the published JSON Schema files: offline, with format checks switched on.
"""

from __future__ import annotations

from functools import cache

import jsonschema_rs

from coprod_standard.schemas import ROOT_SCHEMA, load_schemas


def _refuse(uri: str):
    raise OSError(f"refusing to fetch {uri}")


@cache
def rust_validator(version: str):
    schemas = load_schemas(version)
    registry = jsonschema_rs.Registry([(s["$id"], s) for s in schemas.values()],
                                      retriever=_refuse)
    return jsonschema_rs.Draft202012Validator(
        schemas[ROOT_SCHEMA], registry=registry, validate_formats=True, retriever=_refuse)


def independent_verdict(document, version: str = "1.0") -> bool:
    return rust_validator(version).is_valid(document)
