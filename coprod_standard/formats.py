"""Format checks that are always on and strict.

python-jsonschema skips a format silently when the library behind it is missing, and even
with its extras accepts ``"1985-04-12T23:20:50Z\\n"`` as a date-time. The standard's four
formats are therefore checked here with our own strict rules; a test proves they are active.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from urllib.parse import urlsplit

from jsonschema import FormatChecker

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_URI_FORBIDDEN = re.compile(r"[\s<>\"{}|\\^`]")

STANDARD_FORMATS = ("date", "date-time", "uri", "email")


def is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.fullmatch(value):
        return False
    date.fromisoformat(value)  # raises ValueError for 2025-02-30
    return True


def is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.fullmatch(value):
        return False
    datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return True


def is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if _URI_FORBIDDEN.search(value):
        return False
    parts = urlsplit(value)
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme)) and (
        bool(parts.netloc) or bool(parts.path)
    )


def is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.fullmatch(value))


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_uuid(value: object) -> bool:
    """RFC 9562's form, 8-4-4-4-12 hex digits, and nothing around it (no braces, no urn:
    prefix, no line break); for extensions, as the standard itself holds no uuid."""
    return not isinstance(value, str) or bool(_UUID.fullmatch(value))


def as_predicate(check):
    """A format check that answers True or False and never raises (for jsonschema-rs, so
    that both engines judge formats by exactly the same rules)."""
    def predicate(value: object) -> bool:
        try:
            return bool(check(value))
        except ValueError:
            return False
    return predicate


ASSERTED = {"date": is_date, "date-time": is_date_time, "uri": is_uri, "email": is_email,
            "uuid": is_uuid}
# Every other format JSON Schema names is an annotation only, in both engines, whatever
# libraries happen to be installed: the verdict must not depend on the machine.
ANNOTATED = ("duration", "hostname", "idn-email", "idn-hostname", "ipv4", "ipv6", "iri",
             "iri-reference", "json-pointer", "regex", "relative-json-pointer", "time",
             "uri-reference", "uri-template")


def _anything(value: object) -> bool:
    return True


FAST_FORMATS = {**{name: as_predicate(check) for name, check in ASSERTED.items()},
                **dict.fromkeys(ANNOTATED, _anything)}


@cache
def format_checker() -> FormatChecker:
    """The reference engine's checker: exactly the ASSERTED formats, nothing that depends
    on which optional libraries are installed."""
    checker = FormatChecker(formats=())
    for name, check in ASSERTED.items():
        checker.checks(name, raises=ValueError)(check)
    return checker
