"""Excel workbooks, read safely: zip checks first, then openpyxl in read-only mode with
defusedxml guarding every XML part (billion laughs and other entity attacks are refused)
in memory that does not grow with the file (``lean_openpyxl``); or calamine, when a workbook is
read whole and a scan shows that it reads the same cells (``fast_workbook``)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import defusedxml  # noqa: F401 - openpyxl uses defusedxml when it is installed
from defusedxml import DefusedXmlException

from ..limits import Limits
from ..readers import unreadable
from .cells import from_excel_text
from .sheets import Sheet, check_zip, data_rows, opened, trimmed_headings

SAFETY_REASON = "it contains XML entity definitions, a trick used to attack programs"


def _is_attack(exc: BaseException | None) -> bool:
    """True if defusedxml refused the XML, however deep openpyxl wrapped its error."""
    while exc is not None:
        if isinstance(exc, DefusedXmlException):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _guarded(rows: Iterator, name: str) -> Iterator:
    try:
        yield from rows
    except DefusedXmlException:
        raise unreadable("unsafe-workbook", name, reason=SAFETY_REASON) from None
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, EOFError) as exc:
        if _is_attack(exc):
            raise unreadable("unsafe-workbook", name, reason=SAFETY_REASON) from None
        raise unreadable("damaged-file", name,
                         reason="part of a sheet is damaged") from None


def _unescaped(rows: Iterator) -> Iterator:
    """Rows with the workbook's _xHHHH_ escapes in text turned back into characters."""
    for row in rows:
        if any(cell.__class__ is str and "_x" in cell for cell in row):
            row = [from_excel_text(c) if c.__class__ is str else c for c in row]
        yield row


def _headings(ws, name: str) -> list[Any]:
    rows = _unescaped(_guarded(ws.iter_rows(min_row=1, max_row=1, values_only=True), name))
    return trimmed_headings(next(rows, ()))


@contextmanager
def workbook_sheets(data: bytes | Path, name: str, limits: Limits, fast: bool = False
                    ) -> Iterator[tuple[dict[str, Sheet], datetime]]:
    """The workbook's sheets by name, and its date epoch (1900 or 1904 system). FAST reads
    it whole with calamine when that reads the same cells safely (``fast_workbook``)."""
    try:
        archive = zipfile.ZipFile(opened(data))
    except zipfile.BadZipFile:
        raise unreadable("damaged-file", name, reason="it is not a complete .xlsx file") \
            from None
    check_zip(archive, name, limits)
    if "xl/workbook.xml" not in archive.namelist():
        raise unreadable("damaged-file", name, reason="it is a zip file but not a workbook")
    if fast and isinstance(data, bytes):
        from .fast_workbook import fast_sheets

        found = fast_sheets(data, archive, name, limits)
        if found is not None:
            yield found
            return
    from .lean_openpyxl import SpillingReader  # openpyxl: only when a workbook is read

    try:
        reader = SpillingReader(opened(data), read_only=True, data_only=True)
        reader.read()
        book = reader.wb
    except DefusedXmlException:
        raise unreadable("unsafe-workbook", name, reason=SAFETY_REASON) from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for broken files
        if _is_attack(exc):
            raise unreadable("unsafe-workbook", name, reason=SAFETY_REASON) from None
        raise unreadable("damaged-file", name,
                         reason="one of its parts is missing or is not valid") from None
    counter = [0]
    try:
        sheets = {}
        for ws in book.worksheets:
            headings = _headings(ws, name)
            width = len(headings)

            def rows(ws=ws, width=width, headings=headings, counter=counter):
                stream = _unescaped(_guarded(ws.iter_rows(min_row=2, values_only=True), name))
                return data_rows(stream, width, limits, counter, name, sheet=ws.title,
                                 headings=headings)

            sheets[ws.title] = Sheet(ws.title, headings, rows,
                                     part=getattr(ws, "_worksheet_path", ""))
        yield sheets, book.epoch
    finally:
        book.close()
        if hasattr(reader.shared_strings, "close"):
            reader.shared_strings.close()
