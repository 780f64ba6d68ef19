"""Tables read one project at a time, so that memory does not grow with the file.

Every sheet is read at once, side by side, like a merge of sorted lists: the Projects sheet
leads, and for each project the rows of every other sheet that carry its identifier are
taken while they come (a spreadsheet written by this toolkit, or filled in one project
after another, is in that order). Each project is built from its rows with the very same
assembler as a whole file, so it gets the same objects, issues and cell locations.

When a sheet's rows are not grouped in the projects' order (a group of project 1 added at
the bottom of its sheet, say) or point at a project that is not there, the file cannot be
read this way: ``OutOfOrder`` is raised, and the caller reads the file whole instead. That
is decided from the rows alone, so no project is ever missing a row it should have had.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..issues import Issue, Location
from ..readers import ReadWhole, Record
from ..readers.json_reader import project_label
from .rules import Table
from .sheets import Sheet
from .unflatten import Assembler, SheetLayout, match_sheets


class OutOfOrder(ReadWhole):
    """Some sheet's rows are not grouped by project, in the order of the Projects sheet."""


@dataclass
class _Feed:
    """One sheet under the projects, read a row ahead."""

    layout: SheetLayout
    rows: Iterator[tuple[int, list]]
    head: tuple[int, list] | None = None
    key: Any = None  # the project identifier of the head row

    def advance(self) -> None:
        self.head = next(self.rows, None)
        self.key = _project_key(self.layout, self.head[1]) if self.head else None

    def take(self, project: str, seen: set) -> list[tuple[int, list]]:
        """The rows of PROJECT that come next (and any without a project identifier,
        which the assembler reports where they are)."""
        taken = []
        while self.head is not None and (self.key == project or self.key is None):
            taken.append(self.head)
            self.advance()
        if self.head is not None and self.key in seen:
            raise OutOfOrder(self.layout.sheet)
        return taken


def _project_key(layout: SheetLayout, cells: list) -> Any:
    """The first identifier of a row (its project's), read as the assembler reads it."""
    _, links, _, _, _, _, link_positions = layout.plan
    if link_positions is not None:
        i = link_positions[0]
        return (cells[i] or None) if i < len(cells) else None
    _, i, conv = links[0]
    return conv(cells[i]) if i < len(cells) else None


class TableStream:
    """The dataset's own details (read first) and then its projects, one at a time."""

    def __init__(self, sheets: dict[str, Sheet], version: str, file: str, epoch,
                 issues: list[Issue]) -> None:
        self.base = Assembler(version, file)
        self.base.issues = issues  # those found before (formulas, encodings) come first
        self.first = len(issues)
        self.epoch = epoch
        self.pairs: list[tuple[Table, Sheet, SheetLayout]] = []
        for table, sheet in match_sheets(self.base, sheets):
            layout = self.base.layout(table, sheet)
            self.base._plan(layout, epoch)
            self.pairs.append((table, sheet, layout))
        self.project_rows = array("I")  # the Projects row of each project, in order
        self.projects_layout: SheetLayout | None = None
        self.projects_sheet: Sheet | None = None
        for table, sheet, layout in self.pairs:
            if not table.path:
                self.base.add_rows(layout, sheet.rows(), epoch)
            elif table.path == ("projects",):
                self.projects_layout, self.projects_sheet = layout, sheet

    @property
    def streamable(self) -> bool:
        """Only a file with a Projects sheet: other rows would all be orphans."""
        return self.projects_layout is not None or all(
            not t.path for t, _, _ in self.pairs)

    @property
    def layouts(self) -> list[SheetLayout]:
        return self.base.layouts

    @property
    def details(self) -> dict[str, Any]:
        return self.base.dataset

    @property
    def issues(self) -> list[Issue]:
        return self.base.issues

    def _sub(self) -> Assembler:
        sub = Assembler(self.base.version, self.base.file)
        sub.layouts, sub.parents, sub.issues = self.base.layouts, self.base.parents, \
            self.base.issues
        sub.shared = str  # one project at a time: nothing to share across projects
        return sub

    def records(self) -> Iterator[Record]:
        """Each project as it is read, then the dataset's own details (with as many
        placeholders for projects as were read, which the schema counts)."""
        feeds = [_Feed(layout, sheet.rows()) for table, sheet, layout in self.pairs
                 if table.path[:1] == ("projects",) and table.ancestors]
        for feed in feeds:
            feed.advance()
        seen: set = set()
        count = 0
        for row in self.projects_sheet.rows() if self.projects_sheet else ():
            sub = self._sub()
            sub.add_rows(self.projects_layout, (row,), self.epoch)
            project = sub.dataset["projects"][0]
            own = project.get("id")
            if isinstance(own, str) and own in seen:
                self.base.duplicate(self.projects_layout, row[0], own)
            elif isinstance(own, str):
                seen.add(own)
                for feed in feeds:
                    sub.add_rows(feed.layout, feed.take(own, seen), self.epoch)
            self.project_rows.append(row[0])
            yield Record("project", f"/projects/{count}", project,
                         project_label(count, project), locate=_shifted(sub, count))
            count += 1
        for feed in feeds:  # rows left: of no project, or of one met before
            rest = [feed.head] + list(feed.rows) if feed.head else []
            if any(_project_key(feed.layout, cells) is not None for _, cells in rest):
                raise OutOfOrder(feed.layout.sheet)
            self.base.add_rows(feed.layout, rest, self.epoch)  # rows missing their project
        details = dict(self.details)
        if count:  # as a whole reading, which makes the list for the first project
            details["projects"] = [None] * count
        numbers = {layout.sheet: layout.number for layout in self.layouts}
        self.issues[self.first:] = sorted(  # as a whole reading finds them: sheet, then row
            self.issues[self.first:], key=lambda issue: _issue_order(issue, numbers))
        yield Record("dataset", "", details, "the dataset's own details",
                     locate=self.base.locate)

    def locate(self, pointer: str) -> Location | None:
        """After the reading: the dataset's own cells, or a project's row on the Projects
        sheet (the rows under it are placed while the project is checked)."""
        parts = pointer.split("/")
        if len(parts) < 3 or parts[1] != "projects" or self.projects_layout is None:
            return self.base.locate(pointer)
        if not (parts[2].isascii() and parts[2].isdigit()) or \
                int(parts[2]) >= len(self.project_rows):
            return None
        return self.base.cell(self.projects_layout.number, self.project_rows[int(parts[2])],
                              parts[3:])


def _issue_order(issue: Issue, numbers: dict[str, int]) -> tuple[int, int]:
    where = issue.location
    if where is None or where.sheet not in numbers:
        return (-1, 0)
    return (numbers[where.sheet], where.row or 0)


def _shifted(sub: Assembler, index: int):
    """The cells of project INDEX, whose assembler holds it as the only project."""
    prefix = f"/projects/{index}"

    def locate(pointer: str) -> Location | None:
        if pointer == prefix or pointer.startswith(prefix + "/"):
            return sub.locate("/projects/0" + pointer[len(prefix):])
        return None
    return locate
