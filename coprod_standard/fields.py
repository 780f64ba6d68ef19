"""Every field of a version, found by walking its schemas (following ``$ref`` offline).

A field's path is a tuple of property names with ``"*"`` for "each item of a list", so
``("projects", "*", "status")`` is the status of every project. The walk merges the
branches of ``allOf`` and ``if``/``then``/``else`` into the fields they add constraints to,
so a code field whose codelist depends on another field lists every codelist it may use.
Docs, messages (field titles) and the codelist drift test all read from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from referencing import Registry
from referencing._core import Resolver

from .schemas import ROOT_SCHEMA, per_schema_set, registry, schema_id

Path = tuple[str, ...]


@dataclass
class Field:
    path: Path
    title: str = ""
    description: str = ""
    types: tuple[str, ...] = ()
    required: bool = False
    required_when: str = ""  # the reason, when a then/else branch requires the field
    codelists: tuple[str, ...] = ()
    open_codelist: bool | None = None
    enum: tuple[Any, ...] | None = None
    const: Any = None
    format: str | None = None
    pattern: str | None = None
    item_types: tuple[str, ...] = ()
    deprecated: bool = False
    replaced_by: str | None = None  # the field to use instead, for a deprecated one
    minimum: float | None = None
    maximum: float | None = None
    children: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        names = [p for p in self.path if p != "*"]
        return names[-1] if names else ""

    @property
    def dotted(self) -> str:
        """``projects[].participantGroups[].count``: a readable form of the path."""
        out = ""
        for part in self.path:
            out += "[]" if part == "*" else (f".{part}" if out else part)
        return out

    @property
    def is_list(self) -> bool:
        return "array" in self.types


def _resolve(schema: Any, resolver: Resolver) -> list[tuple[dict, Resolver]]:
    """The schema and everything its ``$ref`` chain points at, each with its own resolver."""
    out: list[tuple[dict, Resolver]] = []
    while isinstance(schema, dict):
        out.append((schema, resolver))
        ref = schema.get("$ref")
        if not ref:
            break
        resolved = resolver.lookup(ref)
        schema, resolver = resolved.contents, resolved.resolver
    return out


def _branches(schema: dict) -> Iterator[tuple[dict, str]]:
    """Sub-schemas that add constraints to the same instance, with a reason for then/else."""
    for sub in schema.get("allOf", []):
        yield sub, ""
        yield from _branches(sub)
    for key in ("then", "else"):
        if isinstance(schema.get(key), dict):
            yield schema[key], schema[key].get("description", "")
            yield from _branches(schema[key])


class _Walker:
    def __init__(self) -> None:
        self.fields: dict[Path, Field] = {}

    def walk(self, parts: list[tuple[Any, Resolver]], path: Path, required: bool,
             required_when: str = "") -> None:
        layers = [layer for schema, res in parts for layer in _resolve(schema, res)]
        fld = self.fields.setdefault(path, Field(path=path))
        fld.required = fld.required or required
        fld.required_when = fld.required_when or required_when
        props: dict[str, list[tuple[Any, Resolver]]] = {}
        req: set[str] = set()
        cond_req: dict[str, str] = {}
        items: list[tuple[Any, Resolver]] = []
        for schema, res in layers:
            self._absorb(fld, schema)
            for name, sub in schema.get("properties", {}).items():
                props.setdefault(name, []).append((sub, res))
            req.update(schema.get("required", []))
            if "items" in schema:
                items.append((schema["items"], res))
            for branch, reason in _branches(schema):
                for name, sub in branch.get("properties", {}).items():
                    if name in props or name in schema.get("properties", {}):
                        props.setdefault(name, []).append((sub, res))
                for name in branch.get("required", []):
                    if reason:
                        cond_req.setdefault(name, reason)
        for name, subs in props.items():
            if name not in fld.children:
                fld.children.append(name)
            self.walk(subs, path + (name,), name in req, cond_req.get(name, ""))
        if items:
            self.walk(items, path + ("*",), False)
            item = self.fields[path + ("*",)]
            fld.item_types = item.types
            if item.codelists and not fld.codelists:
                fld.codelists, fld.open_codelist = item.codelists, item.open_codelist

    @staticmethod
    def _absorb(fld: Field, schema: dict) -> None:
        # The first title and description found win: a property's own words come before
        # the words of the definition it refers to.
        fld.title = fld.title or schema.get("title", "")
        fld.description = fld.description or schema.get("description", "")
        if "type" in schema and not fld.types:
            t = schema["type"]
            fld.types = tuple(t) if isinstance(t, list) else (t,)
        if "codelist" in schema and schema["codelist"] not in fld.codelists:
            fld.codelists += (schema["codelist"],)
            fld.open_codelist = bool(schema.get("openCodelist", False))
        if "enum" in schema and fld.enum is None and "codelist" not in schema:
            fld.enum = tuple(schema["enum"])
        if "const" in schema:
            fld.const = schema["const"]
        fld.format = fld.format or schema.get("format")
        fld.pattern = fld.pattern or schema.get("pattern")
        fld.deprecated = fld.deprecated or bool(schema.get("deprecated"))
        fld.replaced_by = fld.replaced_by or schema.get("replacedBy")
        if "minimum" in schema and fld.minimum is None:
            fld.minimum = schema["minimum"]
        if "maximum" in schema and fld.maximum is None:
            fld.maximum = schema["maximum"]


def walk_fields(reg: Registry, root_uri: str) -> dict[Path, Field]:
    """Every field of the schema at ``root_uri``, in schema order, keyed by path."""
    resolver = reg.resolver(base_uri=root_uri)
    walker = _Walker()
    walker.walk([({"$ref": root_uri}, resolver)], (), True)
    return walker.fields


@per_schema_set
def fields(version: str) -> dict[Path, Field]:
    """Every field of a version's dataset schema, in schema order, keyed by path."""
    return walk_fields(registry(version), schema_id(version, ROOT_SCHEMA))


def path_of_pointer(pointer: str) -> Path:
    """``/projects/0/status`` becomes ``("projects", "*", "status")``."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    return tuple("*" if (p.isascii() and p.isdigit()) else p for p in parts)


_INDEX = re.compile(r"/\d+(?=/|$)")


def field_at(version: str, pointer: str) -> Field | None:
    return _field_at(version, _INDEX.sub("/*", pointer))


@lru_cache(maxsize=8192)
def _field_at(version: str, pointer: str) -> Field | None:
    return fields(version).get(path_of_pointer(pointer))
