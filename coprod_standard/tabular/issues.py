"""Issues found while reading spreadsheets and CSV files, before any schema check."""

from __future__ import annotations

from ..issues import IssueType, Severity, register

E, W, A = Severity.ERROR, Severity.WARNING, Severity.ADVISORY


def _t(code, title, severity, description, message, fix, unreadable=False):
    return IssueType(code, title, severity, "spreadsheet", description, message, fix,
                     unreadable)


register(
    _t("unknown-column", "Unknown column", E,
       "A column heading that the standard does not define on this sheet. Its data is not "
       "read.",
       "The column '{heading}' is not part of the '{sheet}' sheet.{suggestion}",
       "Rename the heading to one of the standard's headings for this sheet, or delete the "
       "column. The template has every heading."),
    _t("duplicate-column", "Column given twice", E,
       "Two columns on one sheet have the same heading, so it is not clear which to use.",
       "The heading '{heading}' appears more than once on the '{sheet}' sheet; the first "
       "one is used.",
       "Delete or rename the extra column."),
    _t("blank-column-heading", "Column without a heading", E,
       "A column holds data but has no heading, so its data cannot be read.",
       "A column on the '{sheet}' sheet has data but no heading.",
       "Give the column its heading from the template, or delete it."),
    _t("unknown-sheet", "Unknown sheet", W,
       "A sheet or CSV file that is not one of the standard's tables. It is not read.",
       "The sheet '{sheet}' is not one of the standard's tables, so it was not read.{suggestion}",
       "Rename it to one of: {names}; or delete it if it holds only notes."),
    _t("orphan-row", "Row without its parent", E,
       "A row refers to a parent (a project, group, outcome or indicator) that is not on its "
       "sheet, so it cannot be placed in the dataset.",
       "This row refers to {parent} '{key}', which is not on the '{parent_sheet}' sheet.",
       "Check the identifier for typing mistakes, or add the missing row to the "
       "'{parent_sheet}' sheet."),
    _t("missing-link", "Row without its parent's identifier", E,
       "A row on a child sheet does not say which parent it belongs to.",
       "This row does not give the {heading}, so it cannot be linked to its parent.",
       "Fill in the {heading}: the identifier of the row it belongs to on the "
       "'{parent_sheet}' sheet."),
    _t("duplicate-row", "Row given twice", E,
       "Two rows on one sheet have the same identifier under the same parent.",
       "Another row on the '{sheet}' sheet already has the identifier '{key}'.",
       "Give each row its own identifier. Rows below that belong to it are linked to the "
       "first one."),
    _t("extra-dataset-row", "More than one row on the Dataset sheet", E,
       "The Dataset sheet describes the one dataset, so it has one row of data.",
       "The 'Dataset' sheet has more than one row of data; only the first is read.",
       "Keep one row on the Dataset sheet."),
    _t("legacy-encoding", "Saved as Windows-1252, not UTF-8", A,
       "A CSV file was saved in the older Windows-1252 encoding. It was read, but UTF-8 is "
       "safer for names and symbols.",
       "The file {file} is not UTF-8; it was read as Windows-1252.",
       "In Excel, choose Save As, then 'CSV UTF-8 (Comma delimited)'."),
    _t("malformed-csv", "CSV file cannot be read", E,
       "A CSV file is not in a form that can be read.",
       "The CSV file could not be read: {problem}.",
       "Open it in a spreadsheet program and save it again as 'CSV UTF-8 (Comma delimited)'.",
       unreadable=True),
    _t("formula-cell", "Formula in a cell", W,
       "A cell holds a formula. Formulas are never run here: the value the cell last showed "
       "in a spreadsheet program was read instead, which may be out of date, or empty if "
       "the file was never opened in one.",
       "On the '{sheet}' sheet, {cell} holds a formula; its last shown value was read, not "
       "the formula.",
       "Replace the formula by its value: copy the cells, then Paste Special, Values. "
       "Published data should hold values, which cannot change or run anything."),
    _t("cell-too-long", "Cell too long", E,
       "A cell holds more text than a spreadsheet cell can (32,767 characters in Excel), so "
       "the file was not made by a spreadsheet program as it stands, or a cell swallowed "
       "the rest of the file.",
       "The cell at {place} holds {length} characters, more than the limit of {limit}.",
       "Shorten the text in that cell, or link to a document instead. In a CSV file, check "
       "for a double quote (\") that opens a cell but is never closed.",
       unreadable=True),
    _t("left-out-of-tables", "Not carried over to the tables", E,
       "Converting to tables (CSV files, a workbook, a data package) writes a column for "
       "every field the standard has. A field it does not have has no column, so it is "
       "left out of the output; the input keeps it.",
       "{holder} {count} that the standard does not have. The tables have no column for "
       "{them}, so the output leaves {them} out.",
       "Keep the JSON file as the full record, or move what they hold into fields the "
       "standard has (a description, for example). 'coprod validate' names each of them "
       "(as unknown-field)."),
    _t("empty-workbook", "No data found", E,
       "None of the sheets or CSV files is one of the standard's tables.",
       "No sheet in {file} is one of the standard's tables.",
       "Start from the template ('coprod template'), which has every sheet the standard uses.",
       unreadable=True),
    _t("unsafe-workbook", "Unsafe file refused", E,
       "The workbook or zip file was refused because it is built like an attack: a zip "
       "bomb, XML entity tricks, or XML nested or repeated far beyond what any workbook "
       "needs, all made to exhaust memory.",
       "The file {file} was refused for safety: {reason}.",
       "If you made this file yourself, open it in Excel or LibreOffice and save it again "
       "as a new .xlsx file; otherwise do not open it.",
       unreadable=True),
    _t("damaged-file", "Damaged workbook or zip file", E,
       "The workbook or zip file is damaged or incomplete, so it cannot be read.",
       "The file {file} cannot be read: {reason}.",
       "Open the file in Excel or LibreOffice and save it again as a new .xlsx file, or "
       "make the zip file again.",
       unreadable=True),
)

from . import codes as _codes  # noqa: E402, F401 - registers title-used-for-code
