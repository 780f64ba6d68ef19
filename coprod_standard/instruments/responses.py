"""Questionnaire responses, read row by row from CSV, a workbook (.xlsx, .ods, .xls) or
JSON, each checked and located, never held all at once; a file that is not responses (a
dataset, say) is refused with one message saying what it is (``kinds``).

A response is one person's answers to one instrument at one timepoint: a pseudonymous
respondent reference (never a name), the instrument, the timepoint, the date, the item
values (or a given total, with its scale), and optional demographic codes.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..dates import from_table
from ..dates import words as date_words
from ..issues import Issue, IssueType, Location, Severity, issue_type, register
from ..limits import Limits
from ..readers import read_bytes, source_name, unreadable
from ..readers.surrogates import mend_all
from ..tabular.cells import restore
from ..tabular.letters import column_letter
from ..tabular.sheets import Sheet, csv_sheet, detect_encoding
from .kinds import XLS, check_headings, json_object, responses_sheets

E, W = Severity.ERROR, Severity.WARNING
TIMEPOINTS = ("baseline", "interim", "end", "follow-up")
DEMOGRAPHIC_KEYS = ("role", "ethnicity", "ageBand", "sex", "disability")
DEMOGRAPHICS = {"role": "role", "ethnicity": "ethnicity", "ageband": "ageBand",
                "age band": "ageBand", "sex": "sex", "disability": "disability"}
FIELDS = {"respondent": "respondent", "respondent reference": "respondent",
          "instrument": "instrument", "timepoint": "timepoint", "date": "date",
          "total": "total", "scale": "scale", **DEMOGRAPHICS}
ITEM = re.compile(r"^(?:item|q|question)\s*(\d{1,3})$", re.I)
IDENTIFYING = re.compile(r"@|\d{3}\s?\d{3}\s?\d{4}|\s")


def _t(code, title, severity, description, message, fix):
    return IssueType(code, title, severity, "responses", description, message, fix)


register(
    _t("response-missing-value", "Response without a required value", E,
       "A response must say who (a pseudonymous reference), which instrument, when "
       "(timepoint) and on what date.",
       "This response has no {what}.", "Fill in the {what}; the row is left out until then."),
    _t("response-unknown-instrument", "Unknown instrument", E,
       "The instrument is not one the toolkit knows, and no definition was given for it.",
       "'{instrument}' is not a known instrument.{suggestion}",
       "Use one of: {known}; or define a bespoke instrument in a file and give it with "
       "--instrument."),
    _t("response-bad-value", "Value not understood", E,
       "A timepoint, date, item or total is not in the form expected.",
       "{what} is {shown}, which is not {expected}.", "Correct the value; {hint}"),
    _t("response-identifiable-reference", "Respondent reference may identify someone", E,
       "A respondent reference must be a pseudonymous code such as R0042, never a name, "
       "email address or NHS number.",
       "The respondent reference looks like it could identify a person (it has spaces, an "
       "@ or a long number).",
       "Replace every reference with a code that means nothing outside your records, such "
       "as R0042, and keep the key to it safely elsewhere."),
    _t("response-duplicate", "Response given twice", E,
       "The same respondent answered the same instrument at the same timepoint twice.",
       "Respondent {respondent} already has a {instrument} response at {timepoint} (row "
       "{first}).",
       "Keep one of the two responses; this one is left out."),
)


@dataclass(slots=True)
class Response:
    row: int
    respondent: str
    instrument: str
    timepoint: str
    day: date
    items: list[Any] = field(default_factory=list)  # numbers, None for unanswered, or text
    total: Any = None
    scale: str | None = None
    demographics: dict[str, str] = field(default_factory=dict)


class ResponseReader:
    """Rows of a responses file, as ``Response`` objects, with issues for bad rows: the
    first examples of each kind are kept, and every one is counted."""

    def __init__(self, file: str, max_examples: int = 100) -> None:
        self.file = file
        self.sheet = ""
        self.issues: list[Issue] = []
        self.counts: Counter = Counter()
        self.max_examples = max_examples
        self.headings: dict[str, int] = {}
        self._days: dict[Any, date | None] = {}

    def issue(self, code: str, row: int, column: str | None = None, **params: Any) -> None:
        self.counts[code] += 1
        if self.counts[code] > self.max_examples:
            return
        letter = None
        if column and column in self.headings:
            letter = column_letter(self.headings[column] + 1)
        where = Location(file=self.file, sheet=self.sheet or None, row=row,
                         column_letter=letter, column_title=column)
        self.issues.append(issue_type(code).make(location=where, record=f"row {row}",
                                                 **params))

    def from_sheet(self, sheet: Sheet) -> Iterator[Response]:
        self.sheet = sheet.name
        columns: dict[str, int] = {}
        items: dict[int, int] = {}
        for position, heading in enumerate(sheet.headings):
            text = " ".join(str(heading or "").split()).lower()
            match = ITEM.match(text.replace(" ", "") if text.startswith("item") else text)
            if match:
                items[int(match.group(1))] = position
            elif text in FIELDS:
                columns[FIELDS[text]] = position
        check_headings(columns, len(items), self.file)
        self.headings = {**columns, **{f"Item {k}": pos for k, pos in items.items()}}
        count = max(items, default=0)
        item_positions = [items.get(k, -1) for k in range(1, count + 1)]
        named = list(columns.items())
        fast = self._fast(columns, item_positions)
        for row, cells in sheet.rows():
            response = fast(row, cells) if fast else None
            if response is not None:
                yield response
                continue
            width = len(cells)
            values = {name: cells[pos] if pos < width else None for name, pos in named}
            values["items"] = [cells[pos] if 0 <= pos < width else None
                               for pos in item_positions]
            response = self.response(row, values)
            if response is not None:
                yield response

    def _fast(self, columns: dict[str, int], item_positions: list[int]):
        """A quick reader for the common row (text cells, known reference, timepoint and
        date); it returns None for anything else, which then takes the careful path."""
        needed = ("respondent", "instrument", "timepoint", "date")
        if any(k not in columns for k in needed) or "total" in columns or -1 in item_positions:
            return None
        who, what, when, day_at = (columns[k] for k in needed)
        demographics = [(k, columns[k]) for k in DEMOGRAPHIC_KEYS if k in columns]
        width = max([*columns.values(), *item_positions]) + 1
        days, names = self._days, {}
        timepoints = set(TIMEPOINTS)

        def read(row: int, cells: list) -> Response | None:
            if len(cells) < width:
                return None
            respondent, instrument, timepoint = cells[who], cells[what], cells[when]
            day = days.get(cells[day_at])
            if (day is None or timepoint not in timepoints or respondent.__class__ is not str
                    or instrument.__class__ is not str):
                return None
            if not respondent or IDENTIFYING.search(respondent):
                return None
            name = names.get(instrument)
            if name is None:
                name = names[instrument] = instrument.strip().lower()
            values = []
            for position in item_positions:
                value = cells[position]
                if value.__class__ is str and value.isdecimal() and value.isascii():
                    values.append(int(value))
                else:
                    values.append(_number(value))
            found = {k: _text(cells[p]) for k, p in demographics if cells[p]}
            return Response(row, respondent, name, timepoint, day, values, None, None, found)
        return read

    def response(self, row: int, values: dict[str, Any]) -> Response | None:
        get = values.get
        text = {"respondent": _text(get("respondent")), "instrument": _text(get("instrument")),
                "timepoint": _text(get("timepoint"))}
        for key, what in (("respondent", "respondent reference"), ("instrument", "instrument"),
                          ("timepoint", "timepoint")):
            if not text[key]:
                self.issue("response-missing-value", row, key, what=what)
                return None
        respondent = text["respondent"]
        if IDENTIFYING.search(respondent):
            self.issue("response-identifiable-reference", row, "respondent")
            return None
        timepoint = text["timepoint"].lower()
        if timepoint not in TIMEPOINTS:
            self.issue("response-bad-value", row, "timepoint", what="The timepoint",
                       shown=repr(text["timepoint"]), expected="a timepoint",
                       hint=f"use one of: {', '.join(TIMEPOINTS)}.")
            return None
        raw_day = get("date")
        day = self._days.get(raw_day) if raw_day.__class__ is str else None
        if day is None:
            day = _day(raw_day)
            if raw_day.__class__ is str and len(self._days) < 10_000:
                self._days[raw_day] = day
        if day is None:
            if values.get("date") in (None, ""):
                self.issue("response-missing-value", row, "date", what="date")
            else:
                said = date_words(str(values.get("date")).strip(), "date")
                self.issue("response-bad-value", row, "date", what="The date",
                           shown=repr(str(values.get("date"))),
                           expected=f"a date written year-month-day: it {said['reason']}",
                           hint=f"type the date as year-month-day{said['advice']}")
            return None
        demographics = {}
        for key in DEMOGRAPHIC_KEYS:
            value = get(key)
            if value is not None and value != "":
                demographics[key] = _text(value)
        scale = get("scale")
        return Response(row, respondent, text["instrument"].lower(), timepoint, day,
                        [_number(v) for v in get("items") or ()], _number(get("total")),
                        _text(scale).lower() or None if scale else None, demographics)


def _text(value: Any) -> str:
    if value.__class__ is str:
        return value.strip() if value[:1] != "'" else restore(value).strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return restore(str(value)).strip()


def _number(value: Any) -> Any:
    if value.__class__ is str and value.isdecimal() and value.isascii():
        return int(value)  # the common case: an item answered 3
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text  # kept, so that the check can say what it was
    return int(number) if number.is_integer() and "." not in text else number


def _day(value: Any) -> date | None:
    if hasattr(value, "date") and callable(value.date):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10]) if value else None
    except ValueError:  # a form only one date fits (31/03/2025), as in a dataset's tables
        typed = from_table(str(value), "date")[0]
        return date.fromisoformat(typed) if typed != value and len(typed) == 10 else None


def read_responses(source: str | Path | bytes, limits: Limits | None = None,
                   name: str | None = None, max_examples: int = 100
                   ) -> tuple[ResponseReader, Iterator[Response]]:
    """A reader (which collects issues as rows are read) and the stream of responses."""
    limits = limits or Limits()
    name = source_name(source, name)
    reader = ResponseReader(name, max_examples)
    if not isinstance(source, bytes):
        path = Path(source)
        if path.is_dir():
            raise unreadable("is-a-folder", name)
        read_bytes(path, name, Limits(max_bytes=limits.max_bytes), head=True)
        with path.open("rb") as probe:
            start = probe.read(8)
        if not start.startswith((b"PK\x03\x04", XLS)) and not start.lstrip(
                b"\xef\xbb\xbf \t\r\n").startswith((b"[", b"{")):
            def open_path():  # a CSV file is read as a stream, never held whole
                return path.open("rb")
            encoding = detect_encoding(open_path, name, Path(name).name)
            sheet = csv_sheet(Path(name).name, open_path, encoding, limits, [0], name)
            return reader, reader.from_sheet(sheet)
    data = source if isinstance(source, bytes) else read_bytes(Path(source), name, limits)
    if data.startswith((b"PK\x03\x04", XLS)):
        def from_workbook() -> Iterator[Response]:
            with responses_sheets(data, name, limits) as sheets:
                sheet = next((s for n, s in sheets.items() if n.lower() != "read me"), None)
                if sheet is not None:
                    yield from reader.from_sheet(sheet)
        return reader, from_workbook()
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"["):
        return reader, _from_json(reader, data, name, limits)
    if stripped.startswith(b"{"):
        raise json_object(data, name)
    def opener():
        return io.BytesIO(data)
    sheet = csv_sheet(Path(name).name, opener, detect_encoding(opener, name, Path(name).name),
                      limits, [0], name)
    return reader, reader.from_sheet(sheet)


def _from_json(reader: ResponseReader, data: bytes, name: str, limits: Limits
               ) -> Iterator[Response]:
    try:
        rows = mend_all(json.loads(data.decode("utf-8-sig")))  # valid Unicode text
    except RecursionError:  # nested past what Python can decode
        raise unreadable("too-deeply-nested", name, limit=limits.max_depth) from None
    except ValueError as exc:
        raise unreadable("malformed-json", name, line=1, column=1, problem=str(exc),
                         hint="") from None
    for row, values in enumerate(rows if isinstance(rows, list) else [], start=1):
        if isinstance(values, dict):
            response = reader.response(row, values)
            if response is not None:
                yield response
