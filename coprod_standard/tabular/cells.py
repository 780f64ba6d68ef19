"""Cell values to JSON values and back, with Excel's habits handled.

Reading: numbers stored as text and "5.0" for 5 become numbers where the schema wants
one; Excel dates and date serials (1900 or 1904 system) become year-month-day, and dates
and times the standard's form with the UK's offset; dates typed as text in a form only one
date fits (31/03/2025) are read as that date (see ``dates``); codes and identifiers stay
text, so leading zeros are kept; a value that cannot be converted is kept exactly as it
was, so that validation can point at its cell.

Writing: strings that start with = + - @ tab CR or LF, or with a full-width or other
compatibility form of = + - @ (which spreadsheets with an East Asian input method take as
the same), are prefixed with an apostrophe so that no spreadsheet runs them as formulas
(OWASP CSV injection); reading removes that one apostrophe again, so a round trip gives back
exactly the original.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from sys import intern
from typing import Any

from ..dates import from_table, stamp
from .letters import excel_date
from .rules import LIST_SEPARATOR, Column

# Every character whose compatibility form (NFKC) is = + - or @: full-width (＝ ＋ － ＠),
# small, superscript and subscript forms; then tab and line breaks.
FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66",
                 "\ufe62", "\ufe63", "\ufe6b", "\u207c", "\u207a", "\u208c", "\u208a",
                 "\ufb29", "\t", "\r", "\n")
# The text a yes/no cell may hold: how spreadsheets (TRUE), Python (True) and JSON (true)
# write it. The data package's trueValues and falseValues are these exact spellings, so
# coprod and frictionless agree on every boolean cell.
BOOLEAN_TEXT = {"true": True, "True": True, "TRUE": True,
                "false": False, "False": False, "FALSE": False}
_INTEGER = re.compile(r"\s*[-+]?\d+(?:\.0*)?\s*")
_NUMBER = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*")


def neutralise(text: str) -> str:
    """Make a string safe to open in a spreadsheet: never a formula."""
    if text.startswith(FORMULA_START) or (text.startswith("'") and
                                          text[1:].startswith(FORMULA_START + ("'",))):
        return "'" + text
    return text


def restore(text: str) -> str:
    """Undo ``neutralise``: drop the one apostrophe it added."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START + ("'",)):
        return text[1:]
    return text


_WHOLE = re.compile(r"\s*[-+]?\d+\s*")


def _number_text(text: str, integer: bool) -> Any:
    """Numbers written as text: "12" and (for whole-number fields) "12.0" become 12;
    "6.0" in a decimal field stays 6.0, so CSV round trips keep the original form."""
    if _WHOLE.fullmatch(text) or (integer and _INTEGER.fullmatch(text)):
        return int(float(text))
    if not integer and _NUMBER.fullmatch(text):
        return float(text)
    return text


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return restore(value) if isinstance(value, str) else str(value)


def from_cell(value: Any, column: Column, epoch: datetime | None = None) -> Any:
    """The JSON value for a cell, or None when the cell is empty."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    kind = column.kind
    if kind == "list":
        items = [part.strip() for part in _as_text(value).split(LIST_SEPARATOR)]
        return [restore(item) for item in items if item] or None
    if kind in ("date", "datetime"):
        return _dated(value, kind, epoch)
    if kind in ("integer", "number"):
        if isinstance(value, bool):
            return value
        if isinstance(value, float):
            if math.isfinite(value) and (kind == "integer" and value.is_integer()):
                return int(value)
            return value
        if isinstance(value, int):
            return value
        return _number_text(_as_text(value), kind == "integer")
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        return BOOLEAN_TEXT.get(_as_text(value), _as_text(value))
    return _as_text(value)


def _dated(value: Any, kind: str, epoch: datetime | None) -> Any:
    """A date cell: a real date (or date and time at midnight) is the date, and a date and
    time keeps its time, for validation to explain; a date and time cell has the UK's
    offset. Either to the nearest second, as a spreadsheet shows it."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and epoch:
        try:
            value = excel_date(value, epoch)
        except (ValueError, OverflowError):
            return value
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    if isinstance(value, datetime) and value.tzinfo is None:
        if value.microsecond:
            value = (value + timedelta(microseconds=500_000)).replace(microsecond=0)
        if kind == "datetime":
            return stamp(value)
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, str):
        return from_table(restore(value), "date" if kind == "date" else "date-time")[0]
    return _as_text(value)


def _short(text: str) -> str:
    """Share one copy of short repeated text (codes, identifiers, dates) to save memory."""
    return intern(text) if len(text) <= 64 else text


def converter(column: Column, epoch: datetime | None = None,
              noted: list | None = None) -> Callable[[Any], Any]:
    """A fast ``from_cell`` for one column: text (all a CSV file holds) takes a short path;
    anything else goes through ``from_cell``. A date typed in another form that only one
    date fits is added to NOTED as (column, text, value, form), for an advisory."""
    kind = column.kind

    def slow(value: Any) -> Any:
        result = from_cell(value, column, epoch)
        return _short(result) if isinstance(result, str) else result

    if kind in ("date", "datetime"):
        wanted = "date" if kind == "date" else "date-time"

        def dated(value: Any) -> Any:
            if value.__class__ is not str:
                return None if value is None else slow(value)
            if not value or value.isspace():
                return None
            result, form = from_table(restore(value), wanted)
            if form is not None and noted is not None:
                noted.append((column, value, result, form))
            return _short(result)
        return dated
    if kind == "string":
        def text(value: Any, _str=str, _intern=intern) -> Any:
            if value.__class__ is not _str:
                return None if value is None else slow(value)
            if not value or value.isspace():
                return None
            if value[0] == "'":
                value = restore(value)
            return _intern(value) if len(value) <= 64 else value
        return text
    if kind == "list":
        def listed(value: Any) -> Any:
            if value.__class__ is not str:
                return None if value is None else slow(value)
            items = [_short(restore(p.strip())) for p in value.split(LIST_SEPARATOR)]
            return [item for item in items if item] or None
        return listed
    if kind in ("integer", "number"):
        integer = kind == "integer"

        def numeric(value: Any) -> Any:
            if value.__class__ is not str:
                return None if value is None else slow(value)
            if value.isdecimal() and value.isascii():  # the common case: 40
                return int(value)
            if not value or value.isspace():
                return None
            if not integer and "." in value and value.isascii() and "_" not in value:
                try:  # the other common case, 6.2, without a regular expression
                    number = float(value)
                except ValueError:
                    return value
                return number if math.isfinite(number) else value
            return _number_text(value, integer)
        return numeric

    def boolean(value: Any) -> Any:
        if value.__class__ is str:
            if not value or value.isspace():
                return None
            return BOOLEAN_TEXT.get(value, value)
        return None if value is None else slow(value)
    return boolean


def to_text(value: Any, column: Column) -> str:
    """A JSON value as CSV text (empty for a missing value)."""
    if value is None:
        return ""
    if column.kind == "list" and isinstance(value, list):
        return LIST_SEPARATOR.join(neutralise(str(v)) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return neutralise(value)
    return neutralise(str(value))


_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def excel_text(text: str) -> str:
    """Text as a workbook stores it (OOXML's _xHHHH_ escapes): a carriage return, which XML
    would turn into a line feed, becomes _x000D_, and text that already looks like an
    escape keeps its underscore as _x005F_. Excel shows the original text."""
    if "_x" in text:
        text = _ESCAPE_LIKE.sub(r"_x005F_\1", text)
    return text.replace("\r", "_x000D_") if "\r" in text else text


def from_excel_text(text: str) -> str:
    """Undo ``excel_text`` on a string read from a workbook."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def to_excel(value: Any, column: Column) -> Any:
    """A JSON value as an Excel cell value: real dates for date columns, numbers stay
    numbers, booleans stay booleans, text is made safe."""
    if value is None:
        return None
    if column.kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return excel_text(neutralise(value))
    if isinstance(value, (bool, int, float)) and column.kind != "list":
        return value
    return excel_text(to_text(value, column))
