"""The formula cells of an old-style Excel workbook (.xls), which calamine reads only as
their last values: found here from the file itself, so that an .xls file gets the same
"formula in a cell" warnings as .xlsx and .ods.

An .xls file is a Compound File (a small file system in one file) whose "Workbook" stream
holds BIFF8 records: a BOUNDSHEET record names each sheet and where its records start, and
each formula cell is a FORMULA record with its row and column (a formula shared by many
cells is written once, in a SHRFMLA record). TRUE() and FALSE(), which
LibreOffice may write for a boolean, are booleans, not formulas (as in ``ods``). Pure
Python over bytes, every offset checked: a damaged or hostile file gives no places (the
cells themselves are read, or refused, by ``xls``), never an error or a crash.
"""

from __future__ import annotations

import struct

from .formulas import MOST
from .letters import column_letter

END = 0xFFFFFFFE  # the end of a chain of sectors
FREE = 0xFFFFFFFF
BOF, BOUNDSHEET, FORMULA, SHRFMLA = 0x0809, 0x0085, 0x0006, 0x04BC
# TRUE and FALSE as LibreOffice writes them (a boolean constant), or as TRUE() and FALSE()
BOOLEANS = {b"\x1d\x00", b"\x1d\x01"} | {bytes([ptg, code, 0x00]) for ptg in (0x21, 0x41, 0x61)
                                       for code in (0x22, 0x23)}

Found = dict[str, tuple[list[tuple[str, int]], int]]  # sheet: (first MOST places, count)


class _Damaged(Exception):
    pass


def _u16(data: bytes, at: int) -> int:
    return struct.unpack_from("<H", data, at)[0]


def _u32(data: bytes, at: int) -> int:
    return struct.unpack_from("<I", data, at)[0]


def _numbers(data: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(data) // 4}I", data[:len(data) // 4 * 4])


class _Compound:
    """Just enough of a Compound File to read one stream."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = 1 << _u16(data, 30)
        if self.size not in (512, 4096):
            raise _Damaged
        fat_sectors = [_u32(data, 76 + 4 * i) for i in range(109)]
        next_difat, seen = _u32(data, 68), set()
        while next_difat not in (END, FREE) and next_difat not in seen:
            seen.add(next_difat)
            block = self.sector(next_difat)
            fat_sectors += [_u32(block, 4 * i) for i in range(self.size // 4 - 1)]
            next_difat = _u32(block, self.size - 4)
        fat = bytearray()
        for number in fat_sectors[:_u32(data, 44)]:
            fat += self.sector(number)
        self.fat = _numbers(bytes(fat))

    def sector(self, number: int) -> bytes:
        start = (number + 1) * self.size
        if start >= len(self.data):
            raise _Damaged
        return self.data[start:start + self.size]

    def chain(self, first: int, table, read) -> bytes:
        out, number, seen = bytearray(), first, set()
        while number not in (END, FREE):
            if number in seen or number >= len(table):
                raise _Damaged  # a loop, or a sector past the table
            seen.add(number)
            out += read(number)
            number = table[number]
        return bytes(out)

    def stream(self, names: tuple[str, ...]) -> bytes:
        entries = self.chain(_u32(self.data, 48), self.fat, self.sector)
        root = None
        for at in range(0, len(entries) - 127, 128):
            length = min(_u16(entries, at + 64), 64)
            name = entries[at:at + length].decode("utf-16-le", "replace").rstrip("\x00")
            kind, first, size = entries[at + 66], _u32(entries, at + 116), \
                _u32(entries, at + 120)
            if kind == 5:
                root = (first, size)
            elif kind == 2 and name in names:
                if size >= _u32(self.data, 56) or root is None:
                    return self.chain(first, self.fat, self.sector)[:size]
                mini = self.chain(root[0], self.fat, self.sector)
                mini_fat = _numbers(self.chain(_u32(self.data, 60), self.fat, self.sector))
                return self.chain(first, mini_fat,
                                  lambda n, mini=mini: mini[n * 64:n * 64 + 64])[:size]
        raise _Damaged


def _sheet_name(body: bytes) -> str:
    count, wide = body[6], body[7] & 1
    text = body[8:8 + count * (2 if wide else 1)]
    return text.decode("utf-16-le" if wide else "latin-1", "replace")


def formula_cells(data: bytes) -> Found:
    """The places of the formula cells of each sheet of the .xls file DATA (nothing for a
    file that cannot be read this way). A cell that shares a formula (ptgExp) is a formula
    unless the shared one (SHRFMLA) is a boolean."""
    try:
        workbook = _Compound(data).stream(("Workbook", "Book"))
    except (_Damaged, struct.error, IndexError, TypeError, ValueError):
        return {}
    starts: dict[int, str] = {}
    cells: list[tuple[str, int, int, bytes]] = []  # sheet, row, column, the formula
    shared: dict[tuple[str, int, int], bytes] = {}  # the shared formulas, by first cell
    sheet, at = None, 0
    while at + 4 <= len(workbook):
        kind, length = _u16(workbook, at), _u16(workbook, at + 2)
        body = workbook[at + 4:at + 4 + length]
        if kind == BOF:
            sheet = starts.get(at)
        elif kind == BOUNDSHEET and len(body) >= 8:
            starts[_u32(body, 0)] = _sheet_name(body)
        elif kind == FORMULA and sheet is not None and len(body) >= 22:
            cells.append((sheet, _u16(body, 0), _u16(body, 2),
                          body[22:22 + _u16(body, 20)]))
        elif kind == SHRFMLA and sheet is not None and len(body) >= 10:
            shared[sheet, _u16(body, 0), body[4]] = body[10:10 + _u16(body, 8)]
        at += 4 + length
    found: Found = {}
    for sheet, row, column, formula in cells:
        if formula[:1] == b"\x01" and len(formula) == 5:  # ptgExp: the shared formula
            formula = shared.get((sheet, _u16(formula, 1), _u16(formula, 3)), formula)
        if formula in BOOLEANS:
            continue
        places, count = found.get(sheet, ([], 0))
        if len(places) < MOST:
            places.append((column_letter(column + 1), row + 1))
        found[sheet] = (places, count + 1)
    return found
