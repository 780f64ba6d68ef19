"""Codes typed as people type them, read as the codes they mean (spreadsheets and CSV only).

A dropdown lets ``Befriending`` through for ``befriending``, and people type a code's title
(``Service design``) or its words (``service design``) instead of the code. In a code
column, a value that is not a code but matches exactly one code of the column's codelists,
ignoring case, spaces, hyphens, underscores and a final full stop, is read as that code:
silently when only the case differs, with a ``title-used-for-code`` advisory otherwise. A
value that matches several codes (``Not stated`` is a title in both ethnicity lists) is
kept as typed: the schema's error for it names the list that applies and its codes, one
message for one problem. JSON input is never changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from ..codelists import find_codelist
from ..issues import IssueType, Severity, register

_LOOSE = re.compile(r"[\s_\-]+")


def loose(text: str) -> str:
    """The form two spellings of one code share: ``Service-Design.`` -> ``service design``."""
    return _LOOSE.sub(" ", text.casefold()).strip().rstrip(".").strip()


class Matcher:
    """The codes of one column's codelists, and how loosely typed values map onto them."""

    def __init__(self, version: str, names: tuple[str, ...]) -> None:
        self.codes: set[str] = set()
        self.loose: dict[str, dict[str, str]] = {}  # loose form -> {code: codelist title}
        for name in names:
            codelist = find_codelist(version, name)
            if codelist is None:
                continue
            for code in codelist.codes:
                self.codes.add(code.code)
                for form in (code.code, code.title):
                    self.loose.setdefault(loose(form), {})[code.code] = codelist.title

    def match(self, value: str) -> str:
        """The code VALUE means: VALUE itself when it is a code, or when no code or several
        codes match it."""
        if value in self.codes:
            return value
        found = self.loose.get(loose(value), {})
        return next(iter(found)) if len(found) == 1 else value


@lru_cache(maxsize=512)
def matcher(version: str, names: tuple[str, ...]) -> Matcher:
    return Matcher(version, names)


def matching(conv: Callable[[Any], Any], version: str, names: tuple[str, ...],
             found: list, position: int) -> Callable[[Any], Any]:
    """CONV followed by code matching; each value changed (beyond its capitals) is noted in
    FOUND as (position, typed, code), for the row's reader to report."""
    codes = matcher(version, names)

    def one(value: Any) -> Any:
        if value.__class__ is not str or value in codes.codes:
            return value
        code = codes.match(value)
        if code.casefold() != value.casefold():
            found.append((position, value, code))
        return code

    def read(raw: Any) -> Any:
        value = conv(raw)
        if value.__class__ is list:
            return [one(item) for item in value]
        return one(value)
    return read


A = Severity.ADVISORY


def _t(code, title, severity, description, message, fix):
    return IssueType(code, title, severity, "spreadsheet", description, message, fix)


register(
    _t("title-used-for-code", "Title typed instead of a code", A,
       "A code column holds a code's title, or the code written with spaces or capitals, "
       "which a spreadsheet's dropdown lets through. It was read as the code it clearly "
       "means (a difference of capitals only is read silently).",
       "The cell {cell} holds '{typed}', which was read as the code '{as_code}'.",
       "Nothing needs fixing. To keep the file exactly as it is read, choose '{as_code}' from "
       "the cell's dropdown (the Codes sheet lists every code with its title)."),
)
