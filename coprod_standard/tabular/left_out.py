"""What a dataset holds that its tables have no column for, so that converting it to tables
(CSV, a workbook, a data package) says what it leaves out rather than lose it silently.

The tables have a column for every field the standard defines; anything else (a field the
standard does not have, an object or list where the standard has none) has nowhere to go.
``$schema`` at the top is left out on purpose: it is for editors of JSON, and the tables
say their version in their own column.
"""

from __future__ import annotations

from typing import Any

from ..issues import Issue, issue_type
from ..schemas import per_schema_set
from .rules import tables

ON_PURPOSE = {("$schema",)}


@per_schema_set  # as the tables: a compiled set's are forgotten with it
def _places(version: str) -> tuple[frozenset[tuple], frozenset[tuple]]:
    """The paths of the columns (``*`` for a list's items), and every path that leads to
    one (a table's list and the objects on the way)."""
    columns: set[tuple] = set()
    for table in tables(version):
        columns.update(table.item_path + column.path for column in table.own_columns)
    leading = {path[:end] for path in columns for end in range(1, len(path))}
    return frozenset(columns), frozenset(leading)


def left_out(dataset: Any, version: str) -> dict[str, int]:
    """For each object (by its JSON Pointer) holding something the tables have no column
    for, how many of its fields are left out."""
    columns, leading = _places(version)
    found: dict[str, int] = {}
    stack: list[tuple[Any, tuple, str]] = [(dataset, (), "")]
    while stack:
        node, path, pointer = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                place = (*path, key)
                if place in columns or place in ON_PURPOSE:
                    continue
                if place in leading and isinstance(value, (dict, list)):
                    stack.append((value, place, f"{pointer}/{_escaped(key)}"))
                else:
                    found[pointer] = found.get(pointer, 0) + 1
        elif isinstance(node, list) and (*path, "*") in leading:
            stack.extend((item, (*path, "*"), f"{pointer}/{index}")
                         for index, item in enumerate(node))
    return dict(sorted(found.items()))


def left_out_issues(dataset: Any, version: str) -> list[Issue]:
    """One issue for each object that holds fields the tables leave out. The fields are
    counted, not named: a name could be anything, even someone's details, and
    'coprod validate' lists them with its privacy checks."""
    kind = issue_type("left-out-of-tables")
    return [kind.make(path=pointer, count=f"{n} field{'s' if n > 1 else ''}",
                      them="them" if n > 1 else "it",
                      holder=f"The object at {pointer} holds" if pointer else
                      "The dataset's own details hold")
            for pointer, n in left_out(dataset, version).items()]


def _escaped(key: str) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")
