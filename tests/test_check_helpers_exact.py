"""Small helpers the checks call many times a record were made cheaper: each gives what the
plain version gave, on every input."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from hypothesis import given, settings
from hypothesis import strategies as st

from coprod_standard.checks.data import number
from coprod_standard.checks.disclosure_rounding import _decimals

FAST = settings(max_examples=2000, derandomize=True, database=None, deadline=None)


def _decimals_plain(value: float) -> int:
    try:
        exponent = Decimal(repr(value)).as_tuple().exponent
    except InvalidOperation:
        return 0
    return max(0, -exponent) if isinstance(exponent, int) else 0


@FAST
@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(),
                 st.decimals(places=4, allow_nan=False).map(float),
                 st.sampled_from([20.10, 0.5, -3.25, 1e-05, 1.5e-07, 1e22, 123456789.125,
                                  -0.0, 2 ** 60, 10 ** 30, math.inf, -math.inf, math.nan])))
def test_decimals_shown_are_counted_as_decimal_counts_them(value):
    assert _decimals(value) == _decimals_plain(value)


def _number_plain(value, key):
    found = value.get(key) if isinstance(value, dict) else None
    if isinstance(found, bool) or not isinstance(found, (int, float)):
        return None
    return found


class _Count(int):
    pass


@FAST
@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=3),
                 st.lists(st.integers(), max_size=2), st.builds(_Count, st.integers())))
def test_number_is_the_plain_number(found):
    for value in ({"n": found}, [found], found):
        assert _number_plain(value, "n") is number(value, "n")


JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                              st.text(max_size=4)),
                    lambda inner: st.one_of(st.lists(inner, max_size=4),
                                            st.dictionaries(st.text(max_size=3), inner,
                                                            max_size=4)),
                    max_leaves=30)


def _items_plain(value, key):
    found = value.get(key) if isinstance(value, dict) else None
    if isinstance(found, list):
        for index, item in enumerate(found):
            if isinstance(item, dict):
                yield index, item


@FAST
@given(JSON)
def test_items_are_the_objects_of_a_list_with_their_positions(value):
    from coprod_standard.checks.data import items

    for holder in ({"k": value}, value, [value]):
        assert items(holder, "k") == list(_items_plain(holder, "k"))


PIECE = st.sampled_from(["Margaret", "margaret", "MARGARET", "Mary", "May", "Jo", "Ann2",
                         "stroke", "Stroke", "dementia", "\x00", " ", "a", "Zo", "Élodie",
                         "O", "Ok", "June", "ab", "b", "", "Margaret’s", "«Tom»"])
TEXTS = st.lists(st.lists(PIECE, max_size=6).map("".join), max_size=6)


@FAST
@given(TEXTS, st.lists(PIECE, max_size=5))
def test_texts_holding_a_word_are_those_a_test_per_text_finds(texts, words):
    from coprod_standard.checks.record_text import _texts_holding

    distinct = list(dict.fromkeys(texts))
    plain = frozenset(t for t in distinct if any(w in t for w in words))
    assert _texts_holding(distinct, words) == plain


@FAST
@given(st.sets(st.one_of(PIECE, st.text(max_size=8))))
def test_name_words_are_the_words_known_as_given_names(distinct):
    from coprod_standard.checks import free_text

    plain = frozenset(word for word in distinct
                      if "A" <= word[:1] <= "Z" and free_text._known(word) is not None)
    assert free_text.name_words(distinct) == plain


def test_every_given_name_as_written_is_a_name_word():
    from coprod_standard.checks import free_text

    for name in list(free_text.given_names())[::7]:
        for form in (name, name.capitalize(), name.upper(), name.title()):
            plain = "A" <= form[:1] <= "Z" and free_text._known(form) is not None
            assert (form in free_text.name_words({form})) is plain, form
