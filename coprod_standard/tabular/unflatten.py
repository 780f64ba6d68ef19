"""Tables back into a dataset, keeping a map from every object to its sheet and row.

Rows arrive sheet by sheet, parents before children. Each row becomes an object placed
under its parent (found by the ancestors' identifiers in its first columns). The source
map holds one entry per row, so the location of any issue (sheet, row, column letter and
heading) is worked out from its JSON path only when it is needed.
"""

from __future__ import annotations

import gc
from array import array
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from sys import intern
from typing import Any

from ..dates import more_cells
from ..issues import Issue, Location, issue_type
from .cells import converter, restore
from .codes import matching
from .letters import column_letter
from .locating import Locating
from .repeated import heading as repeat_heading
from .repeated import numbered, read_lists
from .rules import Column, Table, column_lookup, normalise, sheet_keys, sheet_tables
from .rules import tables as table_rules
from .sheets import Sheet

IGNORED_SHEETS = {"read me", "readme", "codelists", "codes", "notes"}
TEXT_KINDS = ("string",)  # read as they are (dates go through their converter)


@dataclass
class SheetLayout:
    table: Table
    sheet: str  # the name the user gave it
    positions: dict[Column, int] = field(default_factory=dict)  # 1-based column number
    blank: set[int] = field(default_factory=set)  # columns without a heading
    all_text: bool = False  # every cell is text (a CSV file)
    width: int = 0  # how many columns have a heading place (cells beyond have none)
    said: set[int] = field(default_factory=set)  # columns past the headings already reported
    number: int = 0  # its place in Assembler.layouts (the source map refers to it)
    plan: Any = None  # how to read its rows, worked out once (see Assembler._plan)
    found: list = field(default_factory=list)  # codes read from titles, for the row's issues
    dates: list = field(default_factory=list)  # dates read from other forms, in this row
    dated: dict = field(default_factory=dict)  # column -> [its advisory, cells so read]
    # Lists of codes over repeated columns ("Purposes", "Purposes 2", ...; see repeated):
    lists: dict = field(default_factory=dict)  # column -> its positions, in heading order
    headings: dict = field(default_factory=dict)  # position -> heading, for repeats
    where: dict = field(default_factory=dict)  # (row, column) -> each code's position


def _set(item: dict, path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        item = item.setdefault(key, {})
    item[path[-1]] = value


class Assembler(Locating):
    def __init__(self, version: str, file: str) -> None:
        self.version = version
        self.file = file
        self.dataset: dict[str, Any] = {}
        self.issues: list[Issue] = []
        self.index: dict[tuple, dict] = {}  # (table path, key) -> a parent object
        # The source map: for each list built, its sheet (layout number) and the row each of
        # its items came from. Keyed by id() of the list, which lives as long as the dataset.
        self.rows: dict[int, tuple[int, array]] = {}
        self.dataset_row: tuple[int, int] | None = None
        self.layouts: list[SheetLayout] = []
        self.parents: set = set()  # paths of tables that other tables hang from
        self._last: tuple | None = None  # the parent the previous row went under
        # equal short texts made one object (codes repeat on every row); a reader that keeps
        # one project at a time passes ``str`` instead: Python's table of shared texts only
        # grows, so it would hold every project's identifiers until the end
        self.shared = intern

    def _issue(self, code: str, sheet: str, row: int | None = None, column: int | None = None,
               column_title: str | None = None, **params: Any) -> None:
        letter = column_letter(column) if column else None
        where = Location(file=self.file, sheet=sheet, row=row, column_letter=letter,
                         column_title=column_title)
        self.issues.append(issue_type(code).make(location=where, sheet=sheet,
                                                 record="the dataset's own details", **params))

    def layout(self, table: Table, sheet: Sheet) -> SheetLayout:
        lookup = column_lookup(table)
        layout = SheetLayout(table, sheet.name, all_text=sheet.all_text,
                             width=len(sheet.headings), number=len(self.layouts))
        repeats: dict[Column, dict[int, int]] = {}  # list column -> {its number: position}
        for number, heading in enumerate(sheet.headings, start=1):
            if heading is None or str(heading).strip() == "":
                layout.blank.add(number)
                continue
            column, n = lookup.get(normalise(heading)), 1
            if column is None:
                column, n = numbered(lookup, heading) or (None, 1)
            if column is not None and column.kind == "list":
                if n in repeats.setdefault(column, {}):
                    self._issue("duplicate-column", sheet.name, 1, number, str(heading),
                                heading=str(heading))
                else:
                    repeats[column][n] = number
                    layout.headings[number] = repeat_heading(column, n)
            elif column is None:
                from ..suggest import did_you_mean

                hint = did_you_mean(str(heading), [c.heading for c in table.columns])
                self._issue("unknown-column", sheet.name, 1, number, str(heading),
                            heading=str(heading), suggestion=hint)
            elif column in layout.positions:
                self._issue("duplicate-column", sheet.name, 1, number, str(heading),
                            heading=str(heading))
            else:
                layout.positions[column] = number
        for column, found in repeats.items():
            positions = [found[n] for n in sorted(found)]
            layout.positions[column] = positions[0]
            if len(positions) > 1:
                layout.lists[column] = positions
        self.layouts.append(layout)
        return layout

    def _plan(self, layout: SheetLayout, epoch) -> tuple:
        """How to read a sheet's cells into objects: worked out once for each sheet. Code
        columns also match titles and other spellings to codes (see ``codes``)."""
        table = layout.table
        plan = [(position - 1, self._converter(layout, column, position, epoch), column)
                for column, position in layout.positions.items()]

        # One entry per position in the row: how to read the cell there, or None to skip it.
        specs: list[tuple | None] = [None] * (max(layout.positions.values(), default=0))
        for i, conv, column in plan:
            if column.link is None and column not in layout.lists:
                key = column.path[0] if len(column.path) == 1 else column.path
                specs[i] = (conv, key, column.kind in TEXT_KINDS and not column.field.codelists,
                            column.kind in ("integer", "number"))
        links = sorted(((column.link, i, conv) for i, conv, column in plan
                        if column.link is not None), key=lambda link: link[0])
        needed = len(table.link_columns)
        # For text-only sources (CSV), plain text columns are read in one comprehension and
        # only the other columns one by one; the result is the same as the general loop.
        text_keys = [spec[1] if spec and spec[2] else None
                     for spec in specs] if layout.all_text else None
        nested = any(k.__class__ is tuple for k in text_keys or ())
        other = [(i, spec) for i, spec in enumerate(specs)
                 if spec and (text_keys is None or text_keys[i] is None)]
        link_positions = [i for _, i, _ in links] if layout.all_text else None
        layout.plan = (specs, links, needed, text_keys, nested, other, link_positions)
        layout.lists = {column: [(p - 1, self._converter(layout, column, p, epoch))
                                 for p in positions]
                        for column, positions in layout.lists.items()}
        return layout.plan

    def _converter(self, layout: SheetLayout, column: Column, position: int, epoch):
        conv = converter(column, epoch, layout.dates)
        if column.link is None and column.field.codelists:
            return matching(conv, self.version, column.field.codelists, layout.found,
                            position)
        return conv

    def _codes_found(self, layout: SheetLayout, row_number: int) -> None:
        """Report the codes read from titles or other spellings in one row."""
        columns = {position: column for column, position in layout.positions.items()}
        for position, typed, code in layout.found:
            heading = layout.headings.get(position) or columns[position].heading
            self._issue("title-used-for-code", layout.sheet, row_number, position,
                        heading, cell=f"{column_letter(position)}{row_number}",
                        typed=typed, as_code=code)
        layout.found.clear()

    def add_rows(self, layout: SheetLayout, rows: Iterable[tuple[int, list]], epoch) -> None:
        table = layout.table
        specs, links, needed, text_keys, nested, other, link_positions = \
            layout.plan or self._plan(layout, epoch)
        is_parent = table.path in self.parents
        shared = self.shared
        for row_number, cells in rows:
            if layout.blank or len(cells) > layout.width:
                self._blank_cells(layout, row_number, cells)
            width = len(cells)
            if text_keys is not None:
                item = {k: (shared(v) if len(v) <= 64 else v) if v[0] != "'" else restore(v)
                        for k, v in zip(text_keys, cells, strict=False)
                        if k and v and not v.isspace()}
                if nested:  # keys such as ("period", "startDate") become nested objects
                    for k in [k for k in item if k.__class__ is tuple]:
                        _set(item, k, item.pop(k))
                for i, (conv, key, _, numeric) in other:
                    if i < width and cells[i]:
                        raw = cells[i]
                        if numeric and raw.isdecimal() and raw.isascii():
                            value = int(raw)  # the commonest number: a whole one
                        else:
                            value = conv(raw)
                        if value is not None:
                            if key.__class__ is str:
                                item[key] = value
                            else:
                                _set(item, key, value)
            else:
                item = self._general(specs, cells, shared)
            if layout.lists:
                read_lists(layout, row_number, cells, item)
            if layout.found:
                self._codes_found(layout, row_number)
            if layout.dates:
                self._dates_read(layout, row_number)
            if not table.path:
                self._dataset_row(layout, row_number, item)
                continue
            if link_positions is not None:  # text: identifiers are used as they are
                key = tuple([cells[i] or None if i < width else None for i in link_positions])
            else:
                key = tuple([conv(cells[i]) if i < width else None for _, i, conv in links])
            if len(key) != needed or None in key:
                if item or any(k is not None for k in key):  # not just a row of spaces
                    self._missing_link(layout, row_number, key)
                continue
            self._place(layout, row_number, key, item, is_parent)

    @staticmethod
    def _general(specs: list, cells: list, shared=intern) -> dict[str, Any]:
        """A row of any cell types (a workbook's) as an object."""
        item: dict[str, Any] = {}
        for spec, raw in zip(specs, cells, strict=False):
            if spec is None or raw is None or raw == "":
                continue
            conv, key, is_text, _ = spec
            if is_text and raw.__class__ is str and raw[0] != "'" and not raw.isspace():
                value = shared(raw) if len(raw) <= 64 else raw  # the common case, inline
            else:
                value = conv(raw)
            if value is not None:
                if key.__class__ is str:
                    item[key] = value
                else:
                    _set(item, key, value)
        return item

    def _dates_read(self, layout: SheetLayout, row_number: int) -> None:
        """One advisory for each column with dates read from another form: its first such
        cell, and how many more."""
        kind = issue_type("date-in-another-form")
        for column, typed, value, form in layout.dates:
            seen = layout.dated.get(column)
            if seen is None:
                words = {"title": column.heading, "typed": typed, "form": form,
                         "read_as": value}
                self._issue(kind.code, layout.sheet, row_number, layout.positions[column],
                            column.heading, value=typed, show_value=True, more="", **words)
                layout.dated[column] = seen = [self.issues[-1], 0, words]
                continue
            seen[1] += 1
            seen[0].message = kind.message.format(**seen[2], more=more_cells(seen[1]))
        layout.dates.clear()

    def _blank_cells(self, layout: SheetLayout, row_number: int, cells: list) -> None:
        """Data in a column without a heading, reported once a column (the data rows keep
        cells past the last heading only when one of them holds something)."""
        beyond = [n for n in range(layout.width + 1, len(cells) + 1)
                  if cells[n - 1] not in (None, "") and n not in layout.said]
        for blank in [b for b in layout.blank if b <= len(cells) and cells[b - 1]
                      not in (None, "")] + beyond:
            self._issue("blank-column-heading", layout.sheet, row_number, blank)
            layout.blank.discard(blank)
            layout.said.add(blank)

    def _dataset_row(self, layout: SheetLayout, row_number: int, item: dict) -> None:
        if self.dataset_row is not None:
            self._issue("extra-dataset-row", layout.sheet, row_number)
            return
        self.dataset.update(item)
        self.dataset_row = (layout.number, row_number)

    def _missing_link(self, layout: SheetLayout, row_number: int, key: tuple) -> None:
        table = layout.table
        given = dict(enumerate(key))
        for column in table.link_columns:
            if given.get(column.link) is None:
                self._issue("missing-link", layout.sheet, row_number,
                            layout.positions.get(column), column.heading,
                            heading=column.heading,
                            parent_sheet=table.ancestors[column.link].name)
                return

    def _place(self, layout: SheetLayout, row_number: int, key: tuple, item: dict,
               is_parent: bool) -> None:
        last = self._last
        if last is not None and last[0] is layout and last[1] == key:
            siblings, rows = last[2], last[3]  # rows of one parent usually come together
        else:
            found = self._siblings(layout, row_number, key)
            if found is None:
                return
            siblings, rows = found
            self._last = (layout, key, siblings, rows)
        siblings.append(item)
        rows.append(row_number)
        if is_parent:
            own_id = item.get("id")
            if isinstance(own_id, str):
                full = (layout.table.path, key + (own_id,))
                if full in self.index:
                    self.duplicate(layout, row_number, own_id)
                else:
                    self.index[full] = item

    def duplicate(self, layout: SheetLayout, row_number: int, key: str) -> None:
        """A row whose identifier another row of the sheet has: at its identifier's cell."""
        column = next((c for c in layout.table.own_columns if c.path == ("id",)), None)
        self._issue("duplicate-row", layout.sheet, row_number, layout.positions.get(column),
                    column.heading if column else None, key=key)

    def _siblings(self, layout: SheetLayout, row_number: int, key: tuple):
        """The list a row's object goes into (under its parent), and that list's row map."""
        table = layout.table
        if table.ancestors:
            parent_table = table.ancestors[-1]
            found = self.index.get((parent_table.path, key))
            if found is None:
                link = table.link_columns[-1]
                self._issue("orphan-row", layout.sheet, row_number, layout.positions.get(link),
                            link.heading, parent=parent_table.item_title.lower(),
                            key=key[-1], parent_sheet=parent_table.name)
                return None
            parent = found
            relative = table.path[len(parent_table.item_path):]
        else:
            parent, relative = self.dataset, table.path
        holder = parent
        for step in relative[:-1]:
            holder = holder.setdefault(step, {})
        siblings = holder.setdefault(relative[-1], [])
        if id(siblings) not in self.rows:
            self.rows[id(siblings)] = (layout.number, array("I"))
        return siblings, self.rows[id(siblings)][1]


@contextmanager
def paused_gc():
    """Building a large dataset makes millions of objects and no cycles; CPython's cycle
    collector would spend a third of the time looking for them, so it waits until the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def assemble(sheets: dict[str, Sheet], version: str, file: str, epoch=None) -> Assembler:
    """Read every known sheet, parents first; report the ones the standard does not know."""
    assembler = Assembler(version, file)
    with paused_gc():
        for table, sheet in match_sheets(assembler, sheets):
            layout = assembler.layout(table, sheet)
            assembler.add_rows(layout, sheet.rows(), epoch)
    return assembler


def match_sheets(assembler: Assembler, sheets: dict[str, Sheet]) -> list[tuple[Table, Sheet]]:
    """The known sheets with their tables, parents first; the others reported unless they
    are notes for people (a read-me, the codelists)."""
    rules = table_rules(assembler.version)
    assembler.parents = {t.ancestors[-1].path for t in rules if t.ancestors}
    known, keys = sheet_tables(assembler.version, sheets), sheet_keys(sheets)
    by_table: dict[str, Sheet] = {}
    for name, sheet in sheets.items():
        table = known[name]
        if table is not None and table.name not in by_table:
            by_table[table.name] = sheet
        elif normalise(name) not in IGNORED_SHEETS and keys[name] not in IGNORED_SHEETS:
            from ..suggest import did_you_mean

            assembler._issue("unknown-sheet", name, suggestion=did_you_mean(
                name, [t.name for t in rules]), names=", ".join(t.name for t in rules))
    return [(table, by_table[table.name]) for table in rules if table.name in by_table]
