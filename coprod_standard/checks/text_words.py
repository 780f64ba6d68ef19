"""Words of free text, as the privacy screens split them."""

from __future__ import annotations

import re

# What separates words: white space and this punctuation (a regular expression finds the
# words in one C call; translating punctuation to spaces and splitting took three times as
# long on text that is not all ASCII)
PUNCTUATION = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\x00“”‘’—–'"
_WORD = re.compile("[^\\s" + re.escape(PUNCTUATION) + "]+")
_RUN = re.compile(r"\w+")  # runs of letters and digits, as a pattern's \b sees them


def words(text: str) -> list[str]:
    """The words of TEXT, split at white space and punctuation."""
    return _WORD.findall(text)


def screen_words(split: list[str]) -> set[str]:
    """The distinct words of SPLIT (``words``), with the runs of letters and digits inside
    those that hold anything else: "«Margaret»" and "…dementia" give "Margaret" and
    "dementia" too, so that a screen never misses a word that a pattern's \\b finds."""
    distinct = set(split)
    for word in [word for word in distinct if not word.isalpha()]:
        distinct.update(_RUN.findall(word))
    return distinct
