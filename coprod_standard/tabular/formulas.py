"""Cells that hold formulas in a workbook. The workbook is read for the values Excel last
calculated, never the formulas (a formula is never run here); each formula cell is still
reported, because the value read may be stale or, if the file was never opened in a
spreadsheet program, missing."""

from __future__ import annotations

import re
import zipfile
from typing import Any

from ..issues import Issue, Location, issue_type
from .letters import column_number

_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)
_FORMULA = re.compile(rb"<f[\s/>]")
MOST = 20  # formula cells reported one by one in each sheet


def _has_formula(archive: zipfile.ZipFile, part: str) -> bool:
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            if _FORMULA.search(tail + chunk):
                return True
            tail = chunk[-3:]
    return False


def formula_issues(archive: zipfile.ZipFile, parts: dict[str, str], headings: dict[str, list],
                   file: str) -> list[Issue]:
    """An issue for each cell holding a formula (at most MOST a sheet, then one saying how
    many more); PARTS maps each sheet's name to its part in the zip."""
    issues: list[Issue] = []
    for sheet, part in parts.items():
        if part not in archive.namelist() or not _has_formula(archive, part):
            continue
        found = [(letter.decode(), int(row)) for letter, row, inner in
                 _CELL.findall(archive.read(part)) if inner and _FORMULA.search(inner)]
        titles: list[Any] = headings.get(sheet, [])
        for letter, row in found[:MOST]:
            index = column_number(letter) - 1
            title = titles[index] if index < len(titles) and titles[index] else None
            where = Location(file=file, sheet=sheet, row=row, column_letter=letter,
                             column_title=str(title) if title is not None else None)
            issues.append(issue_type("formula-cell").make(
                location=where, sheet=sheet, cell=f"{letter}{row}",
                record="the dataset's own details"))
        if len(found) > MOST:
            issues.append(issue_type("formula-cell").make(
                location=Location(file=file, sheet=sheet), sheet=sheet,
                cell=f"{len(found) - MOST} more cells", record="the dataset's own details"))
    return issues
