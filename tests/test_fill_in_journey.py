"""The organisations' path as a person walks it: a workbook filled in cell by cell the way
people type (a date typed as text, titles instead of codes, the wrong case, a code mistyped,
a cell left empty), checked, and fixed by doing what each message says, until it is valid
at the publish level. Every message on the way names its sheet, cell and heading."""

from __future__ import annotations

import io
import json
import re

import openpyxl

from coprod_standard.validate import validate
from coprod_standard.writers.xlsx_out import workbook_bytes
from tests.conftest import ROOT

# Projects sheet: heading -> what a person types there
TYPED = {
    "Start date": "1 September 2023",  # a date typed as text
    "Status": "Active",  # the dropdown's code, typed with a capital
    "Level of participation": "Co-production",  # the code with a capital
    "Intervention types": "Club;Time bank",  # titles, not codes
    "Lead organisation: Type of organisation": "vsce",  # a code mistyped
    "Project title": None,  # left empty
}


def _book() -> tuple[openpyxl.Workbook, dict]:
    data = json.loads((ROOT / "examples" / "dementia-club.json").read_text(encoding="utf-8"))
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(data, "1.2"))), data


def _columns(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1] if cell.value}


def _check(book: openpyxl.Workbook, path) -> object:
    book.save(path)
    return validate(path, level="publish")


def _follow(book: openpyxl.Workbook, issue, original: openpyxl.Workbook) -> bool:
    """Do what the message says, in the cell it names: take the code it suggests ("Did you
    mean 'x'?"), type the text it gives ("Type it as 2025-03-31"), or fill in the value the
    person meant (the example's) where it asks for a missing cell."""
    where = issue.location
    sheet, cell = book[where.sheet], f"{where.column_letter}{where.row}"
    advice = f"{issue.message} {issue.fix or ''}"
    suggested = re.search(r"[Dd]id you mean '([^']+)'", advice)
    typed = re.search(r"[Tt]ype (?:it|the date) as (\d{4}-\d{2}-\d{2})", advice)
    if suggested:
        sheet[cell] = suggested.group(1)
    elif typed:
        sheet[cell] = typed.group(1)
    else:
        sheet[cell] = original[where.sheet][cell].value
    return True


def test_a_workbook_typed_as_people_type_is_fixed_by_following_the_messages(tmp_path):
    book, _ = _book()
    original, _ = _book()
    projects = book["Projects"]
    columns = _columns(projects)
    for heading, value in TYPED.items():
        projects.cell(2, columns[heading]).value = value
    path = tmp_path / "club.xlsx"
    seen: list[str] = []
    for _ in range(4):
        report = _check(book, path)
        errors = [i for i in report.issues if i.severity.value == "error"]
        for issue in report.issues:
            where = issue.location
            assert where and where.sheet and where.column_letter and where.row \
                and where.column_title, (issue.code, issue.message)
            assert not re.search(r"\b[a-z]+[A-Z][a-zA-Z]*\b", issue.message), issue.message
        if not errors:
            break
        seen += [i.code for i in errors]
        for issue in errors:
            _follow(book, issue, original)
    assert report.valid, [(i.code, i.message) for i in report.issues]
    assert set(seen) == {"invalid-code", "missing-required-field"}, seen
    read = report.data["projects"][0]
    assert read["startDate"] == "2023-09-01"
    assert read["status"] == "active" and read["participationLevel"] == "co-production"
    assert read["interventionTypes"] == ["club", "time-bank"]
    assert read["leadOrganisation"]["type"] == "vcse"
    assert read["title"] == "Running the club together"
    # the title typed for a code and the date typed as text are said, as advice only
    advisories = {i.code for i in report.issues if i.severity.value != "error"}
    assert {"title-used-for-code", "date-in-another-form"} <= advisories
