"""An OpenDocument spreadsheet (.ods) from the workbook the Excel writer builds.

The .xlsx template and conversions are made once, by ``xlsx_out``; this module reads that
workbook back with openpyxl and writes the same thing as ODS, so that any change to the
workbook flows here: every sheet and whether it is hidden, column widths and the text or
date format of each column, cell values with their types (text, number, boolean, date),
the heading row's style and notes, the frozen heading row, and every list dropdown (a list
of values, or a range of cells on another sheet) as a content validation.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, time
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import range_boundaries

from .. import __version__

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
    'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'office:version="1.3"')
DATA_STYLES = (  # N1: year-month-day; N2: text, so that 007 stays 007
    '<number:date-style style:name="N1"><number:year number:style="long"/>'
    '<number:text>-</number:text><number:month number:style="long"/><number:text>-'
    '</number:text><number:day number:style="long"/></number:date-style>'
    '<number:text-style style:name="N2"><number:text-content/></number:text-style>'
    '<number:boolean-style style:name="N3"><number:boolean/></number:boolean-style>')
_SPACES = re.compile(r"^ +|  +|\t")
_RANGE = re.compile(r"^=?(?:'((?:[^']|'')+)'|([^'!]+))!(\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)$")


def _paragraphs(text: str) -> str:
    """Text as ODF paragraphs, keeping runs of spaces and tabs (ODF collapses them)."""
    def spaces(found: re.Match) -> str:
        run = found.group()
        if run == "\t":
            return "<text:tab/>"
        if found.start() == 0:
            return f'<text:s text:c="{len(run)}"/>'
        return " " + f'<text:s text:c="{len(run) - 1}"/>'

    return "".join("<text:p>" + _SPACES.sub(spaces, escape(line)) + "</text:p>"
                   for line in text.split("\n"))


def _colour(color: Any) -> str | None:
    rgb = getattr(color, "rgb", None)
    return f"#{rgb[-6:].lower()}" if isinstance(rgb, str) and len(rgb) >= 6 else None


class _Styles:
    """Automatic styles, one for each look used: columns (width and format), tables
    (shown or hidden), cells (font, fill, wrapping, data format)."""

    def __init__(self) -> None:
        self.found: dict[tuple, str] = {}
        self.xml: list[str] = []

    def _name(self, key: tuple, prefix: str, body: str) -> str:
        if key not in self.found:
            self.found[key] = f"{prefix}{len(self.found) + 1}"
            self.xml.append(body.replace("NAME", self.found[key]))
        return self.found[key]

    def table(self, hidden: bool) -> str:
        return self._name(("table", hidden), "ta", (
            '<style:style style:name="NAME" style:family="table"><style:table-properties '
            f'table:display="{"false" if hidden else "true"}"/></style:style>'))

    def column(self, width: float | None) -> str:
        inches = ((width or 8.43) * 7 + 5) / 96  # Excel's width in characters, as pixels
        return self._name(("column", round(inches, 3)), "co", (
            '<style:style style:name="NAME" style:family="table-column">'
            f'<style:table-column-properties style:column-width="{inches:.3f}in"/>'
            '</style:style>'))

    def cell(self, cell: Any = None, data: str = "") -> str | None:
        """The style for a cell of openpyxl (its font, fill and wrapping) with the data
        style DATA (N1 date, N2 text, N3 boolean), or None when it needs none."""
        font = getattr(cell, "font", None)
        fill = getattr(cell, "fill", None)
        key = ("cell", bool(font and font.b), _colour(font.color) if font else None,
               _colour(fill.fgColor) if fill is not None and fill.fill_type == "solid"
               else None, bool(cell is not None and cell.alignment.wrap_text),
               bool(cell is not None and cell.alignment.vertical == "top"), data)
        if key == ("cell", False, None, None, False, False, ""):
            return None
        _, bold, colour, background, wrap, top, _ = key
        cell_props = " ".join(filter(None, [
            f'fo:background-color="{background}"' if background else "",
            'fo:wrap-option="wrap"' if wrap else "",
            'style:vertical-align="top"' if top else ""]))
        text_props = " ".join(filter(None, [
            'fo:font-weight="bold"' if bold else "", f'fo:color="{colour}"' if colour else ""]))
        return self._name(key, "ce", (
            '<style:style style:name="NAME" style:family="table-cell" '
            'style:parent-style-name="Default"'
            + (f' style:data-style-name="{data}"' if data else "") + ">"
            + (f"<style:table-cell-properties {cell_props}/>" if cell_props else "")
            + (f"<style:text-properties {text_props}/>" if text_props else "")
            + "</style:style>"))


def _data_style(number_format: str | None, is_date: bool = False) -> str:
    if number_format == "@":
        return "N2"
    return "N1" if is_date or (number_format or "").lower().startswith("yyyy") else ""


def _address(sheet: str, column: int, row: int, absolute: bool = False) -> str:
    from openpyxl.utils import get_column_letter

    dollar = "$" if absolute else ""
    quoted = "'" + sheet.replace("'", "''") + "'" if re.search(r"[^A-Za-z0-9_]", sheet) \
        else sheet
    return f"{dollar}{quoted}.{dollar}{get_column_letter(column)}{dollar}{row}"


def _condition(formula: str | None, names: dict[str, str] | None = None) -> str | None:
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
    start = _address(sheet, left, top, True)
    end = _address(sheet, right, bottom, True).split(".", 1)[1]
    return f"of:cell-content-is-in-list([{start}:.{end}])"


Checks = dict[str, dict[int, list[tuple[int, int, str]]]]  # sheet, column: rows, name


def _validations(book, styles_out: list[str]) -> Checks:
    """Each list dropdown as a content validation (written to STYLES_OUT); for each sheet
    and column, the rows (first, last) each applies to, with its name."""
    cells: Checks = {}
    names = {name: defined.attr_text for name, defined in book.defined_names.items()}
    for ws in book.worksheets:
        for check in ws.data_validations.dataValidation:
            condition = _condition(check.formula1, names) if check.type == "list" else None
            if condition is None:
                continue
            name = f"val{len(styles_out) + 1}"
            ranges = [range_boundaries(str(r)) for r in check.sqref.ranges]
            left, top = ranges[0][0], ranges[0][1]
            error = ""
            if check.showErrorMessage:
                error = (f'<table:error-message table:message-type="stop" table:title='
                         f'{quoteattr(check.errorTitle or "")} table:display="true">'
                         + _paragraphs(check.error or "") + "</table:error-message>")
            styles_out.append(
                f'<table:content-validation table:name="{name}" table:condition='
                f'{quoteattr(condition)} table:allow-empty-cell='
                f'"{"true" if check.allow_blank else "false"}" table:display-list='
                f'"{"none" if check.showDropDown else "unsorted"}" table:base-cell-address='
                f'{quoteattr(_address(ws.title, left, top))}>{error}'
                "</table:content-validation>")
            for left, top, right, bottom in ranges:
                for column in range(left, right + 1):
                    cells.setdefault(ws.title, {}).setdefault(column, []).append(
                        (top, bottom, name))
    return cells


def _value(value: Any) -> tuple[str, str]:
    """The attributes and the text of a cell holding VALUE."""
    if isinstance(value, bool):
        word = "true" if value else "false"
        return (f'office:value-type="boolean" office:boolean-value="{word}"',
                _paragraphs(word.upper()))
    if isinstance(value, (int, float)):
        return f'office:value-type="float" office:value="{value!r}"', _paragraphs(str(value))
    if isinstance(value, (datetime, date)):
        if isinstance(value, datetime) and value.time() == time(0) and not value.tzinfo:
            value = value.date()
        text = value.isoformat()
        return f'office:value-type="date" office:date-value="{text}"', _paragraphs(text)
    if isinstance(value, time):
        text = f"PT{value.hour:02d}H{value.minute:02d}M{value.second:02d}S"
        return f'office:value-type="time" office:time-value="{text}"', _paragraphs(str(value))
    text = str(value)
    return f'office:value-type="string" office:string-value={quoteattr(text)}', \
        _paragraphs(text)


def _cell(ws, styles: _Styles, cell: Any, validation: str | None, repeat: int = 1) -> str:
    attributes = []
    if repeat > 1:
        attributes.append(f'table:number-columns-repeated="{repeat}"')
    value = getattr(cell, "value", None)
    style = styles.cell(cell, _data_style(cell.number_format, isinstance(
        value, (datetime, date))) if value is not None else "") if cell is not None else None
    if style:
        attributes.append(f'table:style-name="{style}"')
    if validation:
        attributes.append(f'table:content-validation-name="{validation}"')
    body = ""
    if value is not None:
        kind, body = _value(value)
        attributes.append(kind)
    comment = getattr(cell, "comment", None)
    if comment is not None:
        body = ('<office:annotation><dc:creator>' + escape(comment.author or "")
                + "</dc:creator>" + _paragraphs(comment.text) + "</office:annotation>") + body
    return "<table:table-cell" + "".join(" " + a for a in attributes) + ">" + body + \
        "</table:table-cell>"


def _check(columns: dict[int, list[tuple[int, int, str]]], column: int, row: int
           ) -> str | None:
    return next((name for top, bottom, name in columns.get(column, ())
                 if top <= row <= bottom), None)


def _row_xml(ws, styles: _Styles, cells: list, checks: dict, row: int, width: int) -> str:
    """A row's cells, empty ones that look alike merged into one repeated element."""
    parts: list[str] = []
    run_key, run = None, 0
    for column in range(1, width + 1):
        cell = cells[column - 1] if column - 1 < len(cells) else None
        validation = _check(checks, column, row)
        if cell is not None and cell.value is None and cell.comment is None and \
                cell.has_style is False:
            cell = None
        key = (validation,) if cell is None else None
        if key is not None and key == run_key:
            run += 1
            continue
        if run:
            parts.append(_cell(ws, styles, None, run_key[0], run))
        run_key, run = (key, 1) if key is not None else (None, 0)
        if key is None:
            parts.append(_cell(ws, styles, cell, validation))
    if run:
        parts.append(_cell(ws, styles, None, run_key[0], run))
    return "".join(parts)


def _sheet(ws, styles: _Styles, all_checks: Checks) -> str:
    columns = []
    checks = all_checks.get(ws.title, {})
    width = ws.max_column if ws.max_row > 1 or ws["A1"].value is not None else 0
    checked_rows = [bottom for ranges in checks.values() for _, bottom, _ in ranges]
    width = max([width, *checks])
    for dimension in ws.column_dimensions.values():
        width = max(width, dimension.max or 0)
    formats: dict[int, str] = {}
    for dimension in sorted(ws.column_dimensions.values(), key=lambda d: d.min or 0):
        for column in range(dimension.min or 1, (dimension.max or dimension.min or 1) + 1):
            formats[column] = dimension
    for column in range(1, width + 1):
        dimension = formats.get(column)
        style = styles.column(dimension.width if dimension is not None and
                              dimension.customWidth else None)
        data = _data_style(dimension.number_format if dimension is not None else None)
        default = styles.cell(None, data) if data else None
        columns.append(f'<table:table-column table:style-name="{style}"'
                       + (f' table:default-cell-style-name="{default}"' if default else "")
                       + "/>")
    rows, previous, repeat = [], None, 0
    last = max([ws.max_row if width else 0, *checked_rows])
    grid = ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=max(width, 1)) if width \
        else iter(())
    empty: dict[tuple, str] = {}  # rows with no cells, by the dropdowns in them
    for number in range(1, max(last, 1) + 1):
        cells = list(next(grid, ()))  # past the last row with cells: only dropdowns
        if not cells and width:
            key = tuple(_check(checks, column, number) for column in checks)
            if key not in empty:
                empty[key] = _row_xml(ws, styles, cells, checks, number, width)
            xml = empty[key]
        else:
            xml = _row_xml(ws, styles, cells, checks, number, width) if width else ""
        if xml == previous:
            repeat += 1
            continue
        if previous is not None:
            rows.append(_repeated_row(previous, repeat))
        previous, repeat = xml, 1
    if previous is not None:
        rows.append(_repeated_row(previous, repeat))
    header = "<table:table-header-rows>" + rows.pop(0) + "</table:table-header-rows>" \
        if rows and ws.freeze_panes == "A2" and rows[0].startswith("<table:table-row>") \
        else ""  # the frozen heading row, on its own
    return (f'<table:table table:name={quoteattr(ws.title)} table:style-name='
            f'"{styles.table(ws.sheet_state != "visible")}">' + "".join(columns) + header
            + "".join(rows) + "</table:table>")


def _repeated_row(cells: str, repeat: int) -> str:
    attribute = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attribute}>" + (cells or "<table:table-cell/>") + \
        "</table:table-row>"


def _settings(book) -> str:
    """The frozen heading row of each sheet, as LibreOffice's view settings say it."""
    sheets = "".join(
        f'<config:config-item-map-entry config:name={quoteattr(ws.title)}>'
        '<config:config-item config:name="VerticalSplitMode" config:type="short">2'
        '</config:config-item><config:config-item config:name="VerticalSplitPosition" '
        'config:type="int">1</config:config-item><config:config-item '
        'config:name="ActiveSplitRange" config:type="short">2</config:config-item>'
        '<config:config-item config:name="PositionBottom" config:type="int">1'
        '</config:config-item></config:config-item-map-entry>'
        for ws in book.worksheets if ws.freeze_panes == "A2")
    return (f'<?xml version="1.0" encoding="UTF-8"?><office:document-settings {NAMESPACES}>'
            '<office:settings><config:config-item-set config:name="ooo:view-settings">'
            '<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>'
            '<config:config-item config:name="ViewId" config:type="string">view1'
            '</config:config-item><config:config-item-map-named config:name="Tables">'
            + sheets + "</config:config-item-map-named></config:config-item-map-entry>"
            "</config:config-item-map-indexed></config:config-item-set></office:settings>"
            "</office:document-settings>")


def ods_from_workbook(book) -> bytes:
    """The ODS document for an openpyxl workbook (read back, not write-only)."""
    styles = _Styles()
    validations: list[str] = []
    checks = _validations(book, validations)
    tables = [_sheet(ws, styles, checks) for ws in book.worksheets]
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NAMESPACES}>'
        "<office:automatic-styles>" + DATA_STYLES + "".join(styles.xml)
        + "</office:automatic-styles><office:body><office:spreadsheet>"
        + ("<table:content-validations>" + "".join(validations)
           + "</table:content-validations>" if validations else "")
        + "".join(tables) + "</office:spreadsheet></office:body></office:document-content>")
    style_part = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles '
                  f'{NAMESPACES}><office:styles><style:style style:name="Default" '
                  'style:family="table-cell"/></office:styles></office:document-styles>')
    meta = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {NAMESPACES}>'
            f"<office:meta><meta:generator>coprod-standard {escape(__version__)}"
            "</meta:generator></office:meta></office:document-meta>")
    parts = {"content.xml": content, "styles.xml": style_part, "meta.xml": meta,
             "settings.xml": _settings(book)}
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>'
        + "".join(f'<manifest:file-entry manifest:full-path="{name}" '
                  'manifest:media-type="text/xml"/>' for name in parts)
        + "</manifest:manifest>")
    buffer = io.BytesIO()  # the mimetype first and not compressed, as ODF requires
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, zipfile.ZIP_STORED)
        for name, xml in {"META-INF/manifest.xml": manifest, **parts}.items():
            archive.writestr(zipfile.ZipInfo(name), xml.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def ods_bytes(xlsx: bytes) -> bytes:
    """The ODS document for a workbook's bytes (as ``xlsx_out`` and ``responses_out``
    write them)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    try:
        return ods_from_workbook(book)
    finally:
        book.close()


def workbook_ods(dataset: dict | None, version: str | None = None) -> bytes:
    """The .ods twin of ``xlsx_out.workbook_bytes``: a dataset, or the empty template."""
    from .xlsx_out import workbook_bytes

    return ods_bytes(workbook_bytes(dataset, version))
