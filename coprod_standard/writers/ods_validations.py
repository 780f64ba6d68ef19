"""The list dropdowns of an ODS document: each openpyxl list validation as an ODF content
validation (a list of values, or a range of cells on another sheet), and which one applies
to a cell."""

from __future__ import annotations

import re
from xml.sax.saxutils import quoteattr

from openpyxl.utils import range_boundaries

from .ods_cells import paragraphs

_RANGE = re.compile(r"^=?(?:'((?:[^']|'')+)'|([^'!]+))!(\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)$")


def cell_address(sheet: str, column: int, row: int, absolute: bool = False) -> str:
    from openpyxl.utils import get_column_letter

    dollar = "$" if absolute else ""
    quoted = "'" + sheet.replace("'", "''") + "'" if re.search(r"[^A-Za-z0-9_]", sheet) \
        else sheet
    return f"{dollar}{quoted}.{dollar}{get_column_letter(column)}{dollar}{row}"


def list_condition(formula: str | None, names: dict[str, str] | None = None) -> str | None:
    """A list dropdown's source as an ODF condition: a list of values, or a range (given
    as cells, or by one of the workbook's defined NAMES)."""
    formula = (formula or "").strip()
    if names and formula.lstrip("=") in names:
        formula = names[formula.lstrip("=")]
    if formula.startswith('"') and formula.endswith('"'):
        values = formula[1:-1].split(",")
        return "of:cell-content-is-in-list(" + ";".join(
            '"' + v.replace('"', '""') + '"' for v in values) + ")"
    found = _RANGE.match(formula)
    if not found:
        return None
    sheet = (found[1] or "").replace("''", "'") or found[2]
    left, top, right, bottom = range_boundaries(found[3].replace("$", ""))
    start = cell_address(sheet, left, top, True)
    end = cell_address(sheet, right, bottom, True).split(".", 1)[1]
    return f"of:cell-content-is-in-list([{start}:.{end}])"


Checks = dict[str, dict[int, list[tuple[int, int, str]]]]  # sheet, column: rows, name


def content_validations(book, styles_out: list[str]) -> Checks:
    """Each list dropdown as a content validation (written to STYLES_OUT); for each sheet
    and column, the rows (first, last) each applies to, with its name."""
    cells: Checks = {}
    names = {name: defined.attr_text for name, defined in book.defined_names.items()}
    for ws in book.worksheets:
        for check in ws.data_validations.dataValidation:
            condition = list_condition(check.formula1, names) if check.type == "list" else None
            if condition is None:
                continue
            name = f"val{len(styles_out) + 1}"
            ranges = [range_boundaries(str(r)) for r in check.sqref.ranges]
            left, top = ranges[0][0], ranges[0][1]
            error = ""
            if check.showErrorMessage:
                error = (f'<table:error-message table:message-type="stop" table:title='
                         f'{quoteattr(check.errorTitle or "")} table:display="true">'
                         + paragraphs(check.error or "") + "</table:error-message>")
            styles_out.append(
                f'<table:content-validation table:name="{name}" table:condition='
                f'{quoteattr(condition)} table:allow-empty-cell='
                f'"{"true" if check.allow_blank else "false"}" table:display-list='
                f'"{"none" if check.showDropDown else "unsorted"}" table:base-cell-address='
                f'{quoteattr(cell_address(ws.title, left, top))}>{error}'
                "</table:content-validation>")
            for left, top, right, bottom in ranges:
                for column in range(left, right + 1):
                    cells.setdefault(ws.title, {}).setdefault(column, []).append(
                        (top, bottom, name))
    return cells


def validation_at(columns: dict[int, list[tuple[int, int, str]]], column: int, row: int
           ) -> str | None:
    return next((name for top, bottom, name in columns.get(column, ())
                 if top <= row <= bottom), None)
