"""Issues and the catalogue of issue types.

Every issue the toolkit can raise has a stable kebab-case code, registered once as an
``IssueType`` with a title, a description for the docs, a severity, a category, and
templates for the message and the fix. Code that finds a problem calls
``issue_type(code).make(...)`` with the template's parameters.
"""

from __future__ import annotations

import heapq
import re
import string
from collections import Counter
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"  # must be fixed: the data does not meet the standard
    WARNING = "warning"  # should be fixed
    ADVISORY = "advisory"  # worth knowing

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "advisory": 2}[self.value]


@dataclass(frozen=True)
class Location:
    """Where an issue is, in the words a reader of that kind of file would use."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    sheet: str | None = None
    row: int | None = None
    column_letter: str | None = None
    column_title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def describe(self) -> str:
        parts = []
        if self.sheet:
            kind = "file" if self.sheet.lower().endswith(".csv") else "sheet"
            parts.append(f"{kind} {self.sheet}")
        if self.column_letter and self.row:
            cell = f"cell {self.column_letter}{self.row}"
            parts.append(f"{cell} ({self.column_title})" if self.column_title else cell)
        elif self.row:
            parts.append(f"row {self.row}")
        elif self.column_title:  # a sheet with no row for it yet: the column to fill in
            column = f"column {self.column_letter}" if self.column_letter else "column"
            parts.append(f"{column} ({self.column_title})")
        if self.line:
            parts.append(f"line {self.line}, column {self.column}" if self.column else
                         f"line {self.line}")
        return ", ".join(parts)


@dataclass
class Issue:
    code: str
    severity: Severity
    category: str
    message: str
    fix: str
    path: str = ""  # a JSON Pointer into the dataset
    field: str = ""  # the field's name, as in the JSON
    title: str = ""  # the field's human title from the schema
    value: Any = None
    value_shown: bool = False  # False when the value is withheld or there is none
    record: str | None = None  # which record it is in, for example a project's id
    location: Location | None = None
    context: dict[str, Any] | None = None  # for spreadsheets: the cells around the issue

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "category": self.category,
            "message": self.message,
            "fix": self.fix,
            "path": self.path,
        }
        if self.field:
            out["field"] = self.field
        if self.title:
            out["title"] = self.title
        if self.value_shown:
            out["value"] = self.value
        if self.record:
            out["record"] = self.record
        if self.location:
            out["location"] = self.location.to_dict()
        if self.context:
            out["context"] = self.context
        return out


@dataclass(slots=True)
class Pending:
    """An issue not yet put into words: what counting and ordering it needs. ``build``
    works out the rest (titles, suggestions, the message) for the issues a report lists;
    past the report's limit an issue is only counted, so a file that repeats one mistake a
    million times costs the counting and the few thousand issues listed."""

    code: str
    severity: Severity
    path: str
    record: str | None
    build: Callable[[], Issue]


class Unlisted(dict):
    """Issues past a report's limit, counted and never kept: code -> [severity, count,
    the records they are in]."""

    def count(self, code: str, severity: Severity, records: Iterable, times: int = 1) -> None:
        kept = self.setdefault(code, [severity, 0, set()])
        kept[1] += times
        kept[2].update(records)

    def merge(self, other: Unlisted, record_of: Callable[[Any], Any] = lambda r: r) -> None:
        for code, (severity, times, records) in other.items():
            self.count(code, severity, map(record_of, records), times)

    def relabel(self, old: Any, new: Any) -> None:
        """Count the records labelled OLD under NEW (a label that repeated personal data)."""
        for kept in self.values():
            if old in kept[2]:
                kept[2].discard(old)
                kept[2].add(new)

    @property
    def total(self) -> int:
        return sum(kept[1] for kept in self.values())


@dataclass
class Listing:
    """Issues listed up to LIMIT (None: no limit); past it, counted in NOT_LISTED and
    never built. A view: ISSUES and NOT_LISTED are the owner's own."""

    limit: int | None
    issues: list[Issue]
    not_listed: Unlisted

    @property
    def full(self) -> bool:
        return self.limit is not None and len(self.issues) >= self.limit

    def add(self, items: Iterable[Issue | Pending]) -> None:
        """List ITEMS in their order while there is room; count the rest."""
        for item in items:
            if self.limit is None or len(self.issues) < self.limit:
                self.issues.append(item.build() if isinstance(item, Pending) else item)
            else:
                self.not_listed.count(item.code, item.severity, (item.record,))

    def add_first(self, items: Iterable[Pending], key: Callable[[Pending], Any]) -> None:
        """List the first of ITEMS in KEY order, as many as there is room for (a sort that
        keeps no more than that in hand); count the rest."""
        seen: Counter = Counter()

        def counted():
            for item in items:
                seen[item.code, item.severity, item.record] += 1
                yield item

        stream = counted()
        if self.limit is None:
            kept = sorted(stream, key=key)
        else:
            kept = heapq.nsmallest(max(self.limit - len(self.issues), 0), stream, key=key)
            for _ in stream:  # nsmallest(0, ...) reads nothing, and every item is counted
                pass
        for item in kept:
            seen[item.code, item.severity, item.record] -= 1
        for (code, severity, record), times in seen.items():
            if times:
                self.not_listed.count(code, severity, (record,), times)
        self.add(kept)


def _template_fields(template: str) -> set[str]:
    return {name.split("[")[0] for _, name, _, _ in string.Formatter().parse(template)
            if name}


# How messages name a field. None (the default): by its JSON name, quoted ('accessNeeds').
# For a workbook or CSV tables, a function (name, JSON Pointer near it) -> its heading,
# quoted, or the sheet or columns that hold it; set while such a file is checked.
NAMING: ContextVar[Callable[[str, str], str] | None] = ContextVar("naming", default=None)


def name_field(name: str, near: str = "") -> str:
    """A field (``accessNeeds``, or ``demographics/ethnicity`` to say which) named for
    the reader: quoted as in the JSON (its last name), or by its heading in tables. NEAR,
    the issue's JSON Pointer, tells apart fields of one name in several places."""
    naming = NAMING.get()
    return naming(name, near) if naming else f"'{name.split('/')[-1]}'"


class _Names:
    """``{f[accessNeeds]}`` in a template: the field named by ``name_field``."""

    def __init__(self, near: str) -> None:
        self.near = near

    def __getitem__(self, name: str) -> str:
        return name_field(name, self.near)


# The generic templates name a field by its title and, in brackets, its JSON name; in
# tables the heading is both, and is given once (quoted by name_field).
_FIELD_IN_TABLES = re.compile(
    r"\{title\} \('\{field\}'\)|'\{field\}' \(\{title\}\)|'\{field\}'")


def _tabular(template: str) -> str:
    return _FIELD_IN_TABLES.sub("{field}", template)


_NAMED = re.compile(r"\{f\[(?:[^\]/]*/)*([^\]/]*)\]\}")


def as_written(template: str) -> str:
    """A template as the docs show it: a field it names, as in the JSON ('accessNeeds')."""
    return _NAMED.sub(r"'\1'", template)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


_INDEX = re.compile(r"/\d+(?=/|$)")


@dataclass(frozen=True)
class IssueType:
    code: str
    title: str
    severity: Severity
    category: str
    description: str
    message: str  # a template: "{title} ('{field}') is missing."
    fix: str  # a template too
    unreadable: bool = False  # True when the input could not be read at all
    # In tables, the column to point at when the issue's path is a list of objects or an
    # object (``category`` for a project's costs): where a spreadsheet user fixes it.
    cell: str = ""
    params: frozenset[str] = field(default=frozenset(), init=False)

    def __post_init__(self) -> None:
        fields = _template_fields(self.message) | _template_fields(self.fix)
        object.__setattr__(self, "params", frozenset(fields - {"f"}))  # f: always given

    def make(self, *, path: str = "", field: str = "", title: str = "",
             value: Any = None, show_value: bool = False, record: str | None = None,
             location: Location | None = None, severity: Severity | None = None,
             **params: Any) -> Issue:
        values = {"field": field, "title": title or field, "value": value, "f": _Names(path),
                  **params}
        missing = self.params - values.keys()
        if missing:
            raise KeyError(f"{self.code}: missing parameters {sorted(missing)}")
        message, fix, tidy = self.message, self.fix, str
        if NAMING.get() and field and "field" in self.params:  # the heading, not the name
            values["field"] = name_field(_INDEX.sub("/*", path).lstrip("/") or field, path)
            message, fix, tidy = _tabular(message), _tabular(fix), _capital
        return Issue(
            code=self.code,
            severity=severity or self.severity,
            category=self.category,
            message=tidy(message.format_map(values)),
            fix=tidy(fix.format_map(values)),
            path=path,
            field=field,
            title=title,
            value=value,
            value_shown=show_value,
            record=record,
            location=location,
        )

    def later(self, words: Callable[[], dict[str, Any]], *, path: str = "",
              record: str | None = None, severity: Severity | None = None) -> Pending:
        """The issue, with the rest of ``make``'s parameters (WORDS) worked out only if it
        is listed."""
        return Pending(self.code, severity or self.severity, path, record,
                       lambda: self.make(path=path, record=record, severity=severity,
                                         **words()))


_CATALOGUE: dict[str, IssueType] = {}


def register(*types: IssueType) -> None:
    for item in types:
        if item.code in _CATALOGUE and _CATALOGUE[item.code] != item:
            raise ValueError(f"issue code {item.code!r} registered twice")
        _CATALOGUE[item.code] = item


def issue_type(code: str) -> IssueType:
    _load()
    return _CATALOGUE[code]


def place(issue: Issue) -> str:
    """The JSON path at which to look for an issue's cell in tables: its path, and within
    it the column its type names (``cell``), if any."""
    hint = _CATALOGUE[issue.code].cell if issue.code in _CATALOGUE else ""
    return f"{issue.path}/{hint}" if hint else issue.path


def catalogue() -> list[IssueType]:
    """Every issue type, in the order they were registered."""
    _load()
    return list(_CATALOGUE.values())


_LOADED: list[bool] = []


def _load() -> None:
    if _LOADED:
        return
    # The catalogue modules register their types when imported.
    from . import catalogue as _  # noqa: F401
    from .checks import catalogue as checks
    from .instruments import run as _responses  # noqa: F401
    from .tabular import issues as _tabular  # noqa: F401

    checks()
    _LOADED.append(True)
