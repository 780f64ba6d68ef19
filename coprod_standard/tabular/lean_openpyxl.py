"""openpyxl, reading a workbook a row at a time in memory that does not grow with the file,
and that no part, however it is built, can make grow past a bound.

What in openpyxl grows with a workbook is put right here:

- The table of shared strings (most text in a workbook written by Excel is stored once, in
  xl/sharedStrings.xml, and cells refer to it by number): openpyxl keeps every string in a
  list. ``SpilledStrings`` writes each one to a temporary file as it is parsed and keeps
  only where it ends (8 bytes), reading them exactly as openpyxl does (the same parser,
  the same text, the same clean-up).
- Its read-only sheet parser keeps every element that is not a row (merged cells,
  formatting, ...: about 1 KB each) and every emptied row, and reads the size a sheet
  declares. ``LeanSheetParser`` gives openpyxl the very same rows, drops everything else
  as it is read, and declares no size (rows are as wide as their cells).
- A part openpyxl reads whole (the workbook, its styles, lists of parts) becomes a tree
  and objects, about 1 KB an element: ``BoundedZip`` refuses one of more than
  MOST_ELEMENTS elements or MOST_WHOLE bytes.

No XML may nest deeper than DEEPEST levels, nor one row or string hold more than
MOST_IN_PLACE elements: past them ``TooLarge`` is raised (the file is refused as unsafe).
"""

from __future__ import annotations

import mmap
import tempfile
import zipfile
from array import array
from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO

import openpyxl.worksheet._read_only as read_only_sheet
import openpyxl.worksheet._reader as sheet_reader
from openpyxl.cell.text import Text
from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse  # defusedxml's when it is installed

from .zips import DEEPEST, TooLarge, part_name

STRING_TAG = f"{{{SHEET_MAIN_NS}}}si"
ROW_TAG = f"{{{SHEET_MAIN_NS}}}row"
FLUSH = 1 << 20
MOST_ELEMENTS = 500_000  # in a part read whole: about 500 MB of openpyxl's objects
MOST_WHOLE = 64 << 20  # bytes of a part read whole
MOST_IN_PLACE = 200_000  # elements in one row, or one string: 16,384 cells and their values


def _deeper(open_elements: list) -> None:
    if len(open_elements) > DEEPEST:
        raise TooLarge(f"its XML is nested more than {DEEPEST} levels deep")


class SpilledStrings(Sequence):
    """The shared strings of one workbook, in a temporary file."""

    def __init__(self, source: BinaryIO) -> None:
        self._file = tempfile.TemporaryFile(prefix="coprod-strings-")
        self._ends = array("Q")
        buffer, written, root, held, open_elements = bytearray(), 0, None, 0, []
        for event, node in iterparse(source, events=("start", "end")):
            if root is None:
                root = node  # the table itself: emptied as it goes, so it stays small
            if event == "start":
                open_elements.append(node)
                _deeper(open_elements)
                held += 1
                if held > MOST_IN_PLACE:
                    raise TooLarge(f"a shared string holds more than {MOST_IN_PLACE:,} "
                                   "XML elements")
                continue
            open_elements.pop()
            if node.tag != STRING_TAG:
                continue
            held = 0
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


class _BoundedStream:
    """A part openpyxl opens: read a block at a time by a parser, or whole (bounded)."""

    def __init__(self, name: str, stream: Any) -> None:
        self.name, self.stream = name, stream

    def read(self, size: int = -1) -> bytes:
        if size is not None and size >= 0:
            return self.stream.read(size)
        return _bounded(self.name, self.stream.read(MOST_WHOLE + 1))

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.stream, attribute)

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.stream.close()


def _bounded(name: str, data: bytes) -> bytes:
    """DATA, the whole of part NAME, unless it is more than openpyxl should parse whole."""
    if len(data) > MOST_WHOLE:
        raise TooLarge(f"its part {part_name(name)} is more than {MOST_WHOLE:,} bytes, far "
                       "more than a workbook needs")
    elements = data.count(b"<")
    if elements > MOST_ELEMENTS:
        raise TooLarge(f"its part {part_name(name)} holds {elements:,} XML elements, far "
                       "more than a workbook needs")
    return data


class BoundedZip:
    """A workbook's zip as openpyxl reads it: a part read whole (parsed into a tree and
    objects) may hold at most MOST_ELEMENTS elements and MOST_WHOLE bytes."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive

    def read(self, name: Any, pwd: bytes | None = None) -> bytes:
        info = name if isinstance(name, zipfile.ZipInfo) else self.archive.getinfo(name)
        if info.file_size > MOST_WHOLE:
            raise TooLarge(f"its part {part_name(info.filename)} unpacks to "
                           f"{info.file_size:,} bytes, far more than a workbook needs")
        return _bounded(info.filename, self.archive.read(info, pwd))

    def open(self, name: Any, *args: Any, **kwargs: Any) -> _BoundedStream:
        shown = name.filename if isinstance(name, zipfile.ZipInfo) else str(name)
        return _BoundedStream(shown, self.archive.open(name, *args, **kwargs))

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.archive, attribute)


class SpillingReader(ExcelReader):
    """openpyxl's workbook reader, with the shared strings kept on disk and every part
    bounded (``BoundedZip``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.archive = BoundedZip(self.archive)  # type: ignore[assignment]

    def read_strings(self) -> None:
        found = self.package.find(SHARED_STRINGS)
        if found is not None:
            with self.archive.open(found.PartName[1:]) as source:
                self.shared_strings = SpilledStrings(source)


def _rows(source: BinaryIO) -> Iterator[Any]:
    """The sheet's row elements, each whole when it ends; everything else is dropped from
    the tree as soon as it ends (and with it each row, once it has been read)."""
    open_elements: list[Any] = []
    row, held = None, 0
    for event, element in iterparse(source, events=("start", "end")):
        if event == "start":
            open_elements.append(element)
            _deeper(open_elements)
            if row is not None:
                held += 1
                if held > MOST_IN_PLACE:
                    raise TooLarge(f"a row holds more than {MOST_IN_PLACE:,} XML elements")
            elif element.tag == ROW_TAG:
                row, held = element, 0
            continue
        open_elements.pop()
        if element is row:
            yield row
            row = None
        if row is None and open_elements:
            open_elements[-1].clear()  # what has ended is done with


class LeanSheetParser(sheet_reader.WorkSheetParser):
    """openpyxl's parser of a read-only sheet, giving the same rows from ``_rows``."""

    def parse(self) -> Iterator[tuple[int, list]]:
        for element in _rows(self.source):
            row = self.parse_row(element)
            self.row_dimensions.clear()  # row heights: not needed to read values
            yield row

    def parse_dimensions(self) -> None:
        return None  # a sheet's declared size is not read: rows are as wide as their cells


read_only_sheet.WorkSheetParser = LeanSheetParser  # openpyxl's read-only sheets only
