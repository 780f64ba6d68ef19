"""Workbooks read whole with calamine (compiled), about twenty times faster than openpyxl,
when a first look at the XML shows that calamine will read the same cells, safely.

calamine builds each sheet as a full grid from its first to its last cell, so a tiny file
with one cell at A1 and one at Z1000000 would take 800 MB. Before it is used, every sheet's
XML is scanned (in compiled code, a block at a time) for the rows and columns its cells
claim, and the grid they make must be in proportion to the cells really there. The scan
also sends to openpyxl anything calamine reads differently: error cells (#N/A, which
calamine reads as empty), text with spaces at either end not marked to keep them
(calamine trims them), cells or rows without their place written first, columns past ZZ,
and any DOCTYPE or ENTITY (openpyxl, guarded by defusedxml, then refuses the file).
``fallback_reason`` says why a workbook is not read fast; the tests compare both readers.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from ..limits import Limits
from .sheets import Sheet, data_rows, trimmed_headings

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}"
WINDOWS_1900, MAC_1904 = datetime(1899, 12, 30), datetime(1904, 1, 1)
GRID_FREE = 2_000_000  # cells any sheet may span; past it, at most GRID_PER_CELL a cell
GRID_PER_CELL = 4
BLOCK = 1 << 20

_UNSAFE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
# Read differently by calamine: error cells, text with spaces at either end not marked to
# keep them (trimmed), cells and rows that do not say their place first (placed by counting)
_ERROR_CELL = b' t="e"'
_SPACED = (re.compile(rb"<t>[ \t\r\n]"), re.compile(rb"</t>(?<=[ \t\r\n]</t>)"))
_UNPLACED = re.compile(rb'<(?:c|row)(?:/?>| (?!r="))')
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
_WIDE = re.compile(rb'<c r="[A-Z]{3}')
_TWO_LETTERS = re.compile(rb'<c r="([A-Z])[A-Z][0-9]')


def _different(block: bytes) -> bool:
    return _ERROR_CELL in block or any(p.search(block) for p in _SPACED) or \
        bool(_UNPLACED.search(block))


def _greater_than(number: int) -> bytes:
    """A pattern for cell places whose row is past NUMBER (more digits, or as many and
    larger), so that a cell cannot claim a row beyond the last row's."""
    digits = str(number)
    options = [rb"\d{%d,}" % (len(digits) + 1)]
    for i, d in enumerate(digits):
        if d != "9":
            options.append(digits[:i].encode() + b"[%d-9]" % (int(d) + 1)
                           + (rb"\d{%d}" % (len(digits) - i - 1) if i < len(digits) - 1 else b""))
    return rb'<c r="[A-Z]{1,2}(?:' + b"|".join(options) + rb')"'


def _blocks(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part's XML in blocks cut just before a '<', so that no tag is split (a '<'
    cannot appear inside a tag)."""
    carry = b""
    with archive.open(part) as stream:
        while chunk := stream.read(BLOCK):
            block = carry + chunk
            cut = block.rfind(b"<")
            if cut <= 0:
                carry = block
                continue
            carry = block[cut:]
            yield block[:cut]
    if carry:
        yield carry


def _sheet_reason(archive: zipfile.ZipFile, part: str) -> str | None:
    top, cells, wide = 0, 0, 0
    for block in _blocks(archive, part):
        if b"<!" in block and _UNSAFE.search(block):
            return "it declares a DOCTYPE or entities"
        if _different(block):
            return "it holds error cells, text with spaces at either end or unplaced cells"
        if _WIDE.search(block):
            return "it has columns past ZZ"
        numbers = _ROW_NUMBER.findall(block)
        if numbers:
            top = max(top, max(map(int, numbers)))
        cells += block.count(b'<c r="')
        if re.search(_greater_than(top), block):  # a cell past the last row so far
            return "a cell claims a row past the last row"
        letters = _TWO_LETTERS.findall(block)
        if letters:
            wide = max(wide, max(letters)[0] - 64)
    columns = (wide + 1) * 26
    if top * columns > max(GRID_FREE, GRID_PER_CELL * cells):
        return "its cells are spread far apart"
    return None


def _worksheets(archive: zipfile.ZipFile) -> tuple[list[tuple[str, str]], datetime]:
    """Each worksheet's name and part, in the workbook's order, and the date system."""
    from defusedxml import ElementTree

    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in relations.iter(f"{PACKAGE}Relationship"):
        if rel.get("Type", "").endswith("/worksheet"):
            target = rel.get("Target", "")
            targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else \
                "xl/" + target
    sheets = [(s.get("name", ""), targets[s.get(f"{RELATIONS}id")])
              for s in book.iter(f"{MAIN}sheet") if s.get(f"{RELATIONS}id") in targets]
    properties = book.find(f"{MAIN}workbookPr")
    mac = properties is not None and properties.get("date1904", "").lower() in ("1", "true")
    return sheets, MAC_1904 if mac else WINDOWS_1900


def fallback_reason(archive: zipfile.ZipFile) -> str | None:
    """Why this workbook is read by openpyxl rather than calamine, or None."""
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return "calamine is not installed"
    try:
        return _workbook_reason(archive)
    except Exception:  # noqa: BLE001 - a damaged part: openpyxl says what is wrong
        return "a part cannot be read"


def _workbook_reason(archive: zipfile.ZipFile) -> str | None:
    names = archive.namelist()
    if "xl/_rels/workbook.xml.rels" not in names:
        return "it has no list of its parts"
    for part in names:
        if part.endswith((".xml", ".rels")) and not part.startswith("xl/worksheets/"):
            for block in _blocks(archive, part):
                if _UNSAFE.search(block):
                    return "it declares a DOCTYPE or entities"
                if part.endswith("sharedStrings.xml") and _different(block):
                    return "it holds text with spaces at either end"
    sheets, _ = _worksheets(archive)
    for _, part in sheets:
        if part not in names:
            return "a sheet is missing"
        reason = _sheet_reason(archive, part)
        if reason:
            return reason
    return None


def _value(cell: Any) -> Any:
    """A cell as openpyxl gives it: empty is None, whole numbers are int, dates datetime."""
    kind = cell.__class__
    if kind is str:
        return cell or None
    if kind is float:
        return int(cell) if cell.is_integer() and abs(cell) < 2 ** 53 else cell
    if kind is date:
        return datetime(cell.year, cell.month, cell.day)
    return cell


def fast_sheets(data: bytes, archive: zipfile.ZipFile, name: str, limits: Limits
                ) -> tuple[dict[str, Sheet], datetime] | None:
    """The workbook's sheets read by calamine, or None when openpyxl should read it. Each
    sheet is read once for its headings and again for its rows, so that only one grid is
    held at a time (the dataset and the largest sheet, not every sheet at once)."""
    if fallback_reason(archive) is not None:
        return None
    from python_calamine import CalamineWorkbook

    parts, epoch = _worksheets(archive)
    counter = [0]
    sheets = {}
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for title, part in parts:
            headings = trimmed_headings(next(_grid_rows(book.get_sheet_by_name(title)), []))

            def stream(title=title, headings=headings, counter=counter):
                rows = _grid_rows(book.get_sheet_by_name(title), 2)
                return data_rows(rows, len(headings), limits, counter, name, sheet=title,
                                 headings=headings)

            sheets[title] = Sheet(title, headings, stream, part=part)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - calamine refused it (or panicked, which is not an
        return None        # Exception): openpyxl explains what is wrong
    return sheets, epoch


def fast_rows(data: bytes, sheet: str) -> Iterator[list[Any]] | None:
    """One sheet's rows from row 1, read by calamine; None when openpyxl should read it
    (the scan says so, or there is no such sheet)."""
    if fallback_reason(zipfile.ZipFile(io.BytesIO(data))) is not None:
        return None
    from python_calamine import CalamineWorkbook

    try:
        return _grid_rows(CalamineWorkbook.from_filelike(io.BytesIO(data))
                          .get_sheet_by_name(sheet))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - no such sheet, or calamine refused it
        return None


def _grid_rows(grid: Any, first: int = 1) -> Iterator[list[Any]]:
    """The sheet's rows from row FIRST. calamine's rows start at row 1 whatever the first
    row used, and its columns at the first column used (pinned by the tests)."""
    if not grid.height:
        return iter(())
    left = grid.start[1]
    rows = ([None] * left + [_value(cell) for cell in row] for row in grid.iter_rows())
    return itertools.islice(rows, first - 1, None)
