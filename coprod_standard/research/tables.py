"""Analysis-ready tables, with stable snake_case column names, derived from the flattening
rules of the store's version: the newest version this toolkit knows, a draft included, so
that no dataset is newer than the store (older datasets are upgraded first, so every
dataset lands in the same columns). Every row starts with its provenance."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from ..schemas import version_names
from ..tabular.flatten import flatten
from ..tabular.rules import Column, Table, tables

PROVENANCE = ("dataset_id", "publisher", "source", "version", "retrieved_at", "checksum")
# their types: retrieved_at is a TIMESTAMP in UTC (without a zone), the others text
PROVENANCE_COLUMNS = [(p, "TIMESTAMP" if p == "retrieved_at" else "VARCHAR")
                      for p in PROVENANCE]
# The analysis table for each list in the standard, and the name of its own identifier.
NAMES: dict[str, tuple[str, str | None]] = {
    "projects": ("projects", "project_id"),
    "partners": ("partners", "organisation_id"),
    "participantGroups": ("participant_groups", "group_id"),
    "counts": ("demographic_counts", None),
    "activities": ("activities", "activity_id"),
    "outputs": ("outputs", "output_id"),
    "outcomes": ("outcomes", "outcome_id"),
    "indicators": ("indicators", "indicator_id"),
    "codes": ("indicator_codes", None),
    "reports": ("indicator_reports", "report_id"),
    "costs": ("costs", "cost_id"),
    "economicEstimates": ("economic_estimates", "estimate_id"),
    "impactRisks": ("impact_risks", "risk_id"),
    "funders": ("funders", "funder_id"),
    "relatedProjects": ("related_projects", "related_project_id"),
    "composition": ("report_composition", None),
}
TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN",
         "date": "DATE", "datetime": "VARCHAR", "list": "VARCHAR[]"}


def store_version() -> str:
    """The version whose columns the store has: the newest this toolkit knows."""
    return version_names()[-1]


def _names(key: str) -> tuple[str, str | None]:
    """The table name and identifier column for the list KEY; a list this module does not
    name yet gets its field name in snake case, so a new list never breaks the store."""
    return NAMES.get(key) or (snake(key), None)


def _table_name(table: Table) -> str:
    """The analysis table a list lands in; the evaluated sample's breakdowns (1.2) have no
    participant group, so they get a table of their own."""
    name, _ = _names(table.path[-1])
    if name == "demographic_counts" and "sampleDemographics" in table.path:
        return "sample_demographic_counts"
    return name


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).replace("/", "_").lower()


@dataclass
class Spec:
    name: str
    table: Table
    columns: list[tuple[str, str, Column | None]] = field(default_factory=list)  # name, type


def _column_name(table: Table, column: Column) -> str:
    if column.link is not None:
        ancestor = table.ancestors[column.link]
        return _names(ancestor.path[-1])[1] or f"{_names(ancestor.path[-1])[0]}_id"
    if column.path == ("id",):
        return _names(table.path[-1])[1] or "id"
    return snake(column.json_heading)


@cache
def specs(version: str | None = None) -> dict[str, Spec]:
    """Every analysis table, by name, in the order the rules give (parents first)."""
    version = version or store_version()
    out: dict[str, Spec] = {}
    for table in tables(version):
        if not table.path:
            continue
        name = _table_name(table)
        if name in out:  # the demographic breakdowns share one table
            continue
        spec = Spec(name, table)
        spec.columns = [(p, kind, None) for p, kind in PROVENANCE_COLUMNS]
        if name.endswith("demographic_counts"):
            spec.columns.append(("dimension", "VARCHAR", None))
        spec.columns += [(_column_name(table, c), TYPES[c.kind], c) for c in table.columns]
        out[name] = spec
    return out


def _value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "DATE" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    if kind == "VARCHAR[]":
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return value


def dataset_rows(data: dict, provenance: tuple, version: str | None = None
                 ) -> dict[str, list[tuple]]:
    """The rows a valid dataset (in the store's version) adds to each analysis table."""
    version = version or store_version()
    out: dict[str, list[tuple]] = {}
    for table, rows in flatten(data, version):
        if not table.path:
            continue
        name = _table_name(table)
        spec = specs(version)[name]
        kinds = [kind for _, kind, column in spec.columns if column is not None]
        extra = (table.path[-2],) if name.endswith("demographic_counts") else ()
        dimension = snake(extra[0]).replace("_", "-") if extra else None  # ageBand: age-band
        for row in rows:
            values = tuple(_value(v, k) for v, k in zip(row, kinds, strict=True))
            out.setdefault(name, []).append(
                provenance + ((dimension,) if dimension else ()) + values)
    return out
