"""Dates and times as people type them, and the words that explain them.

The standard wants a date as year-month-day (2025-03-31) and a date and time with its time
zone (2025-03-31T14:00:00+01:00). ``reading`` recognises what people type instead:

- year-month-day, with or without a time (``2025-03-31 14:00``) and a zone;
- day/month/year with / - or . (31/03/2025, 31-03-2025, 31.3.2025), the UK's order;
- dates in words (31 March 2025, 31 Mar 2025, Monday 31st March 2025, March 31, 2025);
- year/month/day (2025/03/31);

and names what cannot be read as one date: US order (03/31/2025), both orders possible
(03/04/2025), a two-digit year, a day that does not exist (31/02/2025).

Spreadsheets and CSV files (``from_table``) accept the forms only one date fits, with an
advisory for those not already year-month-day; JSON stays strict, and ``words`` gives its
messages (and a table's, for what is not accepted) the form and the exact text to type.

A spreadsheet has no time zones, so a date and time without one is UK local time, written
with its offset: +00:00 (Greenwich Mean Time) or +01:00 (British Summer Time, from 01:00 UTC
on the last Sunday of March to 01:00 UTC on the last Sunday of October, the rule since
1996). A time that happens twice (the hour the clocks go back) is the first, summer time;
one that never happens (the hour they go forward) takes the winter offset, as Python's
zoneinfo does.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr)
               if name})
MONTHS["sept"] = 9
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEAR_FIRST = re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
_WEEKDAY = r"(?:[A-Za-z]+,?\s+)?"
_IN_WORDS = re.compile(_WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})")
_IN_WORDS_US = re.compile(_WEEKDAY + r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_TIME = re.compile(r"(?:\s*[T ]\s*|\s*,\s*|\s+at\s+)(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?"
                   r"\s*(Z|[+-]\d{2}:?\d{2})?$", re.I)
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
SEPARATOR_WORDS = {"/": "day/month/year", "-": "day-month-year", ".": "day.month.year"}


@dataclass(frozen=True)
class Reading:
    """What a typed date (and time) is. KIND: iso, uk, year-first, words (one date fits);
    us, ambiguous, short-year, no-such-day (kept as typed, and explained)."""

    kind: str
    day: date | None = None  # the date it is (for ambiguous: the day/month/year reading)
    other: date | None = None  # ambiguous: the month/day/year reading
    clock: time | None = None  # the time of day typed, if any
    zone: str | None = None  # the time zone typed, as +hh:mm or Z
    problem: str = ""  # no-such-day: why not
    form: str = ""  # the form's name in messages

    @property
    def accepted(self) -> bool:
        return self.kind in ("iso", "uk", "year-first", "words")


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _missing(year: int, month: int, day: int) -> str:
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    return f"{calendar.month_name[month]} {year} has {days} days" if day > days else \
        "there is no day 0"


def _date_part(text: str) -> Reading | None:
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = map(int, match.groups())
        found = _day(year, month, day)
        return Reading("iso", found) if found else \
            Reading("no-such-day", problem=_missing(year, month, day))
    if match := _YEAR_FIRST.fullmatch(text):
        year, sep, month, day = match.groups()
        found = _day(int(year), int(month), int(day))
        return Reading("year-first", found, form=f"a date written year{sep}month{sep}day") \
            if found else Reading("no-such-day", problem=_missing(int(year), int(month),
                                                                  int(day)))
    if match := _DAY_FIRST.fullmatch(text):
        return _day_first(*match.groups())
    for pattern, order in ((_IN_WORDS, (0, 1)), (_IN_WORDS_US, (1, 0))):
        if match := pattern.fullmatch(text):
            day, month = (match.group(1 + i) for i in order)
            number = MONTHS.get(month.lower())
            if number is None:
                return None
            year = int(match.group(3))
            found = _day(year, number, int(day))
            return Reading("words", found, form="a date written in words") if found else \
                Reading("no-such-day", problem=_missing(year, number, int(day)))
    return None


def _day_first(first: str, sep: str, second: str, year: str) -> Reading:
    a, b = int(first), int(second)
    full = int(year) + 2000 if len(year) == 2 else int(year)
    uk, us = _day(full, b, a), _day(full, a, b)
    form = f"a UK date ({SEPARATOR_WORDS[sep]})"
    if len(year) == 2:
        return Reading("short-year", uk or us, form=form)
    if uk and us and a != b:
        return Reading("ambiguous", uk, us, form=form)
    if uk:
        return Reading("uk", uk, form=form)
    if us:
        return Reading("us", us, form=f"a US date (month{sep}day{sep}year)")
    return Reading("no-such-day", problem=_missing(full, b, a) if b <= 12 or a > 12
                   else _missing(full, a, b))


def reading(text: str) -> Reading | None:
    """What TEXT is as a date, with any time of day and zone; None if not a date at all."""
    text = text.strip()
    clock = zone = None
    match = _TIME.search(text)
    if match and match.start() > 0:
        hours, minutes, seconds, fraction, zone = match.groups()
        try:
            clock = time(int(hours), int(minutes), int(seconds or 0),
                         round(float(fraction) * 1_000_000) if fraction else 0)
        except ValueError:
            return None
        text = text[:match.start()]
        if zone and zone.upper() != "Z" and ":" not in zone:
            zone = zone[:3] + ":" + zone[3:]
        zone = zone.upper() if zone else None
    found = _date_part(text)
    if found is None:
        return None
    if clock is not None and found.kind == "uk":
        found = Reading("uk", found.day, form=found.form.replace(")", " hours:minutes)")
                        .replace("date", "date and time", 1))
    return Reading(found.kind, found.day, found.other, clock, zone, found.problem,
                   found.form)


def _last_sunday(year: int, month: int) -> datetime:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return datetime.combine(last - timedelta(days=(last.weekday() + 1) % 7), time(2))


def uk_offset(local: datetime) -> timedelta:
    """The UK's offset from UTC at a local time (see the module's notes)."""
    summer = _last_sunday(local.year, 3) <= local < _last_sunday(local.year, 10)
    return timedelta(hours=1 if summer else 0)


def stamp(moment: datetime, zone: str | None = None) -> str:
    """MOMENT (without a zone) as the standard's date and time: to the second (unless a
    fraction was typed), with ZONE, or else the UK's offset then."""
    if moment.microsecond and zone is None and moment.tzinfo is None:
        moment = (moment + timedelta(microseconds=500_000)).replace(microsecond=0)
    if zone is None:
        zone = "+01:00" if uk_offset(moment) else "+00:00"
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds") \
        + zone


def _value(found: Reading, wanted: str) -> str:
    if wanted == "date":
        return found.day.isoformat()
    return stamp(datetime.combine(found.day, found.clock or time(0)), found.zone)


def from_table(text: str, wanted: str) -> tuple[str, str | None]:
    """A cell's text where the standard wants a date (WANTED "date") or a date and time
    ("date-time"): the value to use, and the form's name when it was read from another
    form (for the advisory). Text that is no one date is kept as typed."""
    if wanted == "date" and len(text) == 10 and _ISO_DATE.fullmatch(text):
        return text, None
    if wanted == "date-time" and _RFC3339.fullmatch(text):
        return text, None
    found = reading(text)
    if found is None or not found.accepted or (wanted == "date" and (
            found.zone or found.clock not in (None, time(0)))):
        return text, None
    value = _value(found, wanted)
    if found.kind == "iso":
        return value, (None if wanted == "date-time" or found.clock is None else
                       "a date with the time 00:00")
    return value, found.form


def _spoken(day: date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def _zone_words(value: str) -> str:
    return {"+01:00": " (UK summer time)", "+00:00": " (UK winter time, GMT)"}.get(
        value[-6:], "")


def words(value: str, wanted: str) -> dict[str, str]:
    """REASON and ADVICE for the messages about VALUE, not a valid date (WANTED "date") or
    date and time ("date-time"): the form it looks like and the exact text to type."""
    found = reading(value)
    date_only = wanted == "date"
    if found is None:
        return {"reason": "is not a date written as year-month-day" if date_only else
                "is not a date and time in the standard's form", "advice": _EXAMPLE[wanted]}
    if found.kind == "no-such-day":
        return {"reason": f"is not a day that exists: {found.problem}",
                "advice": _EXAMPLE[wanted] + " Check the day and the month."}
    if found.kind == "ambiguous":
        one, two = found.day, found.other
        return {"reason": f"could be {_spoken(one)} (day/month/year, as in the UK) or "
                f"{_spoken(two)} (month/day/year, as in the US)",
                "advice": f": {_value(Reading('uk', one, clock=found.clock), wanted)} if it "
                f"means {_spoken(one)}, or {_value(Reading('uk', two, clock=found.clock), wanted)}"
                f" if it means {_spoken(two)}."}
    if found.day is None:  # a two-digit year that is no date either way
        return {"reason": "has a two-digit year", "advice": _EXAMPLE[wanted]}
    typed = _value(found, wanted)
    meaning = f" if it means {_spoken(found.day)}"
    if found.kind == "short-year":
        return {"reason": "has a two-digit year, so the century is not certain",
                "advice": f" with the year in full: {typed}{meaning}."}
    if found.kind == "us":
        return {"reason": f"looks like {found.form}", "advice": f": {typed}{meaning}."}
    if date_only and found.clock is not None:
        return {"reason": f"holds a time of day ({found.clock:%H:%M}) as well as the date; "
                "only the date belongs here",
                "advice": f" without the time: {typed}. In a spreadsheet, a cell's format "
                "can hide the time it holds."}
    if value != value.strip():
        return {"reason": "has a space or a line break before or after it",
                "advice": f": {typed}, with nothing around it."}
    if found.kind == "iso" and not date_only:
        reason = "has no time" if found.clock is None else "has no time zone" \
            if found.zone is None else "is not written in the standard's form"
        return {"reason": reason, "advice": f": {typed}{_zone_words(typed)}."}
    if not found.form:
        return {"reason": "is not in the standard's form", "advice": f": {typed}."}
    return {"reason": f"looks like {found.form}, not year-month-day",
            "advice": f": {typed}{'' if date_only else _zone_words(typed)}."}


_EXAMPLE = {"date": ", for example 2025-03-31.",
            "date-time": ", for example 2025-03-31T14:30:00+01:00 (UK summer time) or "
                         "2025-01-31T14:30:00Z (UTC)."}


def more_cells(count: int) -> str:
    """The end of a date advisory's message, for COUNT more cells read the same way."""
    if not count:
        return ""
    return " 1 more cell in this column was read the same way." if count == 1 else \
        f" {count:,} more cells in this column were read the same way."
