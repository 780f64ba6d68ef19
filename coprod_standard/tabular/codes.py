"""Codes typed as people type them, read as the codes they mean (spreadsheets and CSV only).

A dropdown lets ``Befriending`` through for ``befriending``, and people type a code's title
(``Service design``) or its words (``service design``) instead of the code. In a code
column, a value that is not a code but matches exactly one code of the column's codelists,
ignoring case, spaces, hyphens, underscores and a final full stop, is read as that code:
silently when only the case differs, with a ``title-used-for-code`` advisory otherwise. A
value that matches several codes (``White: Irish`` is a title in both ethnicity lists) is
kept as typed, with a ``code-title-ambiguous`` error that lists the choices. JSON input is
never changed.
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

    def match(self, value: str) -> tuple[str, list[str]]:
        """The code VALUE means (VALUE itself when none or several match), and the codes
        it could mean (empty when it is a code or matches nothing)."""
        if value in self.codes:
            return value, []
        found = self.loose.get(loose(value), {})
        if len(found) == 1:
            return next(iter(found)), list(found)
        return value, list(found)


@lru_cache(maxsize=512)
def matcher(version: str, names: tuple[str, ...]) -> Matcher:
    return Matcher(version, names)


def matching(conv: Callable[[Any], Any], version: str, names: tuple[str, ...],
             found: list, position: int) -> Callable[[Any], Any]:
    """CONV followed by code matching; each value changed or left ambiguous is noted in
    FOUND as (position, typed, code, choices), for the row's reader to report."""
    codes = matcher(version, names)

    def one(value: Any) -> Any:
        if value.__class__ is not str or value in codes.codes:
            return value
        code, choices = codes.match(value)
        if len(choices) > 1 or (code != value and code.casefold() != value.casefold()):
            found.append((position, value, code, choices))
        return code

    def read(raw: Any) -> Any:
        value = conv(raw)
        if value.__class__ is list:
            return [one(item) for item in value]
        return one(value)
    return read


def choices_text(version: str, names: tuple[str, ...], choices: list[str]) -> str:
    lists = matcher(version, names).loose
    titles = {code: title for entry in lists.values() for code, title in entry.items()}
    return "; ".join(f"'{code}' ({titles.get(code, '')} list)" for code in choices)


A, E = Severity.ADVISORY, Severity.ERROR


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
    _t("code-title-ambiguous", "Title could mean several codes", E,
       "A code column holds a title that belongs to more than one code of the lists the "
       "column may use, so it cannot be read as a code.",
       "The cell {cell} holds '{typed}', which could be any of these codes: {choices}.",
       "Type the code you mean instead of its title; the Codes sheet lists every code "
       "with its title."),
)
