"""Tables back into a dataset, keeping a map from every object to its sheet and row.

Rows arrive sheet by sheet, parents before children. Each row becomes an object placed
under its parent (found by the ancestors' identifiers in its first columns). The source
map holds one entry per row, so the location of any issue (sheet, row, column letter and
heading) is worked out from its JSON path only when it is needed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from ..issues import Issue, Location, issue_type
from .cells import from_cell
from .rules import Column, Table, column_lookup, normalise
from .rules import tables as table_rules
from .sheets import Sheet

IGNORED_SHEETS = {"read me", "readme", "codelists", "notes"}


@dataclass
class SheetLayout:
    table: Table
    sheet: str  # the name the user gave it
    positions: dict[Column, int] = field(default_factory=dict)  # 1-based column number
    blank: set[int] = field(default_factory=set)  # columns without a heading


def _set(item: dict, path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        item = item.setdefault(key, {})
    item[path[-1]] = value


class Assembler:
    def __init__(self, version: str, file: str) -> None:
        self.version = version
        self.file = file
        self.dataset: dict[str, Any] = {}
        self.issues: list[Issue] = []
        self.index: dict[tuple, tuple[dict, str]] = {}  # (table path, key) -> object, pointer
        self.rows: dict[str, tuple[int, int]] = {}  # pointer -> (layout number, row)
        self.layouts: list[SheetLayout] = []

    def _issue(self, code: str, sheet: str, row: int | None = None, column: int | None = None,
               column_title: str | None = None, **params: Any) -> None:
        letter = get_column_letter(column) if column else None
        where = Location(file=self.file, sheet=sheet, row=row, column_letter=letter,
                         column_title=column_title)
        self.issues.append(issue_type(code).make(location=where, sheet=sheet,
                                                 record="the dataset's own details", **params))

    def layout(self, table: Table, sheet: Sheet) -> SheetLayout:
        lookup = column_lookup(table)
        layout = SheetLayout(table, sheet.name)
        for number, heading in enumerate(sheet.headings, start=1):
            if heading is None or str(heading).strip() == "":
                layout.blank.add(number)
                continue
            column = lookup.get(normalise(heading))
            if column is None:
                from ..suggest import did_you_mean

                hint = did_you_mean(str(heading), [c.heading for c in table.columns])
                self._issue("unknown-column", sheet.name, 1, number, str(heading),
                            heading=str(heading), suggestion=hint)
            elif column in layout.positions:
                self._issue("duplicate-column", sheet.name, 1, number, str(heading),
                            heading=str(heading))
            else:
                layout.positions[column] = number
        self.layouts.append(layout)
        return layout

    def add_rows(self, layout: SheetLayout, rows: Iterable[tuple[int, list]], epoch) -> None:
        table, number = layout.table, len(self.layouts) - 1
        positions = list(layout.positions.items())
        for row_number, cells in rows:
            for blank in [b for b in layout.blank if b - 1 < len(cells) and cells[b - 1]
                          not in (None, "")]:
                self._issue("blank-column-heading", layout.sheet, row_number, blank)
                layout.blank.discard(blank)
            values = {}
            for column, position in positions:
                raw = cells[position - 1] if position - 1 < len(cells) else None
                value = from_cell(raw, column, epoch)
                if value is not None:
                    values[column] = value
            if not table.path:
                self._dataset_row(layout, row_number, values)
            else:
                self._item_row(layout, number, row_number, values)

    def _dataset_row(self, layout: SheetLayout, row_number: int, values: dict) -> None:
        if "" in self.rows:
            self._issue("extra-dataset-row", layout.sheet, row_number)
            return
        for column, value in values.items():
            _set(self.dataset, column.path, value)
        self.rows[""] = (len(self.layouts) - 1, row_number)

    def _item_row(self, layout: SheetLayout, number: int, row_number: int, values: dict):
        table = layout.table
        key = tuple(values.get(c) for c in table.link_columns)
        for column in table.link_columns:
            if values.get(column) is None:
                parent = table.ancestors[column.link]
                self._issue("missing-link", layout.sheet, row_number,
                            layout.positions.get(column), column.heading,
                            heading=column.heading, parent_sheet=parent.name)
                return
        if table.ancestors:
            parent_table = table.ancestors[-1]
            found = self.index.get((parent_table.path, key))
            if found is None:
                link = table.link_columns[-1]
                self._issue("orphan-row", layout.sheet, row_number, layout.positions.get(link),
                            link.heading, parent=parent_table.item_title.lower(),
                            key=key[-1], parent_sheet=parent_table.name)
                return
            parent, parent_pointer = found
            relative = table.path[len(parent_table.item_path):]
        else:
            parent, parent_pointer, relative = self.dataset, "", table.path
        holder = parent
        for step in relative[:-1]:
            holder = holder.setdefault(step, {})
        siblings = holder.setdefault(relative[-1], [])
        item: dict[str, Any] = {}
        for column, value in values.items():
            if column.link is None:
                _set(item, column.path, value)
        pointer = f"{parent_pointer}/{'/'.join(relative)}/{len(siblings)}"
        siblings.append(item)
        self.rows[pointer] = (number, row_number)
        own_id = item.get("id") if table.has_id else None
        if table.has_id and isinstance(own_id, str):
            full = key + (own_id,)
            if (table.path, full) in self.index:
                self._issue("duplicate-row", layout.sheet, row_number, key=own_id)
            else:
                self.index[(table.path, full)] = (item, pointer)

    def locate(self, pointer: str) -> Location | None:
        """The sheet, row, column letter and heading for a JSON path, from the source map."""
        parts = pointer.split("/")
        for cut in range(len(parts), 0, -1):
            prefix = "/".join(parts[:cut])
            if prefix in self.rows:
                break
        else:
            return None
        number, row = self.rows[prefix]
        layout = self.layouts[number]
        rest = tuple(p for p in parts[cut:] if not (p.isascii() and p.isdigit()))
        column = next((c for c in layout.table.own_columns if c.path == rest), None)
        if column is None:
            return Location(file=self.file, sheet=layout.sheet, row=row)
        position = layout.positions.get(column)
        return Location(file=self.file, sheet=layout.sheet, row=row,
                        column_letter=get_column_letter(position) if position else None,
                        column_title=column.heading)


def assemble(sheets: dict[str, Sheet], version: str, file: str, epoch=None) -> Assembler:
    """Read every known sheet, parents first; report the ones the standard does not know."""
    assembler = Assembler(version, file)
    rules = table_rules(version)
    known = {normalise(t.name): t for t in rules}
    known.update({normalise(t.file_name[:-4]): t for t in rules})
    by_table: dict[str, Sheet] = {}
    for name, sheet in sheets.items():
        table = known.get(normalise(name))
        if table is not None and table.name not in by_table:
            by_table[table.name] = sheet
        elif normalise(name) not in IGNORED_SHEETS:
            from ..suggest import did_you_mean

            assembler._issue("unknown-sheet", name, suggestion=did_you_mean(
                name, [t.name for t in rules]), names=", ".join(t.name for t in rules))
    for table in rules:
        sheet = by_table.get(table.name)
        if sheet is not None:
            layout = assembler.layout(table, sheet)
            assembler.add_rows(layout, sheet.rows(), epoch)
    return assembler
