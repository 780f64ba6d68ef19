"""Messages about tables in the tables' own words: fields named as the workbook or CSV
files show them (a column's heading, the sheet of a list, or the columns an object is
spread over), never by a JSON field name; and one problem said once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from ..fields import Path, fields, path_of_pointer
from ..issues import NAMING, Issue
from .rules import tables


@contextmanager
def named(tabular: bool, version: str | None) -> Iterator[None]:
    """While tables (TABULAR) of VERSION are checked, messages name fields by headings."""
    token = NAMING.set(namer(version)) if tabular and version else None
    try:
        yield
    finally:
        if token is not None:
            NAMING.reset(token)


def namer(version: str) -> Callable[[str, str], str]:
    """How messages name fields when the input is tables of VERSION (a schema set key)."""

    def name(field: str, near: str) -> str:
        return _name(version, field, path_of_pointer(near) if near else ())
    return name


@lru_cache(maxsize=4096)
def _name(version: str, field: str, near: Path) -> str:
    """FIELD (a name, or a path with / or .) as the tables show it: of the fields whose
    path ends with it, the one that shares most of NEAR (the issue's path)."""
    wanted = tuple(p for p in re.split(r"[./]", field) if p and p != "*")
    best, score = None, -1
    for path in fields(version) if wanted else ():
        bare = tuple(p for p in path if p != "*")
        if bare[-len(wanted):] != wanted:
            continue
        shared = next((i for i, (a, b) in enumerate(zip(path, near, strict=False))
                       if a != b), min(len(path), len(near)))
        if shared > score:
            best, score = path, shared
    return (_describe(version, best) if best else None) or f"'{field}'"


def _describe(version: str, path: Path) -> str | None:
    """The heading of the column at PATH, the sheet of the list at PATH, or the columns
    of the object at PATH."""
    under = []
    for table in tables(version):
        if path[-1:] == ("*",):  # an item of a list of codes: the list's heading
            item = next((c for c in table.own_columns if c.kind == "list" and
                         table.item_path + c.path == path[:-1]), None)
            if item is not None:
                return f"'{item.heading}'"
        if table.path == path:
            return f"the '{table.name}' sheet"
        for column in table.own_columns:
            full = table.item_path + column.path
            if full == path:
                return f"'{column.heading}'"
            if full[:len(path)] == path:
                under.append(column.heading)
    if not under:
        return None
    if len(under) == 1:
        return f"'{under[0]}'"
    first = {heading.split(": ")[0] for heading in under}
    title = first.pop() if len(first) == 1 else fields(version)[path].title
    return f"the '{title}' columns" if title else None


# A cell left empty: these say it, and what else is found at the same place only repeats it
# (an empty evidence cell is "missing", not also "too short").
MISSING = frozenset({"missing-required-field", "missing-conditional-field", "empty-text"})


def said_once(issues: list[Issue]) -> list[Issue]:
    """ISSUES without those that repeat, at the same place, that a value is missing."""
    missing = {i.path for i in issues if i.code in MISSING}
    return [i for i in issues if i.code in MISSING or i.path not in missing]
