"""OpenDocument spreadsheets (.ods, LibreOffice's own format and the UK government's
open standard), read safely into the same sheets, rows and cell places as a workbook.

An .ods file is a zip: it gets the same zip-bomb checks as a workbook, every part is read
through once, and its one XML part of cells (``content.xml``) is parsed a row at a time by
defusedxml (entity tricks refused, nesting bounded). Repeated rows and cells (LibreOffice
writes a million empty rows at the end of each sheet as one element) are kept as they are
written, not spread out, and the cells they would fill are counted and bounded.

A cell keeps its type: numbers, dates (``datetime``), times, booleans and text. LibreOffice
stores TRUE and FALSE as the formulas ``=TRUE()`` and ``=FALSE()``; those are read as
booleans, and any other formula is reported, as in a workbook.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from ..limits import Limits
from ..readers import unreadable
from .formulas import MOST
from .letters import WINDOWS_1900, column_letter
from .sheets import LAST_ROW, Sheet, data_rows, trimmed_headings
from .zips import DEEPEST, TooLarge, open_zip, unpacked

OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
WIDEST = 16_384  # columns in a LibreOffice sheet
MOST_CELLS = 20_000_000  # cells the rows of all sheets may fill (each held: 8 bytes)
BOOLEAN_FORMULAS = {"of:=true()": True, "of:=false()": False, "=true()": True,
                    "=false()": False}
_DURATION = re.compile(r"PT(\d{1,2})H(\d{1,2})M(\d{1,2})(?:\.(\d{1,6})\d*)?S")


@dataclass
class OdsTable:
    """One sheet as written: (first row number, cells, times repeated) for each row that
    holds something, and the places of its formula cells (the first MOST, and a count)."""

    name: str
    rows: list[tuple[int, list[Any], int]] = field(default_factory=list)
    formulas: list[tuple[str, int]] = field(default_factory=list)
    formula_count: int = 0

    def grid(self, first: int = 1) -> Iterator[list[Any]]:
        """Every row from row FIRST, an empty list for an empty one, to its last row."""
        number = first
        for start, cells, repeat in self.rows:
            for row in range(max(start, first), start + repeat):
                while number < row:
                    yield []
                    number += 1
                yield cells
                number += 1


def is_ods(archive: zipfile.ZipFile) -> bool:
    """A zip is an OpenDocument file if its mimetype says so (or, without one, if it holds
    content.xml and a manifest)."""
    names = set(archive.namelist())
    if "mimetype" in names:
        try:
            return archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument")
        except Exception:  # noqa: BLE001 - damaged: the reader explains what is wrong
            return True
    return "content.xml" in names and "META-INF/manifest.xml" in names


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _count(element, name: str, most: int) -> int:
    text = element.get(TABLE + name) or "1"
    number = int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 1
    return max(1, min(number, most))


def _text(element, room: int, depth: int = 0) -> str:
    """The text of a paragraph, with its spaces, tabs and line breaks, cut at ROOM + 1
    characters (so a cell too long is still found too long, but a few bytes of XML that
    ask for many spaces cannot fill memory)."""
    if depth > DEEPEST:
        raise TooLarge(f"its XML is nested more than {DEEPEST} levels deep")
    parts: list[str] = []
    size = 0

    def add(piece: str) -> None:
        nonlocal size
        if size <= room:
            parts.append(piece[:room + 1 - size])
            size += len(parts[-1])

    add(element.text or "")
    for child in element:
        if size > room:
            break
        local = _local(child.tag)
        if local == "s":
            add(" " * min(_count_spaces(child), room + 1 - size))
        elif local == "tab":
            add("\t")
        elif local == "line-break":
            add("\n")
        elif local != "annotation":
            add(_text(child, room - size, depth + 1))
        add(child.tail or "")
    return "".join(parts)


def _count_spaces(element) -> int:
    text = element.get(TEXT + "c") or "1"
    return min(int(text), 40_000) if text.isascii() and text.isdigit() else 1


def _number(text: str | None) -> Any:
    try:
        value = float(text or "")
    except ValueError:
        return text or None
    return int(value) if value.is_integer() and abs(value) < 2 ** 53 else value


def _date(text: str) -> Any:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return text or None


def _time(text: str) -> Any:
    found = _DURATION.fullmatch(text)
    if not found or int(found[1]) > 23 or int(found[2]) > 59 or int(found[3]) > 59:
        return text or None
    return time(int(found[1]), int(found[2]), int(found[3]),
                int((found[4] or "0").ljust(6, "0")))


def cell_value(cell, room: int = 32_767) -> tuple[Any, bool]:
    """A cell's value as a workbook reader gives it (empty is None), and whether it holds
    a formula to report (TRUE() and FALSE() are booleans, not formulas); text is cut at
    ROOM + 1 characters."""
    kind = cell.get(OFFICE + "value-type")
    formula = cell.get(TABLE + "formula")
    if formula is not None and formula.strip().lower() in BOOLEAN_FORMULAS:
        return BOOLEAN_FORMULAS[formula.strip().lower()], False
    if kind in ("float", "percentage", "currency"):
        value = _number(cell.get(OFFICE + "value"))
    elif kind == "boolean":
        value = (cell.get(OFFICE + "boolean-value") or "").lower() == "true"
    elif kind == "date":
        value = _date(cell.get(OFFICE + "date-value") or "")
    elif kind == "time":
        value = _time(cell.get(OFFICE + "time-value") or "")
    else:
        value = cell.get(OFFICE + "string-value")
        if value is None:
            paragraphs: list[str] = []
            used = 0
            for p in cell:
                if _local(p.tag) in ("p", "h") and used <= room:
                    paragraphs.append(_text(p, room - used))
                    used += len(paragraphs[-1]) + 1
            value = "\n".join(paragraphs)
        value = value[:room + 1] or None
    return value, formula is not None


class _Reader:
    """content.xml, a row at a time."""

    def __init__(self, name: str, room: int) -> None:
        self.name, self.room = name, room  # room: the longest cell
        self.tables: list[OdsTable] = []
        self.spread = 0  # cells that repeated rows and cells fill

    def row(self, table: OdsTable, element, number: int) -> int:
        """Take in one row element starting at row NUMBER; the next row's number."""
        repeat = _count(element, "number-rows-repeated", LAST_ROW)
        cells: list[Any] = []
        empty = 0
        for cell in element:
            if _local(cell.tag) not in ("table-cell", "covered-table-cell"):
                continue
            times = _count(cell, "number-columns-repeated", WIDEST)
            value, formula = cell_value(cell, self.room)
            if value is None:
                empty += times
                continue
            if len(cells) + empty + times > WIDEST:
                raise unreadable("damaged-file", self.name, reason=(
                    f"sheet {table.name} has cells past column {column_letter(WIDEST)}, "
                    "the last a spreadsheet can have"))
            cells.extend([None] * empty)
            empty = 0
            if formula:
                table.formula_count += times * repeat
                for column in range(len(cells) + 1, len(cells) + times + 1):
                    if len(table.formulas) < MOST:
                        table.formulas.append((column_letter(column), number))
            cells.extend([value] * times)
        if cells:
            table.rows.append((number, cells, repeat))
            self.spread += len(cells) * repeat
            if self.spread > MOST_CELLS:
                raise unreadable("unsafe-workbook", self.name, reason=(
                    f"its rows and repeated cells would fill more than {MOST_CELLS:,} cells"))
        return number + repeat

    def read(self, stream) -> list[OdsTable]:
        from defusedxml.ElementTree import iterparse

        open_elements: list[Any] = []
        table: OdsTable | None = None
        table_element = None
        number = 1
        for event, element in iterparse(stream, events=("start", "end")):
            if event == "start":
                open_elements.append(element)
                if len(open_elements) > DEEPEST:
                    raise TooLarge(f"its XML is nested more than {DEEPEST} levels deep")
                if table is None and element.tag == TABLE + "table":
                    table = OdsTable(element.get(TABLE + "name") or
                                     f"Sheet{len(self.tables) + 1}")
                    table_element, number = element, 1
                continue
            open_elements.pop()
            if element is table_element:
                self.tables.append(table)
                table = table_element = None
            elif table is not None and element.tag == TABLE + "table-row" and not any(
                    e.tag == TABLE + "table-cell" for e in open_elements):  # not a sub-table
                number = self.row(table, element, number)
            else:
                continue
            element.clear()
            if open_elements:
                open_elements[-1].remove(element)  # done with: memory stays flat
        return self.tables


def ods_tables(data: bytes, name: str, limits: Limits) -> list[OdsTable]:
    """The sheets of an .ods file, after the zip checks; ``Unreadable`` if it is damaged,
    not a spreadsheet, protected with a password or built like an attack."""
    from defusedxml import DefusedXmlException

    from .workbook import SAFETY_REASON

    archive = open_zip(data, name, limits, ".ods file")
    unpacked(archive, name)
    names = archive.namelist()
    if "mimetype" in names:
        kind = archive.read("mimetype").decode("ascii", "replace").strip()
        if kind != MIMETYPE:
            raise unreadable("damaged-file", name, reason=(
                "it is an OpenDocument file but not a spreadsheet; save it from a "
                "spreadsheet program as .ods or .xlsx"))
    if "content.xml" not in names:
        raise unreadable("damaged-file", name, reason="its cells (content.xml) are missing")
    if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read(
            "META-INF/manifest.xml"):
        raise unreadable("damaged-file", name, reason=(
            "it is protected with a password; save a copy without one"))
    try:
        with archive.open("content.xml") as stream:
            return _Reader(name, limits.max_cell).read(stream)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - XML a parser refuses, or an attack
        from .workbook import refused

        if isinstance(exc, DefusedXmlException):
            raise unreadable("unsafe-workbook", name, reason=SAFETY_REASON) from None
        raise refused(exc, name, "its cells (content.xml) are not valid XML") from None


def ods_sheets(tables: list[OdsTable], name: str, limits: Limits) -> dict[str, Sheet]:
    """The tables as sheets, as ``workbook_sheets`` gives a workbook's."""
    counter = [0]
    sheets = {}
    for table in tables:
        first = next(table.grid(), [])
        headings = trimmed_headings(first)

        def rows(table=table, headings=headings, counter=counter):
            return data_rows(table.grid(2), len(headings), limits, counter, name,
                             sheet=table.name, headings=headings, last=LAST_ROW)

        sheets[table.name] = Sheet(table.name, headings, rows)
    return sheets


def ods_fetch(tables: list[OdsTable]):
    """The cells of some rows of a sheet, to show around its issues."""
    by_name = {t.name: t for t in tables}

    def fetch(sheet: str, rows: set[int]):
        table = by_name.get(sheet)
        if table is None or not rows:
            return
        for number, cells in enumerate(table.grid(), start=1):
            if number in rows:
                yield number, list(cells)
            if number >= max(rows):
                return
    return fetch


EPOCH = WINDOWS_1900  # LibreOffice counts days from 30 December 1899, as Excel does
