"""Lists of codes over repeated columns, one code a cell, in workbooks.

A list of codes from a codelist (Purposes, Stages, the principles' practices, ...) is
written to a workbook as repeated columns, "Purposes", "Purposes 2", "Purposes 3", ...
each with its own dropdown, so that every code is chosen from a list, and a closed list's
dropdown can refuse anything else. There is one column for each code of the list, at most
``CAP``; a dataset with a longer list gets as many columns as it needs, so nothing is lost.

CSV files and data packages keep one cell with the codes separated by semicolons: a CSV
file has no dropdowns, and a data package describes that cell exactly (a ``list`` field
with its ``delimiter``). Reading accepts both forms, and both in one row: the codes of
every column of a list ("Purposes", "Purposes 2", ... in any order, any number, each
holding one code or several separated by semicolons) are read in column order, and a
code given twice is read once. Other lists (areas, identifiers) stay in one cell.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from ..codelists import find_codelist
from .flatten import items_at, value_at
from .rules import Column, Table, normalise

CAP = 6  # columns for a list of codes in the template: examples use at most six codes
_NUMBERED = re.compile(r"(.*\S)\s+(\d{1,3})")


class Place(NamedTuple):
    """One column of a workbook: a table's column, and which of its repeats (1 = the
    first, headed as the column itself)."""

    column: Column
    n: int = 1

    @property
    def heading(self) -> str:
        return heading(self.column, self.n)


def heading(column: Column, n: int) -> str:
    return column.heading if n == 1 else f"{column.heading} {n}"


def spreads(column: Column) -> bool:
    """Whether a column is a list of codes from a codelist, written one code a column."""
    return column.kind == "list" and column.link is None and bool(column.field.codelists)


def template_repeats(column: Column, version: str) -> int:
    """How many columns the template gives a column: for a list of codes, one for each
    code of its lists, at most CAP; one for every other column."""
    if not spreads(column):
        return 1
    lists = [find_codelist(version, name) for name in column.field.codelists]
    return max(1, min(CAP, sum(len(c.codes) for c in lists if c is not None)))


def numbered(lookup: dict[str, Column], text: Any) -> tuple[Column, int] | None:
    """A heading such as "Purposes 2" (or "purposes 2"): the list column and its number."""
    found = _NUMBERED.fullmatch(normalise(text))
    if found is None or int(found[2]) < 1:
        return None
    column = lookup.get(found[1])
    return (column, int(found[2])) if column is not None and column.kind == "list" else None


def places(table: Table, version: str, dataset: dict | None = None) -> list[Place]:
    """The workbook columns of TABLE: each list of codes repeated as the template has it,
    or as many times as the longest list of DATASET in it needs."""
    out = []
    lists = [c for c in table.columns if spreads(c)]
    longest = dict.fromkeys(lists, 0)
    if dataset is not None and lists:
        for _, item in items_at(dataset, table.item_path):
            for column in lists:
                value = value_at(item, column.path)
                if isinstance(value, list) and len(value) > longest[column]:
                    longest[column] = len(value)
    for column in table.columns:
        count = max(template_repeats(column, version), longest.get(column, 0))
        out += [Place(column, n) for n in range(1, count + 1)]
    return out


def spread_row(row: list[Any], table: Table, columns: list[Place]) -> list[Any]:
    """A flattened row (one value a table column) as a workbook row (one value a place):
    a list of codes one code a cell, each as a list of one, the rest left empty."""
    values = dict(zip(table.columns, row, strict=True))
    out = []
    for place in columns:
        value = values[place.column]
        if spreads(place.column):
            if isinstance(value, list):
                value = [value[place.n - 1]] if place.n <= len(value) else None
            elif place.n > 1:  # not a list (data that does not meet the standard): as is
                value = None
        out.append(value)
    return out


def read_lists(layout, row_number: int, cells: list, item: dict) -> None:
    """Into ITEM, the codes of each list over repeated columns in a row of LAYOUT (an
    ``unflatten.SheetLayout``), in column order, each once. The column each came from is
    kept in ``layout.where`` for messages, only when it is not the usual one code a column
    from the first (see ``position``), so that a large workbook costs no memory for it."""
    width = len(cells)
    for column, readers in layout.lists.items():
        codes: list = []
        where: list[int] = []
        for i, conv in readers:
            value = conv(cells[i]) if i < width and cells[i] not in (None, "") else None
            for code in value if value.__class__ is list else [value]:
                if code is not None and code not in codes:
                    codes.append(code)
                    where.append(i + 1)
        if codes:
            holder = item
            for key in column.path[:-1]:
                holder = holder.setdefault(key, {})
            holder[column.path[-1]] = codes
            if any(readers[k][0] != i - 1 for k, i in enumerate(where)):
                layout.where[row_number, column] = tuple(where)


def position(layout, row_number: int, column: Column, index: int) -> int | None:
    """The column number that holds item INDEX of a list of codes in a row, if the list
    is over repeated columns in LAYOUT."""
    where = layout.where.get((row_number, column))
    if where is not None:
        return where[index] if index < len(where) else None
    readers = layout.lists.get(column) if layout.lists else None
    return readers[index][0] + 1 if readers and index < len(readers) else None
