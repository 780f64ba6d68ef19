"""A small grid of the cells around an issue, so a spreadsheet user sees it in place.

Grids are made for the first few issues of each kind only, in one pass over each sheet
that stops at the last row needed. Long text is cut short. Privacy issues get no grid;
in every other grid, a cell where a privacy issue is, or that the caller's HIDDEN says
holds personal data (judged on its whole text, before it is cut), shows ``PHRASE``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime, time
from typing import Any

from ..issues import Issue
from ..withhold import PHRASE
from .letters import column_letter, column_number

# For a sheet name and the rows wanted: (row number, cells) pairs, row 1 being the headings.
Fetch = Callable[[str, set[int]], Iterator[tuple[int, list[Any]]]]
WIDTH = 22
Hidden = Callable[[Any], bool]  # a cell's value -> must it be hidden?


def _short(value: Any) -> str:
    if isinstance(value, datetime) and value.time() == time(0):
        value = value.date()
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= WIDTH else text[: WIDTH - 1] + "…"


def attach(issues: list[Issue], fetch: Fetch, hidden: Hidden | None = None,
           per_code: int = 3) -> None:
    """Give the first few located issues of each code their surrounding cells."""
    chosen: list[Issue] = []
    counts: dict[str, int] = defaultdict(int)
    flagged: set[tuple] = set()  # (sheet, row, column letter or None for the whole row)
    for issue in issues:
        where = issue.location
        if issue.category == "privacy" and where and where.sheet:
            flagged.add((where.sheet, where.row, where.column_letter))
        if not where or not where.sheet or not where.row or not where.column_letter:
            continue
        if issue.category == "privacy" or counts[issue.code] >= per_code:
            continue
        counts[issue.code] += 1
        chosen.append(issue)
    wanted: dict[str, set[int]] = defaultdict(set)
    for issue in chosen:
        row = issue.location.row
        wanted[issue.location.sheet].update({1, row - 1, row, row + 1} - {0})
    cells: dict[str, dict[int, list[Any]]] = {}
    for sheet, rows in wanted.items():
        cells[sheet] = dict(fetch(sheet, rows))
    for issue in chosen:
        issue.context = _grid(issue, cells.get(issue.location.sheet, {}), flagged,
                              hidden or (lambda value: False))


def _grid(issue: Issue, rows: dict[int, list[Any]], flagged: set[tuple],
          hidden: Hidden) -> dict[str, Any]:
    where = issue.location
    focus = column_number(where.column_letter)
    columns = [c for c in (focus - 1, focus, focus + 1) if c >= 1]
    numbers = [r for r in (1, where.row - 1, where.row, where.row + 1) if r in rows]
    numbers = sorted(set(numbers))

    def cell(row: int, column: int) -> str:
        cells = rows[row]
        value = cells[column - 1] if column - 1 < len(cells) else None
        if value not in (None, "") and (
                (where.sheet, row, column_letter(column)) in flagged or
                (where.sheet, row, None) in flagged or hidden(value)):
            return PHRASE
        return _short(value)

    return {
        "sheet": where.sheet,
        "columns": [column_letter(c) for c in columns],
        "rows": [{"row": n, "cells": [cell(n, c) for c in columns]} for n in numbers],
        "focus": {"row": where.row, "column": where.column_letter},
    }


def render(grid: dict[str, Any]) -> list[str]:
    """The grid as a few lines of text, with the cell at fault marked."""
    widths = [max([len(c)] + [len(r["cells"][i]) for r in grid["rows"]])
              for i, c in enumerate(grid["columns"])]
    widths = [max(w, 3) + 2 for w in widths]
    lines = [("      " + "".join(f" {c:<{w}}" for c, w in zip(grid["columns"], widths,
                                                             strict=True))).rstrip()]
    for row in grid["rows"]:
        cells = []
        for letter, value, width in zip(grid["columns"], row["cells"], widths, strict=True):
            mark = row["row"] == grid["focus"]["row"] and letter == grid["focus"]["column"]
            cells.append(f"[{value}]".ljust(width + 1) if mark else f" {value:<{width}}")
        lines.append(f"{row['row']:>5} " + "".join(cells).rstrip())
    return lines
