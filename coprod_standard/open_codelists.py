"""Advice for values missing from open codelists (closed ones are enforced by the schema),
and warnings for deprecated fields that name their replacement."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from .codelists import find_codelist
from .fields import Path, fields
from .issues import Pending, issue_type
from .readers import Record
from .schemas import per_schema_set
from .structural import pointer_join
from .suggest import did_you_mean


@per_schema_set
def _open_fields(version: str) -> list[tuple[Path, str]]:
    """Paths of scalar fields that use an open codelist (list items included)."""
    out = []
    for path, fld in fields(version).items():
        if fld.codelists and fld.open_codelist and not fld.is_list:
            out.append((path, fld.codelists[0]))
    return out


def _values_at(data: Any, path: Path, pointer: str) -> Iterator[tuple[str, Any]]:
    if not path:
        yield pointer, data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from _values_at(item, rest, pointer_join(pointer, index))
    elif isinstance(data, dict) and head in data:
        yield from _values_at(data[head], rest, pointer_join(pointer, head))


def _relative(path: Path, record: Record) -> Path | None:
    """The part of a dataset-level path inside this record, or None if it is elsewhere."""
    if record.kind == "dataset":
        return path if not path or path[0] != "projects" else None
    return path[2:] if path[:2] == ("projects", "*") else None


@per_schema_set
def _deprecated_fields(version: str) -> list[tuple[Path, str]]:
    return [(path, fld.replaced_by or "") for path, fld in fields(version).items()
            if fld.deprecated]


def deprecation_issues(version: str, record: Record) -> Iterator[Pending]:
    for path, replacement in _deprecated_fields(version):
        inner = _relative(path, record)
        if inner is None:
            continue
        words = {"field": path[-1], "title": fields(version)[path].title, "version": version,
                 "replacement": replacement}
        for pointer, _ in _values_at(record.data, inner, record.pointer):
            yield issue_type("deprecated-field").later(lambda words=words: words,
                                                       path=pointer, record=record.label)


def open_code_issues(version: str, record: Record) -> Iterator[Pending]:
    for path, name in _open_fields(version):
        inner = _relative(path, record)
        if inner is None:
            continue
        codelist = find_codelist(version, name)
        known = codelist.code_values()
        listed = set(known)

        def words(value: str, path: Path = path, codelist=codelist, known=known) -> dict:
            return {"field": path[-1], "title": fields(version)[path].title, "value": value,
                    "show_value": True, "shown": repr(value), "Shown": repr(value),
                    "codelist": codelist.name, "suggestion": did_you_mean(value, known),
                    "codes": ", ".join(known)}

        for pointer, value in _values_at(record.data, inner, record.pointer):
            if isinstance(value, str) and value not in listed:
                yield issue_type("unlisted-open-code").later(
                    partial(words, value), path=pointer, record=record.label)
