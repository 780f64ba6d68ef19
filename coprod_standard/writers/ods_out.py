"""An OpenDocument spreadsheet (.ods) from the workbook the Excel writer builds.

The .xlsx template and conversions are made once, by ``xlsx_out``; this module reads that
workbook back with openpyxl and writes the same thing as ODS, so that any change to the
workbook flows here: every sheet and whether it is hidden, column widths and the text or
date format of each column, cell values with their types (text, number, boolean, date),
the heading row's style and notes, the frozen heading row, and every list dropdown (a list
of values, or a range of cells on another sheet) as a content validation. Cells and
styles are written by ``ods_cells``, dropdowns by ``ods_validations``; this module lays out
the sheets and writes the document.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

from .. import __version__
from .ods_cells import Styles, cell_xml, data_style
from .ods_validations import Checks, content_validations, validation_at

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


def _row_xml(ws, styles: Styles, cells: list, checks: dict, row: int, width: int) -> str:
    """A row's cells, empty ones that look alike merged into one repeated element."""
    parts: list[str] = []
    run_key, run = None, 0
    for column in range(1, width + 1):
        cell = cells[column - 1] if column - 1 < len(cells) else None
        validation = validation_at(checks, column, row)
        if cell is not None and cell.value is None and cell.comment is None and \
                cell.has_style is False:
            cell = None
        key = (validation,) if cell is None else None
        if key is not None and key == run_key:
            run += 1
            continue
        if run:
            parts.append(cell_xml(ws, styles, None, run_key[0], run))
        run_key, run = (key, 1) if key is not None else (None, 0)
        if key is None:
            parts.append(cell_xml(ws, styles, cell, validation))
    if run:
        parts.append(cell_xml(ws, styles, None, run_key[0], run))
    return "".join(parts)


def _sheet(ws, styles: Styles, all_checks: Checks) -> str:
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
        data = data_style(dimension.number_format if dimension is not None else None)
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
            key = tuple(validation_at(checks, column, number) for column in checks)
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
    styles = Styles()
    validations: list[str] = []
    checks = content_validations(book, validations)
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
