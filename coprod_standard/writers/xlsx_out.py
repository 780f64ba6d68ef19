"""An Excel workbook from a dataset, or an empty one as the template.

Every workbook is a template: a "Read me" sheet in plain English; one sheet per table
with a frozen heading row; a note on each heading with the field's description; a
dropdown in every code column; a visible "Codes" sheet with the code, title and
description of every codelist the workbook uses (the dropdowns refer to its ranges);
identifier and code columns formatted as text so leading zeros survive; date columns
formatted as dates. Text that a spreadsheet could run as a formula is neutralised.

A list of codes is spread over repeated columns, one code a cell ("Purposes",
"Purposes 2", ...; see ``tabular.repeated``). Dropdowns: a closed codelist's refuses other
values, in every column of a list too; an open codelist's (licence, output type) and the
areas (examples of ONS codes) only offer, never refuse. Tested with LibreOffice, which keeps
them when it saves the workbook.
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

from ..codelists import Codelist, find_codelist
from ..schemas import latest_version
from ..tabular.cells import excel_text, neutralise, to_excel
from ..tabular.flatten import flatten
from ..tabular.repeated import Place, places, spread_row, spreads
from ..tabular.rules import Column, Table
from .csv_out import column_required

HEADING_FILL = PatternFill("solid", fgColor="1F3864")
HEADING_FONT = Font(bold=True, color="FFFFFF")
DATE_FORMAT = "yyyy-mm-dd"
DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm"  # so a typed date and time becomes a real one
ROWS_WITH_DROPDOWNS = 5000
CODES_SHEET = "Codes"
# The schema's examples of ONS area codes (common.schema.json, gssCode), with their names.
AREA_EXAMPLES = (("E08000025", "Birmingham", "A metropolitan district in England."),
                 ("W06000015", "Cardiff", "A unitary authority in Wales."),
                 ("E92000001", "England", "The whole of England."))
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
    "4. Where a cell has a dropdown, choose from it. The Codes sheet lists every code with "
    "its title and what it means. Where several codes are allowed, the column is repeated "
    "(Purposes, Purposes 2, Purposes 3 ...): choose one code in each, as many as apply, "
    "and leave the rest empty. Need more? Copy the last of them, paste it beside it and "
    "number its heading (Purposes 7). A title typed instead of its code (Service design "
    "for service-design) is read as the code.",
    "5. Write dates as year-month-day, for example 2025-03-31.",
    "6. Do not rename the headings or the sheets.",
    "",
    "Keep people safe",
    "Never put a person's name, contact details, date of birth, NHS number or address "
    "anywhere, not even in a description. People appear only as numbers.",
    "Numbers of people from 1 to 7 must not be published: leave the number out and put "
    "TRUE under 'Number withheld'. Round other numbers to the nearest 5.",
    "",
    "When you have finished, check the workbook",
    "If your organisation runs the checking web page, open it in your web browser, choose "
    "this file and press 'Check my file'. It lists every problem with its sheet and cell, "
    "and how to fix it. Nothing you upload is kept.",
    "If you use the coprod command instead, type: coprod validate this-file.xlsx",
]


def _note(table: Table, place: Place, version: str) -> str:
    column = place.column
    if place.n > 1:
        return (f"Another code for '{column.heading}', if there is one: one code in each "
                f"of the '{column.heading}' columns.\n(JSON: {column.json_heading})")
    parts = [column.field.description]
    if column_required(table, column, version):
        parts.append("Required.")
    elif column.field.required_when:
        parts.append(f"Required when: {column.field.required_when}")
    if column.field.codelists:
        names = "' and '".join(n.removesuffix(".csv") for n in column.field.codelists)
        parts.append(f"Codes from the list '{names}' on the {CODES_SHEET} sheet"
                     + ("; other values are allowed." if column.field.open_codelist
                        else "."))
    elif column.path == ("areas",):
        parts.append(f"ONS area codes; examples on the {CODES_SHEET} sheet.")
    if spreads(column):
        parts.append(f"One code in each '{column.heading}' column, as many as apply.")
    elif column.kind == "list":
        parts.append("Several values: separate them with semicolons.")
    parts.append(f"(JSON: {column.json_heading})")
    return "\n".join(p for p in parts if p)


class _Codes:
    """The visible Codes sheet: each codelist once (list, code, title, description), in
    the order the workbook first uses them; dropdowns refer to its ranges of codes."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []
        self.ranges: dict[tuple[str, ...], str] = {}

    def range_for(self, key: tuple[str, ...], lists: list[tuple[str, list]]) -> str:
        """The cells of the codes of LISTS (name, [(code, title, description)]), kept
        together so that one range covers a column that may use several lists."""
        if key not in self.ranges:
            first = len(self.rows) + 2
            for name, codes in lists:
                self.rows += [(name, *code) for code in codes]
            self.ranges[key] = (f"{quote_sheetname(CODES_SHEET)}!$B${first}:"
                                f"$B${len(self.rows) + 1}")
        return self.ranges[key]

    def write(self, book) -> None:
        sheet = book.create_sheet(CODES_SHEET)
        sheet.freeze_panes = "A2"
        headings = []
        for heading in ("List", "Code", "Title", "Description"):
            cell = WriteOnlyCell(sheet, value=heading)
            cell.font, cell.fill = HEADING_FONT, HEADING_FILL
            headings.append(cell)
        sheet.append(headings)
        for row in self.rows:
            sheet.append([excel_text(neutralise(v)) for v in row])
        for letter, width in zip("ABCD", (26, 30, 40, 100), strict=True):
            sheet.column_dimensions[letter].width = width


def _lists(column: Column, version: str) -> list[tuple[str, list]] | None:
    """The codelists of a code column, as (name, [(code, title, description)])."""
    if column.path == ("areas",):
        return [("area (examples)", list(AREA_EXAMPLES))]
    found = [find_codelist(version, name) for name in column.field.codelists]
    lists: list[Codelist] = [c for c in found if c is not None]
    return [(c.name, [(k.code, k.title, (f"No longer used: {k.deprecated}. " if k.deprecated
                                          else "") + k.description) for k in c.codes])
            for c in lists] or None


def _dropdown(column: Column, version: str, codes: _Codes) -> DataValidation | None:
    if column.kind == "boolean":
        return DataValidation(type="list", formula1='"TRUE,FALSE"', allow_blank=True,
                              showErrorMessage=True, errorTitle=column.heading[:32],
                              error="Choose TRUE or FALSE.")
    lists = _lists(column, version) if column.link is None else None
    if not lists:
        return None
    formula = codes.range_for(tuple(name for name, _ in lists), lists)
    if column.field.codelists and not column.field.open_codelist and \
            (column.kind != "list" or spreads(column)):
        return DataValidation(type="list", formula1=formula, allow_blank=True,
                              showErrorMessage=True, errorTitle=column.heading[:32],
                              error=f"Choose a code from the list (see the {CODES_SHEET} "
                                    "sheet)." + (" One code a cell: put the next in the next "
                                                 f"'{column.heading}' column."
                                                 if spreads(column) else ""))
    return DataValidation(type="list", formula1=formula, allow_blank=True,
                          showErrorMessage=False)  # offers the codes, refuses nothing


def _sheet(book, table: Table, rows, version: str, codes: _Codes,
           dataset: dict | None) -> None:
    ws = book.create_sheet(table.name)
    ws.freeze_panes = "A2"
    headings = []
    columns = places(table, version, dataset)
    for number, place in enumerate(columns, start=1):
        column = place.column
        letter = get_column_letter(number)
        ws.column_dimensions[letter].width = min(max(len(place.heading) + 2, 14), 50)
        if column.kind == "date":
            ws.column_dimensions[letter].number_format = DATE_FORMAT
        elif column.kind == "datetime":
            ws.column_dimensions[letter].number_format = DATE_TIME_FORMAT
        elif column.kind in ("string", "list"):
            ws.column_dimensions[letter].number_format = "@"
        cell = WriteOnlyCell(ws, value=place.heading)
        cell.font = Font(bold=True, color="FFC7CE" if place.n == 1 and
                         column_required(table, column, version) else "FFFFFF")
        cell.fill = HEADING_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.comment = Comment(_note(table, place, version), "Co-production Data Standard",
                               width=320, height=180)
        headings.append(cell)
        check = _dropdown(column, version, codes)
        if check is not None:
            check.add(f"{letter}2:{letter}{ROWS_WITH_DROPDOWNS}")
            ws.data_validations.append(check)
    ws.append(headings)
    for row in rows:
        ws.append([_cell(ws, value, place.column) for value, place in
                   zip(spread_row(row, table, columns), columns, strict=True)])


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
    codes = _Codes()
    for table, rows in flatten(dataset or {"version": version}, version):
        if dataset is None:
            rows = iter([[version if c.json_heading == "version" else None
                          for c in table.columns]] if not table.path else [])
        _sheet(book, table, rows, version, codes, dataset)
    codes.write(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
