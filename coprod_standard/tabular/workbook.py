"""Excel workbooks, read safely: zip checks first and every part read through once (a
damaged one is refused before anything else), then openpyxl in read-only mode with
defusedxml guarding every XML part (billion laughs and other entity attacks are refused)
in memory that does not grow with the file (``lean_openpyxl``); or calamine, when a workbook is
read whole and a scan shows that it reads the same cells (``fast_workbook``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import defusedxml  # noqa: F401 - openpyxl uses defusedxml when it is installed
from defusedxml import DefusedXmlException

from ..limits import Limits
from ..readers import Unreadable, unreadable
from .cells import from_excel_text
from .sheets import LAST_ROW, Sheet, data_rows, trimmed_headings
from .zips import TooLarge, open_zip, opened, unpacked

SAFETY_REASON = "it contains XML entity definitions, a trick used to attack programs"


def _cause(exc: BaseException | None, kinds: type | tuple) -> BaseException | None:
    """The error of one of KINDS that led to EXC, however deep openpyxl wrapped it."""
    while exc is not None:
        if isinstance(exc, kinds):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _entity_refused(exc: BaseException) -> bool:
    """Whether lxml refused entities: openpyxl parses some parts with lxml instead of
    defusedxml when lxml is installed (PyLD, among others, brings it), with entities left
    unresolved and lxml's own limit on what they may amplify."""
    try:
        from lxml.etree import XMLSyntaxError
    except ImportError:
        return False
    found = _cause(exc, XMLSyntaxError)
    return found is not None and "entit" in str(found).lower()


def refused(exc: Exception, name: str, otherwise: str) -> Unreadable:
    """The plain ``Unreadable`` for an error openpyxl raised while reading a workbook."""
    if isinstance(exc, Unreadable):
        return exc
    if _cause(exc, DefusedXmlException) or _entity_refused(exc):  # an entity trick
        return unreadable("unsafe-workbook", name, reason=SAFETY_REASON)
    too_large = _cause(exc, TooLarge)
    if too_large:
        return unreadable("unsafe-workbook", name, reason=str(too_large))
    return unreadable("damaged-file", name, reason=otherwise)  # the zip was read through


def _guarded(rows: Iterator, name: str) -> Iterator:
    try:
        yield from rows
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for broken files
        raise refused(exc, name, "part of a sheet is damaged") from None


def _unescaped(rows: Iterator) -> Iterator:
    """Rows with the workbook's _xHHHH_ escapes in text turned back into characters."""
    for row in rows:
        if any(cell.__class__ is str and "_x" in cell for cell in row):
            row = [from_excel_text(c) if c.__class__ is str else c for c in row]
        yield row


def _headings(ws, name: str) -> list[Any]:
    rows = _unescaped(_guarded(ws.iter_rows(min_row=1, max_row=1, values_only=True), name))
    return trimmed_headings(next(rows, ()))


def openpyxl_book(data: bytes | Path, name: str):
    """openpyxl's read-only workbook (shared strings kept on disk, every part bounded)
    and its reader."""
    from .lean_openpyxl import SpillingReader  # openpyxl: only when a workbook is read

    try:
        reader = SpillingReader(opened(data), read_only=True, data_only=True)
        reader.read()
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for broken files
        raise refused(exc, name, "one of its parts is missing or is not valid") from None
    return reader.wb, reader


@contextmanager
def workbook_sheets(data: bytes | Path, name: str, limits: Limits, fast: bool = False
                    ) -> Iterator[tuple[dict[str, Sheet], datetime]]:
    """The workbook's sheets by name, and its date epoch (1900 or 1904 system). FAST reads
    it whole with calamine when that reads the same cells safely (``fast_workbook``)."""
    archive = open_zip(data, name, limits, ".xlsx file")
    if "xl/workbook.xml" not in archive.namelist():
        raise unreadable("damaged-file", name, reason="it is a zip file but not a workbook")
    if fast and isinstance(data, bytes):
        from .fast_workbook import fast_sheets

        found = fast_sheets(data, archive, name, limits)  # every part read through first
        if found is not None:
            yield found
            return
    else:
        unpacked(archive, name)
    book, reader = openpyxl_book(data, name)
    counter = [0]
    try:
        sheets = {}
        for ws in book.worksheets:
            headings = _headings(ws, name)
            width = len(headings)

            def rows(ws=ws, width=width, headings=headings, counter=counter):
                stream = _unescaped(_guarded(ws.iter_rows(min_row=2, values_only=True), name))
                return data_rows(stream, width, limits, counter, name, sheet=ws.title,
                                 headings=headings, last=LAST_ROW)

            sheets[ws.title] = Sheet(ws.title, headings, rows,
                                     part=getattr(ws, "_worksheet_path", ""))
        yield sheets, book.epoch
    finally:
        book.close()
        if hasattr(reader.shared_strings, "close"):
            reader.shared_strings.close()
