"""Values flagged as personal data, withheld wherever the toolkit would repeat them.

The privacy checks hand over what they matched (held in memory only, never written out).
The validator withholds those values from a record's issues, label and scorecard before
they leave the record, then from every issue kept, the cells shown around spreadsheet
issues and the data it hands on (to the combined store). A withheld value becomes
``PHRASE``; a record label that held one becomes "project 3".
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .issues import Issue

PHRASE = "[withheld: personal data]"
MIN_LENGTH = 3  # shorter values would withhold ordinary words from every message
_FEW = 32  # up to this many first letters, each is looked for on its own


def neutral_label(pointer: str) -> str:
    """A record's label that repeats nothing of it: "project 3"."""
    parts = pointer.split("/")
    if len(parts) == 3 and parts[1] == "projects" and parts[2].isdigit():
        return f"project {int(parts[2]) + 1}"
    return "the dataset's own details"


def _squash(text: str) -> str:
    return " ".join(text.lower().split())


def _pattern(form: str, whole: bool) -> re.Pattern:
    """FORM in any case and with any run of white space inside; a WHOLE value only where it
    is all of a text or quoted whole (as messages quote values: 'it', "it" or (it))."""
    body = r"\s+".join(re.escape(part) for part in form.split())
    if whole:
        body = rf"(?:\A|(?<=['\"(])){body}(?:\Z|(?=['\")]))"
    return re.compile(body, re.IGNORECASE)


@dataclass(eq=False)
class Withheld:
    """The values to withhold: text matched by a privacy check (withheld wherever it occurs,
    inside longer text too) and whole values of fields for personal data (withheld where a
    text is that value or quotes it whole: "none" in a name field must not blank every
    "none" in every message).

    The values never leave the process by themselves: pickled, a Withheld keeps only that
    something was flagged (``hand_over`` and ``take`` pass the values on, between the
    processes that check one file)."""

    exact: set[str] = field(default_factory=set, repr=False)
    whole: set[str] = field(default_factory=set, repr=False)
    flagged: bool = False  # something was flagged, even where its values are not at hand
    # first letters -> (the value squashed, its pattern): held here, never in a shared cache
    _index: dict[str, list[tuple[str, re.Pattern]]] | None = field(default=None, repr=False)

    def add(self, values: Iterable[str], whole: bool = False) -> None:
        target = self.whole if whole else self.exact
        for value in values:
            value = value.strip()
            if len(value) >= MIN_LENGTH and value not in target:
                target.add(value)
                self._index = None
        self.flagged = self.flagged or bool(target)

    def update(self, other: Withheld | None) -> None:
        if other:
            self.add(other.exact)
            self.add(other.whole, whole=True)
            self.flagged = True

    def hand_over(self) -> tuple[frozenset[str], frozenset[str], bool]:
        return frozenset(self.exact), frozenset(self.whole), self.flagged

    def take(self, handed: tuple[frozenset[str], frozenset[str], bool]) -> None:
        exact, whole, flagged = handed
        self.add(exact)
        self.add(whole, whole=True)
        self.flagged = self.flagged or flagged

    def __bool__(self) -> bool:
        return self.flagged or bool(self.exact or self.whole)

    def __getstate__(self):
        return {"flagged": bool(self)}

    def __setstate__(self, state) -> None:
        self.exact, self.whole, self.flagged, self._index = set(), set(), state["flagged"], None

    def _forms(self) -> Iterable[tuple[str, bool]]:
        for whole, values in ((False, self.exact), (True, self.whole)):
            for value in values:
                yield value, whole
                quoted = repr(value)[1:-1]  # as a message quotes it: a new line as \n
                if quoted != value:
                    yield quoted, whole

    def _candidates(self, text: str) -> list[re.Pattern]:
        """The patterns of the values TEXT may hold, found by their first three letters."""
        if self._index is None:
            index: dict[str, list[tuple[str, re.Pattern]]] = defaultdict(list)
            for form, whole in self._forms():
                squashed = _squash(form)
                index[squashed[:MIN_LENGTH]].append((squashed, _pattern(form, whole)))
            self._index = dict(index)
        squashed = _squash(text)
        if not self._index:
            return []
        if len(self._index) <= _FEW:
            starts = [start for start in self._index if start in squashed]
        else:
            starts = {squashed[i:i + MIN_LENGTH] for i in range(len(squashed) - 2)} & \
                self._index.keys()
        return [pattern for start in starts
                for value, pattern in self._index[start] if value in squashed]

    def holds(self, text: Any) -> bool:
        """True if TEXT (as text) holds a withheld value."""
        if not self or text is None or isinstance(text, bool):
            return False
        text = text if isinstance(text, str) else str(text)
        return any(p.search(text) for p in self._candidates(text))

    def text(self, text: str) -> str:
        """TEXT with every withheld value in it replaced by the phrase."""
        if not self or not text:
            return text
        for pattern in sorted(self._candidates(text), key=lambda p: -len(p.pattern)):
            text = pattern.sub(PHRASE, text)
        return text

    def issue(self, issue: Issue) -> None:
        """Withhold the values from everything an issue shows: message, fix, path, field,
        title, record, value, place and cells."""
        if not self:
            return
        for name in ("message", "fix", "path", "field", "title", "record"):
            value = getattr(issue, name)
            if value:
                setattr(issue, name, self.text(value))
        if self.holds(issue.value):
            issue.value, issue.value_shown = None, False
        where = issue.location
        if where is not None and any(self.holds(getattr(where, name))
                                     for name in ("sheet", "column_title")):
            issue.location = dataclasses.replace(
                where, sheet=self.text(where.sheet or "") or None,
                column_title=self.text(where.column_title or "") or None)
        if issue.context:
            for row in issue.context.get("rows", []):
                row["cells"] = [PHRASE if self.holds(cell) else cell for cell in row["cells"]]

    def data(self, value: Any) -> Any:
        """A copy of VALUE (parsed JSON) with the withheld values replaced in every text and
        key; VALUE itself, untouched, when there is nothing to withhold."""
        if not self:
            return value
        done: dict[str, str] = {}  # each distinct text looked at once: codes repeat a lot

        def text(item: str) -> str:
            found = done.get(item)
            if found is None:
                found = done[item] = self.text(item) if len(item) >= MIN_LENGTH else item
            return found

        def copy(item: Any) -> Any:
            if isinstance(item, str):
                return text(item)
            if isinstance(item, dict):
                return {text(k) if isinstance(k, str) else k: copy(v) for k, v in item.items()}
            if isinstance(item, list):
                return [copy(v) for v in item]
            return item
        return copy(value)
