"""Workbooks read whole with calamine (compiled), about twenty times faster than openpyxl,
when a first look at every part (``workbook_scan``) shows that calamine will read the same
cells, in memory bounded by what the parts really hold. ``fallback_reason`` says why a
workbook is not read fast; the tests compare both readers.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from ..limits import Limits
from ..readers import Unreadable
from .sheets import LAST_ROW, Sheet, data_rows, trimmed_headings
from .workbook_scan import scan, worksheets


def calamine_reason(archive: zipfile.ZipFile, data: bytes, name: str) -> str | None:
    """Why calamine must not read DATA (ARCHIVE opened on it), or None; every part is read
    through, so a damaged one raises ``Unreadable``."""
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return "calamine is not installed"
    return scan(archive, data, name)


def fallback_reason(archive: zipfile.ZipFile) -> str | None:
    """Why this workbook (opened from its bytes) is read by openpyxl rather than calamine,
    or None."""
    data = archive.fp.getvalue() if isinstance(archive.fp, io.BytesIO) else None
    if data is None:
        return "it is not held in memory"
    try:
        return calamine_reason(archive, data, "")
    except Unreadable:
        return "a part cannot be read"


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
    if calamine_reason(archive, data, name) is not None:
        return None
    from python_calamine import CalamineWorkbook

    parts, epoch, _ = worksheets(archive)
    counter = [0]
    sheets = {}
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for title, part in parts:
            headings = trimmed_headings(next(_grid_rows(book.get_sheet_by_name(title)), []))

            def stream(title=title, headings=headings, counter=counter):
                rows = _grid_rows(book.get_sheet_by_name(title), 2)
                return data_rows(rows, len(headings), limits, counter, name, sheet=title,
                                 headings=headings, last=LAST_ROW)

            sheets[title] = Sheet(title, headings, stream, part=part)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - calamine refused it (or panicked, which is not an
        return None        # Exception): openpyxl explains what is wrong
    return sheets, epoch


def fast_rows(data: bytes, sheet: str) -> Iterator[list[Any]] | None:
    """One sheet's rows from row 1, read by calamine, of a workbook the scan allows it to
    read; None when there is no such sheet."""
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
