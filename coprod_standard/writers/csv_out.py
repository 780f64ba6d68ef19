"""A dataset as CSV files (one per table), and as a Frictionless Data Package (v2) whose
table schemas are derived from the JSON Schema: types, formats, codelist enums, required
fields, primary keys and foreign keys."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..codelists import find_codelist
from ..fields import fields
from ..tabular.cells import BOOLEAN_TEXT, to_text
from ..tabular.flatten import flatten
from ..tabular.rules import Column, Table, tables

TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean",
         "date": "date", "datetime": "datetime", "list": "list"}


def csv_texts(dataset: dict, version: str) -> dict[str, str]:
    """File name -> CSV text, for every table (empty tables keep their headings)."""
    out = {}
    for table, rows in flatten(dataset, version):
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([c.heading for c in table.columns])
        for row in rows:
            writer.writerow([to_text(v, c) for v, c in zip(row, table.columns, strict=True)])
        out[table.file_name] = buffer.getvalue()
    return out


def column_required(table: Table, column: Column, version: str) -> bool:
    """Required in every row: the field and every object on the way to it are required."""
    if column.link is not None:
        return True
    all_fields = fields(version)
    path = table.item_path
    for step in column.path:
        path = path + (step,)
        if not all_fields[path].required:
            return False
    return True


def closed_codes(column: Column, version: str) -> list[str] | None:
    fld = column.field
    if len(fld.codelists) != 1 or fld.open_codelist or column.kind == "list":
        return None
    codelist = find_codelist(version, fld.codelists[0])
    return codelist.code_values() if codelist else None


def _field(table: Table, column: Column, version: str) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": column.heading, "title": column.heading,
                            "description": column.field.description,
                            "type": TYPES[column.kind]}
    if column.kind == "list":
        spec.update({"delimiter": ";", "itemType": "string"})
    if column.kind == "boolean":
        spec.update({"trueValues": [t for t, v in BOOLEAN_TEXT.items() if v],
                     "falseValues": [t for t, v in BOOLEAN_TEXT.items() if not v]})
    constraints: dict[str, Any] = {}
    if column_required(table, column, version):
        constraints["required"] = True
    codes = closed_codes(column, version)
    if codes:
        constraints["enum"] = codes
    elif isinstance(column.field.const, str):  # the version: "1" is not "1.0"
        constraints["enum"] = [column.field.const]
    if column.field.minimum is not None and column.kind in ("integer", "number"):
        constraints["minimum"] = column.field.minimum
    if column.field.maximum is not None and column.kind in ("integer", "number"):
        constraints["maximum"] = column.field.maximum
    if constraints:
        spec["constraints"] = constraints
    return spec


def _resource_name(table: Table) -> str:
    return table.file_name[:-4]


def table_schema(table: Table, version: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"fields": [_field(table, c, version) for c in table.columns]}
    if table.has_id:
        schema["primaryKey"] = [c.heading for c in table.key_columns]
    if table.ancestors:
        parent = table.ancestors[-1]
        schema["foreignKeys"] = [{"fields": [c.heading for c in table.link_columns],
                                  "reference": {"resource": _resource_name(parent),
                                                "fields": [c.heading for c in
                                                           parent.key_columns]}}]
    return schema


def descriptor(dataset: dict, version: str) -> dict[str, Any]:
    """The datapackage.json for a dataset's CSV files."""
    package: dict[str, Any] = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "coprod-dataset",
        "title": dataset.get("title") or "Co-production dataset",
        "description": "A dataset in the Co-production Data Standard, version "
                       f"{version}, as tables.",
        "resources": [],
    }
    licence = dataset.get("license")
    if isinstance(licence, str):
        package["licenses"] = [{"path": licence}]
    for table in tables(version):
        package["resources"].append({
            "name": _resource_name(table), "title": table.name, "type": "table",
            "path": table.file_name, "scheme": "file", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8",
            "schema": table_schema(table, version),
        })
    return package
