"""What changed between two versions of the standard, for the changelog test.

Changes are named by the keys a changelog must mention (in backticks): a field's dotted
path (``projects[].economicEstimates``), a codelist's file name (``likelihood.csv``), or a
codelist code (``stage.csv: review``). A field whose parent is also new is covered by its
parent's entry.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .fields import Field, walk_fields
from .schemas import ROOT_SCHEMA


def folder_fields(folder: Path) -> dict[tuple, Field]:
    schemas = [json.loads(p.read_text(encoding="utf-8"))
               for p in sorted(folder.glob("*.schema.json"))]
    reg = Registry().with_resources(
        (s["$id"], Resource.from_contents(s, default_specification=DRAFT202012)) for s in schemas)
    root = next(s["$id"] for s in schemas if s["$id"].endswith("/" + ROOT_SCHEMA))
    return walk_fields(reg, root)


def _codes(folder: Path) -> dict[str, list[str]]:
    out = {}
    for path in sorted((folder / "codelists").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            out[path.name] = [row["code"] for row in csv.DictReader(handle)]
    return out


def _signature(fld: Field) -> tuple:
    return (fld.types, fld.item_types, fld.required, fld.codelists, fld.open_codelist,
            fld.format, fld.pattern, fld.const, fld.deprecated, fld.minimum, fld.maximum)


def schema_changes(old: Path, new: Path) -> list[str]:
    """Keys of everything added, removed, deprecated or changed from ``old`` to ``new``."""
    before, after = folder_fields(old), folder_fields(new)
    changes = []
    for here, there in ((after, before), (before, after)):  # added, then removed
        for path, fld in here.items():
            if path and path[-1] != "*" and path not in there and path[:-1] in there:
                changes.append(fld.dotted)
    for path, fld in after.items():
        if path in before and path and path[-1] != "*" and _signature(fld) != _signature(
                before[path]):
            changes.append(fld.dotted)
    old_codes, new_codes = _codes(old), _codes(new)
    for name in sorted(set(old_codes) ^ set(new_codes)):
        changes.append(name)
    for name in sorted(set(old_codes) & set(new_codes)):
        for code in sorted(set(old_codes[name]) ^ set(new_codes[name])):
            changes.append(f"{name}: {code}")
    return changes


def missing_from_changelog(old: Path, new: Path, changelog: str) -> list[str]:
    """The changes the changelog text does not mention in backticks."""
    return [key for key in schema_changes(old, new) if f"`{key}`" not in changelog]
