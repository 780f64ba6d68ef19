"""What the privacy checks need of one record, worked out once and shared by them: its
texts and keys (one walk), all its text joined into one string, so that each pattern is
searched once, in C, and records with nothing like personal data are passed quickly, and
the same for its free text alone."""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from operator import itemgetter
from typing import Any

from . import free_text
from .data import spelt, walk_record
from .personal_patterns import DIALLED, LONG_NUMBER, TEN_DIGITS, identity_key, personal_values

# Keys seen that hold nothing personal and are not like "email": most records hold no other
_PLAIN_KEYS: set[str] = set()
_TEXT, _KEY = itemgetter(2), itemgetter(1)  # of walk_record's texts and keys
# Fields whose text is not about people: names of organisations and instruments, units,
# and references to published sources (whose authors' names are public)
NOT_FREE_TEXT = frozenset({"name", "unit", "reference", "source", "valuesSource",
                           "valuesLicence", "licensor", "id", "url", "email"})


@lru_cache(maxsize=1)
def known_codes() -> frozenset[str]:
    """Every code of every version's codelists. None holds anything the privacy checks
    find (tested), so the joined text leaves them out: a code such as
    'same-as-sex-at-birth' is in most records and would pass the date-of-birth screen."""
    from ..codelists import load_codelists
    from ..schemas import version_names

    return frozenset(code.code for version in version_names()
                     for codelist in load_codelists(version).values()
                     for code in codelist.codes)


@lru_cache(maxsize=8)
def code_titles(version: str) -> frozenset[str]:
    from ..codelists import load_codelists

    try:
        lists = load_codelists(version).values()
    except KeyError:  # an unknown version: no titles to pass over
        return frozenset()
    return frozenset(code.title.casefold() for codelist in lists for code in codelist.codes)


def _value_at(data: Any, where: tuple | None) -> Any:
    """The value at a chain of steps (see ``data.walk_record``)."""
    steps = []
    while where is not None:
        where, step = where
        steps.append(step)
    for step in reversed(steps):
        data = data[step]
    return data


class RecordText:
    """One record's texts: ``texts`` (where, key, text), ``keys`` (where, key) and
    ``numbers`` (where, key, a whole number of ten digits or more) from ``walk_record``;
    ``blob``, its distinct texts that are not codes and its keys not known to be plain
    (which may hold personal data too), joined; ``identity``, its keys that are names of
    fields for a person's details ("email"). Where each text sits is spelt only
    when a pattern is found in it."""

    __slots__ = ("data", "texts", "keys", "numbers", "blob", "identity", "names", "_free",
                 "_free_blob", "_words", "_holds", "_long", "_distinct")

    def __init__(self, data) -> None:
        self.data = data
        self.texts, self.keys, self.numbers = walk_record(data)
        codes = known_codes()
        joined = [text for text in dict.fromkeys(map(_TEXT, self.texts)) if text not in codes]
        self.identity: list[tuple[str, str, Any]] = []
        # most records' keys are all known to be plain: told in one pass, in C
        plain = _PLAIN_KEYS.issuperset(map(_KEY, self.keys))
        for where, key in () if plain else self.keys:
            if key in _PLAIN_KEYS or not isinstance(key, str):
                continue
            joined.append(key)
            if identity_key(key):
                self.identity.append((spelt(where), key, _value_at(data, where)))
            elif len(_PLAIN_KEYS) < 100_000 and not personal_values(key):
                _PLAIN_KEYS.add(key)
        # NUL between texts: to every pattern here it is a boundary, like a text's own ends
        self.blob = "\x00".join(joined)
        self.names: dict[str, list[tuple[int, int]]] = {}  # free text -> names found in it
        self._free: list[tuple[tuple | None, str]] | None = None
        self._free_blob: str | None = None
        self._distinct: list[str] = []  # the distinct free texts, with the blob
        self._words: set[str] | None = None
        self._holds: dict[str, frozenset[str]] = {}  # what -> the free texts that could hold it
        self._long: int | None = None  # where LONG_NUMBER first matches the blob; -1: nowhere

    def passes(self, screen) -> bool:
        """Whether the joined text passes SCREEN. TEN_DIGITS and DIALLED, the two that cost
        most, are searched from where LONG_NUMBER (either, in one pass) first matches."""
        if screen is TEN_DIGITS or screen is DIALLED:
            if self._long is None:
                found = LONG_NUMBER(self.blob)
                self._long = found.start() if found else -1
            return self._long >= 0 and screen(self.blob, self._long) is not None
        return bool(screen(self.blob))

    def free_texts(self, version: str) -> list[tuple[tuple | None, str]]:
        """Each free text (where, as a chain of steps; text): prose, not codes, codes'
        titles ("White: Irish" typed for a code) or names of bodies."""
        if self._free is None:
            titles = code_titles(version)
            self._free = [(where, value) for where, key, value in self.texts
                          if " " in value and key not in NOT_FREE_TEXT
                          and value.casefold() not in titles]
        return self._free

    def free_blob(self, version: str) -> str:
        """The distinct free texts joined, as ``blob``: what the free-text screens search."""
        if self._free_blob is None:
            self._distinct = list(dict.fromkeys(value for _, value in self.free_texts(version)))
            self._free_blob = "\x00".join(self._distinct)
        return self._free_blob

    def words(self, version: str) -> set[str]:
        """The distinct words of all the record's free text (``free_text.screen_words``),
        split once for the free-text screens."""
        if self._words is None:
            self._words = free_text.screen_words(free_text.words(self.free_blob(version)))
        return self._words

    def holding(self, what: str, version: str) -> frozenset[str]:
        """The free texts that could hold a given name (WHAT "name") or a health word
        ("health"): those holding one of the words of that kind the record's free text
        holds (the screens of ``free_text.names`` and ``free_text.health``), found once a
        record by looking for each word in the joined free text, not in each text."""
        found = self._holds.get(what)
        if found is None:
            words = self.words(version)  # (it lists the distinct free texts too)
            could = free_text.name_words(words) if what == "name" else \
                free_text.HEALTH_SCREEN.intersection(words)
            found = self._holds[what] = _texts_holding(self._distinct, could)
        return found

    def places(self, screen, exempt: tuple[str, ...] = ()):
        """Each text (pointer, text, None) and each key not known to be plain (pointer,
        key, the parameters that say it is a field's name) that passes SCREEN; texts at
        the pointers EXEMPT are left out. Pointers are spelt only for those."""
        for where, _, value in self.texts:
            if screen(value):
                pointer = spelt(where)
                if pointer not in exempt:
                    yield pointer, value, None
        for where, key in self.keys:
            if key not in _PLAIN_KEYS and screen(key):
                yield spelt(where), key, KEY


KEY = {"title": "The name of a field"}


def _texts_holding(texts: list[str], words) -> frozenset[str]:
    """The TEXTS that hold any of WORDS, each word looked for in the texts joined by NUL:
    a word without one cannot match from one text into the next."""
    if not words:
        return frozenset()
    blob = "\x00".join(texts)
    starts = [0]
    for text in texts[:-1]:
        starts.append(starts[-1] + len(text) + 1)
    holding: set[int] = set()
    for word in words:
        if not word or "\x00" in word:  # as a plain test per text would take it
            holding.update(i for i, text in enumerate(texts) if word in text)
            continue
        at = blob.find(word)
        while at != -1:
            index = bisect_right(starts, at) - 1
            holding.add(index)
            at = blob.find(word, starts[index + 1]) if index + 1 < len(starts) else -1
    return frozenset(texts[index] for index in holding)
