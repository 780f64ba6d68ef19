"""Flattening rules, derived from the schema: which tables (sheets or CSV files) a dataset
becomes, and which columns each has.

- One table per list of objects (projects, participant groups, outcomes, ...), plus one
  "Dataset" table for the dataset's own details.
- Objects that occur once (a project's evaluation, a group's ethnicity) are rolled into
  their parent's row; a list of codes is one column here, one cell with the codes
  separated by semicolons (a workbook spreads it over repeated columns: see ``repeated``).
- A child table starts with its ancestors' identifiers (Project identifier, Outcome
  identifier, ...), which link each row to its parent.
- Headings are the schema's human titles; JSON-path headings (``evaluation/design``) are
  accepted on reading too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..fields import Field, Path, fields
from ..schemas import per_schema_set

LIST_SEPARATOR = ";"
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: columns are singletons
class Column:
    path: Path  # within the table's item; for a link column, the ancestor's id path
    heading: str  # the human heading
    json_heading: str  # the JSON-path heading, such as evaluation/design
    kind: str  # string, integer, number, boolean, date, datetime or list
    field: Field
    link: int | None = None  # for link columns: which ancestor (0 = the outermost)

    @property
    def required(self) -> bool:
        return self.link is not None or self.field.required


@dataclass
class Table:
    name: str  # sheet name, at most 31 characters
    path: Path  # the list's path in the dataset, e.g. ("projects", "*", "outcomes")
    item_title: str
    ancestors: list[Table] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    has_id: bool = False

    @property
    def file_name(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") + ".csv"

    @property
    def item_path(self) -> Path:
        return self.path + ("*",) if self.path else ()

    @property
    def own_columns(self) -> list[Column]:
        return [c for c in self.columns if c.link is None]

    @property
    def link_columns(self) -> list[Column]:
        return [c for c in self.columns if c.link is not None]

    @property
    def key_columns(self) -> list[Column]:
        """Columns that identify a row: its ancestors' identifiers and its own."""
        own = [c for c in self.own_columns if c.path == ("id",)]
        return self.link_columns + own


def _kind(fld: Field) -> str:
    if fld.is_list:
        return "list"
    if "string" in fld.types:
        return {"date": "date", "date-time": "datetime"}.get(fld.format or "", "string")
    for kind in ("integer", "number", "boolean"):
        if kind in fld.types:
            return kind
    return "string"


def _is_object_list(fld: Field) -> bool:
    return fld.is_list and "object" in fld.item_types


def _heading(parent: Field | None, fld: Field) -> str:
    title = fld.title or fld.name
    if parent is None or not parent.title or title.lower().startswith(parent.title.lower()):
        return title
    return f"{parent.title}: {title}"


def _own_columns(all_fields: dict[Path, Field], item: Path, rel: Path = (),
                 parent: Field | None = None) -> list[Column]:
    columns = []
    base = all_fields[item + rel]
    for name in base.children:
        fld = all_fields[item + rel + (name,)]
        path = rel + (name,)
        if _is_object_list(fld) or name.startswith("$"):
            continue  # a table of its own; "$schema" is for editors of JSON only
        if "object" in fld.types and not fld.is_list:
            columns += _own_columns(all_fields, item, path, fld)
            continue
        columns.append(Column(path, _heading(parent, fld), "/".join(path), _kind(fld), fld))
    return columns


def _sheet_name(fld: Field, used: set[str]) -> str:
    name = SHEET_FORBIDDEN.sub("", fld.title.replace(": ", " ")).strip()[:31] or fld.name[:31]
    candidate, n = name, 2
    while candidate.lower() in used:
        candidate = f"{name[:28]} {n}"
        n += 1
    used.add(candidate.lower())
    return candidate


def _unique_headings(columns: list[Column]) -> list[Column]:
    seen: dict[str, int] = {}
    for column in columns:
        seen[column.heading.lower()] = seen.get(column.heading.lower(), 0) + 1
    out = []
    for column in columns:
        if seen[column.heading.lower()] > 1:
            column = Column(column.path, f"{column.heading} ({column.json_heading})",
                            column.json_heading, column.kind, column.field, column.link)
        out.append(column)
    return out


@per_schema_set
def tables(version: str) -> tuple[Table, ...]:
    """Every table of a version, parents before children, in schema order."""
    all_fields = fields(version)
    used = {"dataset", "read me", "codelists"}
    dataset = Table("Dataset", (), "Dataset")
    dataset.columns = _unique_headings(_own_columns(all_fields, ()))
    out = [dataset]
    by_path: dict[Path, Table] = {}
    for path, fld in all_fields.items():
        if not _is_object_list(fld):
            continue
        item = path + ("*",)
        ancestors = [by_path[p] for p in sorted(by_path, key=len)
                     if len(p) < len(path) and path[:len(p)] == p and path[len(p)] == "*"]
        table = Table(_sheet_name(fld, used), path, all_fields[item].title or fld.title,
                      ancestors)
        links = []
        for level, ancestor in enumerate(ancestors):
            id_field = all_fields[ancestor.item_path + ("id",)]
            links.append(Column(ancestor.item_path + ("id",), id_field.title,
                                f"{ancestor.path[-1]}/id", "string", id_field, link=level))
        table.columns = _unique_headings(links + _own_columns(all_fields, item))
        table.has_id = "id" in all_fields[item].children
        by_path[path] = table
        out.append(table)
    return tuple(out)


def table_named(version: str, name: str) -> Table | None:
    wanted = normalise(name)
    for table in tables(version):
        if normalise(table.name) == wanted or normalise(table.file_name[:-4]) == wanted:
            return table
    return None


def sheet_tables(version: str, names: Iterable[str]) -> dict[str, Table | None]:
    """The table each sheet or CSV file is, by its name: the table's name ("Participant
    groups"), its file name ("participant-groups.csv"), or the sheet's name with .csv as
    spreadsheet programs name a sheet saved as CSV ("Participant groups.csv", or
    LibreOffice's "club-Participant groups.csv", whose shared "club-" is left out)."""
    known: dict[str, Table] = {}
    for table in tables(version):
        for name in (table.name, table.name + ".csv", table.file_name[:-4], table.file_name):
            known[normalise(name)] = table
    return {name: known.get(normalise(name)) or known.get(key)
            for name, key in sheet_keys(names).items()}


def sheet_keys(names: Iterable[str]) -> dict[str, str]:
    """Each sheet's name as compared: normalised, without .csv or the "name-" that
    LibreOffice puts before every sheet's name when it saves each sheet as CSV."""
    keys = {name: normalise(name) for name in names}
    prefix = os.path.commonprefix(list(keys.values())) if len(keys) > 1 else ""
    prefix = prefix[:prefix.rfind("-") + 1]
    return {name: key[len(prefix):].removesuffix("/csv")  # ".csv", normalised
            for name, key in keys.items()}


def normalise(heading: str) -> str:
    """Compare headings ignoring case, spacing and the JSON-path separator used."""
    return re.sub(r"\s+", " ", str(heading).replace(".", "/")).strip().lower()


def column_lookup(table: Table) -> dict[str, Column]:
    """Every accepted heading (human or JSON path) for the table's columns."""
    lookup: dict[str, Column] = {}
    for column in table.columns:
        lookup[normalise(column.heading)] = column
        lookup[normalise(column.json_heading)] = column
    return lookup
