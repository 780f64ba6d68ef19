"""free_text.words splits text at white space and punctuation exactly as translating the
punctuation to spaces and splitting does (the former way, three times slower)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from coprod_standard.checks.text_words import PUNCTUATION, words

SPACES = str.maketrans({c: " " for c in PUNCTUATION})
ODD = PUNCTUATION + " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u3000\u200b" \
    "\ufeffaZ9éß漢🙂"


@settings(max_examples=3000, derandomize=True, database=None)
@given(st.one_of(st.text(), st.text(alphabet=ODD)))
def test_words_split_as_translate_and_split(text):
    assert words(text) == text.translate(SPACES).split()


def test_words_of_a_sentence():
    assert words("Mrs O’Brien’s group—\u201cgreat!\u201d (2024)\x00next") == [
        "Mrs", "O", "Brien", "s", "group", "great", "2024", "next"]
