"""Find the standard's versions and load their schemas, offline.

The top-level ``schemas/`` folder is the single source of truth. In an installed wheel it
sits inside the package (``coprod_standard/schemas``); in a source checkout or an editable
install it is the folder beside the package. Nothing here ever touches the network: the
``referencing.Registry`` is built only from packaged files and has no retriever, so an
unknown ``$ref`` fails with ``Unresolvable`` instead of being fetched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT_SCHEMA = "dataset.schema.json"
PROJECT_SCHEMA = "project.schema.json"


def schemas_dir() -> Path:
    """The folder holding ``standard.json`` and one sub-folder per version."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "schemas", here.parent / "schemas"):
        if (candidate / "standard.json").is_file():
            return candidate
    raise FileNotFoundError("The standard's schemas folder is missing from this installation.")


@dataclass(frozen=True)
class VersionInfo:
    version: str
    status: str
    released: str


@cache
def standard() -> dict[str, Any]:
    """The standard's own metadata: its name, canonical base URL and versions."""
    return json.loads((schemas_dir() / "standard.json").read_text(encoding="utf-8"))


def base_url() -> str:
    """The one canonical base URL; every ``$id`` is ``base_url() + version + '/' + file``."""
    return standard()["baseUrl"]


def versions() -> list[VersionInfo]:
    return [VersionInfo(**v) for v in standard()["versions"]]


def version_names() -> list[str]:
    return [v.version for v in versions()]


def latest_version() -> str:
    current = [v.version for v in versions() if v.status == "current"]
    return current[-1] if current else version_names()[-1]


# Schema sets compiled with extensions, by key ("1.1+welsh-local-authority"). They are used
# exactly like a version, so that every cached lookup works on them unchanged.
_COMPILED: dict[str, dict[str, dict[str, Any]]] = {}


def base_version(version: str) -> str:
    """The released version a (possibly compiled) schema set is built on."""
    return version.split("+", 1)[0]


def register_compiled(key: str, schemas: dict[str, dict[str, Any]]) -> None:
    _COMPILED[key] = schemas


def version_dir(version: str) -> Path:
    version = base_version(version)
    if version not in version_names():
        raise KeyError(f"Unknown version {version!r}; known: {', '.join(version_names())}")
    return schemas_dir() / version


def schema_id(version: str, filename: str) -> str:
    return f"{base_url()}{base_version(version)}/{filename}"


@cache
def load_schemas(version: str) -> dict[str, dict[str, Any]]:
    """Every schema file of a version, by file name. Treat the result as read-only."""
    if version in _COMPILED:
        return _COMPILED[version]
    folder = version_dir(version)
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.schema.json"))
    }


def load_schema(version: str, filename: str = ROOT_SCHEMA) -> dict[str, Any]:
    return load_schemas(version)[filename]


@cache
def registry(version: str) -> Registry:
    """An immutable registry of the version's schemas, keyed by ``$id``; it never fetches."""
    resources = [
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
        for schema in load_schemas(version).values()
    ]
    return Registry().with_resources(resources)


def resolve(version: str, uri: str) -> dict[str, Any]:
    """The schema (or sub-schema) a URI points at, resolved from local files only."""
    resolver = registry(version).resolver(base_uri=schema_id(version, ROOT_SCHEMA))
    return resolver.lookup(uri).contents
