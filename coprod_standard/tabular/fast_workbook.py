"""Workbooks read whole with calamine (compiled), about twenty times faster than openpyxl,
when a first look at every part (``workbook_scan``) shows that calamine will read the same
cells, in memory bounded by what the parts really hold. ``fallback_reason`` says why a
workbook is not read fast; the tests compare both readers.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import partial
from typing import Any

from ..limits import Limits
from ..readers import Unreadable
from .sheets import LAST_ROW, Sheet, data_rows, trimmed_headings
from .workbook_scan import scan, worksheets

# The scans of the workbooks read within ``scans_remembered``, by their SHA-256
_SCANNED: ContextVar[dict[bytes, str | None] | None] = ContextVar("scanned", default=None)


@contextmanager
def scans_remembered():
    """Within it, a workbook read again (convert checks what it converted; a report shows
    the cells around an issue) is not scanned again. Its scans are forgotten when it ends:
    nothing of a file, not even its digest, outlives the call that read it."""
    token = _SCANNED.set({}) if _SCANNED.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _SCANNED.reset(token)


def calamine_reason(archive: zipfile.ZipFile, data: bytes, name: str) -> str | None:
    """Why calamine must not read DATA (ARCHIVE opened on it), or None; every part is read
    through, so a damaged one raises ``Unreadable``."""
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return "calamine is not installed"
    scanned = _SCANNED.get()
    if scanned is None:
        return scan(archive, data, name)
    key = hashlib.sha256(data).digest()
    if key not in scanned:
        reason = scan(archive, data, name)
        while len(scanned) >= 4:
            scanned.pop(next(iter(scanned)))
        scanned[key] = reason
    return scanned[key]


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


_WHOLE = 2.0 ** 53  # floats below it in size that are whole become int (as openpyxl's)


def _cells(row: list[Any]) -> list[Any]:
    """``_value`` of each cell, inline for text and numbers (most cells): a third faster."""
    return [(c or None) if c.__class__ is str else
            int(c) if c.__class__ is float and c.is_integer() and -_WHOLE < c < _WHOLE
            else _value(c) for c in row]


class _Grids:
    """The workbook open in calamine, holding at most one sheet's grid: the one whose
    headings were read last, until its rows are taken; so each sheet the reading needs is
    read once, and a sheet nobody asks about (one the standard does not know) not at all."""

    def __init__(self, book: Any, data: bytes, name: str):
        self.book, self.data, self.name = book, data, name
        self.title, self.grid = None, None

    def headings(self, title: str) -> list[Any]:
        self.title, self.grid = None, None  # the grid held before is let go first
        grid = self._read(title)
        self.title, self.grid = title, grid
        return trimmed_headings(next(_grid_rows(grid), []))

    def take(self, title: str, keep: bool = False) -> Any:
        """The sheet's grid, held (then let go, unless KEEP) or read again."""
        grid = self.grid if self.title == title else self._read(title)
        if not keep:
            self.title, self.grid = None, None
        return grid

    def _read(self, title: str) -> Any:
        try:
            return self.book.get_sheet_by_name(title)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # noqa: BLE001 - calamine refused it (or panicked, which is
            return _Fallback(self.data, self.name, title)  # not an Exception): openpyxl


class _Fallback:
    """A sheet calamine refused, read by openpyxl as a slow workbook's are (which explains
    what is wrong, or reads it)."""

    def __init__(self, data: bytes, name: str, title: str):
        from .workbook import _guarded, _unescaped, openpyxl_book

        book, reader = openpyxl_book(data, name)
        try:
            self.rows = [list(row) for row in _unescaped(_guarded(
                book[title].iter_rows(values_only=True), name))]
        finally:
            book.close()
            if hasattr(reader.shared_strings, "close"):
                reader.shared_strings.close()


class _CalamineSheet(Sheet):
    """A sheet whose headings are read when first asked for (``_Grids``)."""

    def __init__(self, title: str, part: str, grids: _Grids, rows: Any):
        self._headings: list[Any] | None = None
        super().__init__(title, None, rows, part=part)
        self.grids = grids

    @property
    def headings(self) -> list[Any]:
        if self._headings is None:
            self._headings = self.grids.headings(self.name)
        return self._headings

    @headings.setter
    def headings(self, value: list[Any] | None) -> None:
        self._headings = value

    def uncounted(self) -> Sheet:
        """For a first look (the dataset's version): its grid stays held, to be read."""
        return Sheet(self.name, self.headings, partial(self._rows, counter=[0], keep=True),
                     part=self.part)


def fast_sheets(data: bytes, archive: zipfile.ZipFile, name: str, limits: Limits
                ) -> tuple[dict[str, Sheet], datetime] | None:
    """The workbook's sheets read by calamine, or None when openpyxl should read it. A
    sheet is read when its headings are first asked for, and its rows come from that same
    reading, so only one grid is held at a time (beside the dataset being built)."""
    if calamine_reason(archive, data, name) is not None:
        return None
    from python_calamine import CalamineWorkbook

    parts, epoch, _ = worksheets(archive)
    counter = [0]
    try:
        grids = _Grids(CalamineWorkbook.from_filelike(io.BytesIO(data)), data, name)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - calamine refused it (or panicked, which is not an
        return None        # Exception): openpyxl explains what is wrong
    sheets: dict[str, Sheet] = {}
    for title, part in parts:
        def stream(title=title, counter=counter, keep=False):
            headings = sheets[title].headings  # read now if nobody asked before
            return data_rows(_grid_rows(grids.take(title, keep), 2), len(headings), limits,
                             counter, name, sheet=title, headings=headings, last=LAST_ROW)

        sheets[title] = _CalamineSheet(title, part, grids, stream)
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
    if isinstance(grid, _Fallback):
        return iter(grid.rows[first - 1:])
    if not grid.height:
        return iter(())
    left = grid.start[1]
    rows = grid.iter_rows()
    if first > 1:
        rows = itertools.islice(rows, first - 1, None)  # skipped before any is converted
    if left:
        return ([None] * left + _cells(row) for row in rows)
    return map(_cells, rows)
