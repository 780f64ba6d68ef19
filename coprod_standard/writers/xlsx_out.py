"""An Excel workbook from a dataset, or an empty one as the template.

Every workbook is a template: a "Read me" sheet in plain English; one sheet per table
with a frozen heading row; a note on each heading with the field's description; a
dropdown for every closed codelist; identifier and code columns formatted as text so
leading zeros survive; date columns formatted as dates. Text that a spreadsheet could run
as a formula is neutralised.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..schemas import latest_version
from ..tabular.cells import to_excel
from ..tabular.flatten import flatten
from ..tabular.rules import Column, Table
from .csv_out import closed_codes, column_required

HEADING_FILL = PatternFill("solid", fgColor="1F3864")
HEADING_FONT = Font(bold=True, color="FFFFFF")
DATE_FORMAT = "yyyy-mm-dd"
DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm"  # so a typed date and time becomes a real one
ROWS_WITH_DROPDOWNS = 5000
READ_ME = [
    "Co-production Data Standard: workbook",
    "",
    "This workbook holds a dataset in the Co-production Data Standard, version {version}.",
    "Each sheet is one kind of thing: the dataset itself, projects, participant groups, "
    "activities, outcomes, indicators, results and costs.",
    "",
    "How to fill it in",
    "1. Fill in one row on the Dataset sheet, and one row per project on the Projects sheet.",
    "2. On the other sheets, the first columns say which project (and which group, outcome "
    "or indicator) each row belongs to. Copy the identifiers exactly.",
    "3. Hover over a heading to read what it means. Red headings must be filled in.",
    "4. Where a cell has a dropdown, choose from it. Where several codes are allowed, "
    "separate them with semicolons, for example: define; design; deliver.",
    "5. Write dates as year-month-day, for example 2025-03-31.",
    "6. Do not rename the headings or the sheets.",
    "",
    "Keep people safe",
    "Never put a person's name, contact details, date of birth, NHS number or address "
    "anywhere, not even in a description. People appear only as numbers.",
    "Numbers of people from 1 to 7 must not be published: leave the number out and put "
    "TRUE under 'Number withheld'. Round other numbers to the nearest 5.",
    "",
    "When you have finished, check the workbook: coprod validate this-file.xlsx",
]


def _note(table: Table, column: Column, version: str) -> str:
    parts = [column.field.description]
    if column_required(table, column, version):
        parts.append("Required.")
    elif column.field.required_when:
        parts.append(f"Required when: {column.field.required_when}")
    if column.field.codelists:
        names = ", ".join(n.removesuffix(".csv") for n in column.field.codelists)
        parts.append(f"Codes from the list: {names}.")
    if column.kind == "list":
        parts.append("Several values: separate them with semicolons.")
    parts.append(f"(JSON: {column.json_heading})")
    return "\n".join(p for p in parts if p)


class _Codelists:
    """A hidden sheet holding each closed codelist once, for dropdowns to refer to."""

    def __init__(self) -> None:
        self.columns: list[list[str]] = []
        self.ranges: dict[tuple, str] = {}

    def range_for(self, codes: list[str]) -> str:
        key = tuple(codes)
        if key not in self.ranges:
            self.columns.append(codes)
            letter = get_column_letter(len(self.columns))
            self.ranges[key] = (f"{quote_sheetname('Codelists')}!${letter}$1:"
                                f"${letter}${len(codes)}")
        return self.ranges[key]


def _sheet(book, table: Table, rows, version: str, codelists: _Codelists) -> None:
    ws = book.create_sheet(table.name)
    ws.freeze_panes = "A2"
    headings = []
    for number, column in enumerate(table.columns, start=1):
        letter = get_column_letter(number)
        ws.column_dimensions[letter].width = min(max(len(column.heading) + 2, 14), 50)
        if column.kind == "date":
            ws.column_dimensions[letter].number_format = DATE_FORMAT
        elif column.kind == "datetime":
            ws.column_dimensions[letter].number_format = DATE_TIME_FORMAT
        elif column.kind in ("string", "list"):
            ws.column_dimensions[letter].number_format = "@"
        cell = WriteOnlyCell(ws, value=column.heading)
        cell.font = Font(bold=True, color="FFC7CE" if column_required(table, column, version)
                         else "FFFFFF")
        cell.fill = HEADING_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.comment = Comment(_note(table, column, version), "Co-production Data Standard",
                               width=320, height=180)
        headings.append(cell)
        codes = closed_codes(column, version)
        if codes or column.kind == "boolean":
            formula = '"TRUE,FALSE"' if column.kind == "boolean" else \
                f"={codelists.range_for(codes)}"
            check = DataValidation(type="list", formula1=formula, allow_blank=True,
                                   showErrorMessage=True, errorTitle=column.heading,
                                   error="Choose a value from the list.")
            check.add(f"{letter}2:{letter}{ROWS_WITH_DROPDOWNS}")
            ws.data_validations.append(check)
    ws.append(headings)
    for row in rows:
        ws.append([_cell(ws, value, column) for value, column in zip(row, table.columns,
                                                                      strict=True)])


def _cell(ws, value: Any, column: Column) -> Any:
    converted = to_excel(value, column)
    if column.kind == "date" and converted is not None and not isinstance(converted, str):
        cell = WriteOnlyCell(ws, value=converted)
        cell.number_format = DATE_FORMAT
        return cell
    return converted


def workbook_bytes(dataset: dict | None, version: str | None = None) -> bytes:
    """The workbook for a dataset, or the empty template when ``dataset`` is None."""
    version = version or latest_version()
    book = openpyxl.Workbook(write_only=True)
    read_me = book.create_sheet("Read me")
    for line in READ_ME:
        read_me.append([line.format(version=version)])
    read_me.column_dimensions["A"].width = 110
    codelists = _Codelists()
    for table, rows in flatten(dataset or {"version": version}, version):
        if dataset is None:
            rows = iter([[version if c.json_heading == "version" else None
                          for c in table.columns]] if not table.path else [])
        _sheet(book, table, rows, version, codelists)
    hidden = book.create_sheet("Codelists")
    hidden.sheet_state = "hidden"
    longest = max((len(c) for c in codelists.columns), default=0)
    for index in range(longest):
        hidden.append([c[index] if index < len(c) else None for c in codelists.columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
