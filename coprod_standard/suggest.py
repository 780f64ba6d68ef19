"""'Did you mean ...?' for misspelt field names and codes; text from outside, made safe to
show."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=4096)
def _normalise(word: str) -> str:
    """Compare names ignoring case, spaces, hyphens and underscores: start_date ~ startDate."""
    return re.sub(r"[\s_\-]", "", word).lower()


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The single best near match, or None when nothing is close enough."""
    options = list(candidates)
    if not isinstance(word, str) or not options:
        return None
    by_norm = {_normalise(c): c for c in options}
    if _normalise(word) in by_norm:
        return by_norm[_normalise(word)]
    match = difflib.get_close_matches(_normalise(word), list(by_norm), n=1, cutoff=cutoff)
    return by_norm[match[0]] if match else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    match = closest(word, candidates)
    return f" Did you mean '{match}'?" if match else ""


_HIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def printable(text: object, most: int | None = None) -> str:
    """Text from outside (a dataset, a server, an address), safe to show in a terminal and
    to store: control characters (which can move the cursor, change colours or rename the
    window), invisible formatting characters (which can reverse the text's direction) and
    lone surrogates are shown as escapes, such as \\x1b and \\u202e; cut to MOST
    characters if given."""
    whole = str(text)
    shown = whole if most is None else whole[:most]
    if not shown.isprintable():
        import unicodedata

        shown = "".join(ascii(c)[1:-1] if unicodedata.category(c) in _HIDDEN else c
                        for c in shown)
    return shown + ("..." if most is not None and len(whole) > most else "")
