"""openpyxl, reading a workbook a row at a time in memory that does not grow with the file.

Two things in openpyxl grow with a workbook, and both are put right here:

- The table of shared strings (most text in a workbook written by Excel is stored once, in
  xl/sharedStrings.xml, and cells refer to it by number): openpyxl keeps every string in a
  list. ``SpilledStrings`` writes each one to a temporary file as it is parsed and keeps
  only where it ends (8 bytes), reading them exactly as openpyxl does (the same parser,
  the same text, the same clean-up).
- Its sheet parser empties each row's XML element once read, but leaves the empty element
  in the tree (over 100 bytes a row). ``_forgetful_iterparse`` gives openpyxl the very
  same elements and drops each row from the tree once openpyxl has moved past it.
"""

from __future__ import annotations

import mmap
import tempfile
from array import array
from collections.abc import Sequence
from typing import BinaryIO

import openpyxl.worksheet._reader as sheet_reader
from openpyxl.cell.text import Text
from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse  # defusedxml's when it is installed

STRING_TAG = f"{{{SHEET_MAIN_NS}}}si"
SHEET_DATA_TAG = f"{{{SHEET_MAIN_NS}}}sheetData"
ROW_TAG = f"{{{SHEET_MAIN_NS}}}row"
FLUSH = 1 << 20


class SpilledStrings(Sequence):
    """The shared strings of one workbook, in a temporary file."""

    def __init__(self, source: BinaryIO) -> None:
        self._file = tempfile.TemporaryFile(prefix="coprod-strings-")
        self._ends = array("Q")
        buffer, written, root = bytearray(), 0, None
        for event, node in iterparse(source, events=("start", "end")):
            if root is None:
                root = node  # the table itself: emptied as it goes, so it stays small
            if event != "end" or node.tag != STRING_TAG:
                continue
            text = Text.from_tree(node).content.replace("x005F_", "")  # as openpyxl does
            data = text.encode("utf-8", "surrogatepass")
            buffer += data
            written += len(data)
            self._ends.append(written)
            root.clear()
            if len(buffer) >= FLUSH:
                self._file.write(buffer)
                buffer.clear()
        self._file.write(buffer)
        self._file.flush()
        self._view = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ) \
            if written else b""

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index):  # type: ignore[override] - an int, as openpyxl asks
        if index < 0:
            index += len(self._ends)
        if not 0 <= index < len(self._ends):
            raise IndexError("shared string index out of range")
        start = self._ends[index - 1] if index else 0
        return self._view[start:self._ends[index]].decode("utf-8", "surrogatepass")

    def close(self) -> None:
        if isinstance(self._view, mmap.mmap):
            self._view.close()
        self._file.close()


class SpillingReader(ExcelReader):
    """openpyxl's workbook reader, with the shared strings kept on disk."""

    def read_strings(self) -> None:
        found = self.package.find(SHARED_STRINGS)
        if found is not None:
            with self.archive.open(found.PartName[1:]) as source:
                self.shared_strings = SpilledStrings(source)


def _forgetful_iterparse(source, events=("end",), *args, **kwargs):
    """openpyxl's own iterparse, giving the same events; each row is dropped from the tree
    once openpyxl asks for what comes after it (it has read and emptied it by then)."""
    if events != ("end",):
        yield from iterparse(source, events, *args, **kwargs)
        return
    rows_parent = None
    for event, element in iterparse(source, ("start", "end"), *args, **kwargs):
        if event == "start":
            if element.tag == SHEET_DATA_TAG:
                rows_parent = element
            continue
        yield event, element
        if rows_parent is not None and element.tag == ROW_TAG:
            rows_parent.clear()


sheet_reader.iterparse = _forgetful_iterparse  # openpyxl's sheet parser, for every sheet
