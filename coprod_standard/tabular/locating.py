"""Where a JSON path is in the workbook it came from: the sheet, row, column letter and
heading, worked out from the assembler's source map only when an issue needs it (a mixin
of ``unflatten.Assembler``, which holds the map)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..issues import Location
from .letters import column_letter
from .repeated import position as repeated_position
from .rules import Column
from .rules import tables as table_rules

if TYPE_CHECKING:
    from .unflatten import SheetLayout


class Locating:
    """The location methods of ``Assembler`` (its layouts, rows, dataset and file)."""

    file: str
    version: str
    layouts: list
    rows: dict
    dataset: dict
    dataset_row: Any

    def locate(self, pointer: str) -> Location | None:
        """The sheet, row, column letter and heading for a JSON path, from the source map:
        the deepest list item on the path that came from a row, then the column. A name
        met on a list (``costs/category``, from an issue type's ``cell``) goes into its
        first item; a list with no items points at its own sheet."""
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
        found, cut, node, item = self.dataset_row, 0, self.dataset, self.dataset
        depth = 0
        while depth < len(parts):
            part = parts[depth]
            if isinstance(node, list) and node and not (part.isascii() and part.isdigit()):
                part, depth = "0", depth - 1  # the first item, then the name within it
            depth += 1
            if isinstance(node, list) and part.isascii() and part.isdigit() and \
                    int(part) < len(node):
                rows = self.rows.get(id(node))
                if rows is not None:
                    found, cut, item = (rows[0], rows[1][int(part)]), depth, node[int(part)]
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                break
        else:  # the whole path is a list of objects: its first row
            rows = self.rows.get(id(node)) if isinstance(node, list) and node else None
            if rows is not None:
                found, cut, item = (rows[0], rows[1][0]), len(parts), node[0]
        if found is None:
            return None
        return self.cell(*found, parts[cut:], item)

    def cell(self, number: int, row: int, parts: list[str], item: Any = None) -> Location:
        """Row ROW of sheet NUMBER, at the column of PARTS (a JSON path inside the row's
        object, ITEM when in hand): the column that holds it; for an object spread over
        columns, the first of them left empty; for a list of objects, the column on its
        own sheet; for the row itself, its identifier."""
        layout = self.layouts[number]
        rest = tuple(p for p in parts if not (p.isascii() and p.isdigit()))
        own = layout.table.own_columns
        column = None
        for size in range(len(rest), 0, -1):  # a name not in the tables: the path above it
            part = rest[:size]
            under = [c for c in own if c.path[:size] == part]
            column = next((c for c in under if c.path == part), None) or next(
                (c for c in under if not _holds(item, c.path)), None) or next(iter(under), None)
            sheet = None if column else self._sheet_of(layout, rest[:size], rest[size:])
            if column or sheet:
                return self._at(layout, row, column, _index(parts, size)) if column else sheet
        if column is None:  # the row as a whole
            column = next((c for c in own if c.path == ("id",)), None) or \
                next((c for c in layout.table.columns if c in layout.positions), None)
        return self._at(layout, row, column)

    def _at(self, layout: SheetLayout, row: int | None, column: Column | None,
            index: int | None = None) -> Location:
        """The cell of COLUMN in ROW; for a list of codes over repeated columns, the column
        that holds its item INDEX."""
        position = layout.positions.get(column) if column else None
        if index is not None and layout.lists:
            position = repeated_position(layout, row, column, index) or position
        return Location(file=self.file, sheet=layout.sheet, row=row,
                        column_letter=column_letter(position) if position else None,
                        column_title=(layout.headings.get(position) or column.heading)
                        if column else None)

    def _sheet_of(self, layout: SheetLayout, rest: tuple, inner: tuple) -> Location | None:
        """REST, a list of objects that has no rows for this one: its sheet, at the column
        INNER (or the one that links its rows to this one)."""
        for table in table_rules(self.version):
            if table.path != layout.table.item_path + rest:
                continue
            column = next((c for c in table.own_columns if c.path == inner), None) or \
                next(iter(table.link_columns[-1:]), None)
            there = next((x for x in self.layouts if x.table is table), None)
            if there is None:
                return Location(file=self.file, sheet=table.name,
                                column_title=column.heading if column else None)
            return self._at(there, None, column)
        return None


def _index(parts: list[str], size: int) -> int | None:
    """The list index in PARTS just after its first SIZE names (purposes/2 -> 2)."""
    names = 0
    for part in parts:
        if names == size:
            return int(part) if part.isascii() and part.isdigit() else None
        names += not (part.isascii() and part.isdigit())
    return None


def _holds(item: Any, path: tuple) -> bool:
    for key in path:
        if not isinstance(item, dict) or key not in item:
            return False
        item = item[key]
    return item not in (None, "", [])
