"""Cells that hold formulas in a workbook. The workbook is read for the values Excel last
calculated, never the formulas (a formula is never run here); each formula cell is still
reported, because the value read may be stale or, if the file was never opened in a
spreadsheet program, missing.

A sheet is first searched (a block at a time) for a formula tag in any spelling XML allows
(``<f>``, ``<x:f >``, ...); only a sheet that has one is then parsed, by an XML parser, so
that every formula cell is found however its tags are written, and placed as openpyxl
places it (a cell or row that does not say its place follows the one before). The parser
keeps nothing but the element it is in, so memory does not grow with the sheet.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from typing import Any

from ..issues import Issue, Location, issue_type
from .letters import column_letter, column_number
from .zips import DEEPEST, TooLarge, blocks

_ANY_FORMULA = re.compile(rb"<(?:[^\s<>/!?=\"']*:)?f[\s/>]")
_PLACE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
MOST = 20  # formula cells reported one by one in each sheet
BOOLEANS = ("TRUE()", "FALSE()")


def _has_formula(archive: zipfile.ZipFile, part: str, file: str) -> bool:
    """True if the part may hold a formula tag (or is too odd to tell without parsing)."""
    return any(not whole or _ANY_FORMULA.search(block)
               for block, whole in blocks(archive, archive.getinfo(part), file))


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def formula_cells(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[str, int]]:
    """The place (column letter, row) of each cell in the part that holds a formula: a
    ``c`` in a ``row`` (wherever the row is, as openpyxl reads it) with an ``f`` in it."""
    from defusedxml.ElementTree import iterparse

    row_number = column = cell_row = 0
    row = cell = None
    formula = boolean = False
    open_elements: list[Any] = []
    with archive.open(part) as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            if event == "start":
                parent = open_elements[-1] if open_elements else None
                open_elements.append(element)
                if len(open_elements) > DEEPEST:
                    raise TooLarge(f"its XML is nested more than {DEEPEST} levels deep")
                local = _local(element.tag)
                if row is None and local == "row":
                    row, column = element, 0
                    row_number = _number(element.get("r"), row_number + 1)
                elif parent is row is not None and local == "c":
                    cell, formula = element, False
                    boolean = element.get("t") == "b"
                    place = _PLACE.fullmatch(element.get("r") or "")
                    column = column_number(place[1].upper()) if place else column + 1
                    cell_row = int(place[2]) if place else row_number
                continue
            open_elements.pop()
            if element is cell:
                if formula:
                    yield column_letter(column), cell_row
                cell = None
            elif element is row:
                row = None
            elif cell is not None and open_elements[-1] is cell and _local(element.tag) == "f":
                # LibreOffice writes TRUE and FALSE as these formulas: booleans, not formulas
                formula = not (boolean and (element.text or "").strip().upper().lstrip("=")
                               in BOOLEANS)
            if open_elements:
                open_elements[-1].clear()  # what has ended is done with


def _number(text: str | None, otherwise: int) -> int:
    return int(text) if text and text.isascii() and text.isdigit() and len(text) < 10 \
        else otherwise


def formula_issues(archive: zipfile.ZipFile, parts: dict[str, str], headings: dict[str, list],
                   file: str) -> list[Issue]:
    """An issue for each cell holding a formula (at most MOST a sheet, then one saying how
    many more); PARTS maps each sheet's name to its part in the zip."""
    found: dict[str, tuple[list[tuple[str, int]], int]] = {}
    for sheet, part in parts.items():
        if part not in archive.namelist() or not _has_formula(archive, part, file):
            continue
        places, count = [], 0
        for place in formula_cells(archive, part):
            count += 1
            if count <= MOST:
                places.append(place)
        found[sheet] = (places, count)
    return formula_cell_issues(found, headings, file)


def formula_cell_issues(found: dict[str, tuple[list[tuple[str, int]], int]],
                        headings: dict[str, list], file: str) -> list[Issue]:
    """The issues for the formula cells FOUND in each sheet: the places of the first MOST
    (column letter, row) and how many there are in all."""
    issues: list[Issue] = []
    for sheet, (places, count) in found.items():
        titles: list[Any] = headings.get(sheet, [])
        for letter, row in places[:MOST]:
            index = column_number(letter) - 1
            title = titles[index] if index < len(titles) and titles[index] else None
            where = Location(file=file, sheet=sheet, row=row, column_letter=letter,
                             column_title=str(title) if title is not None else None)
            issues.append(issue_type("formula-cell").make(
                location=where, sheet=sheet, cell=f"{letter}{row}",
                record="the dataset's own details"))
        if count > MOST:
            issues.append(issue_type("formula-cell").make(
                location=Location(file=file, sheet=sheet), sheet=sheet,
                cell=f"{count - MOST} more cells", record="the dataset's own details"))
    return issues
