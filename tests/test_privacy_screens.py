"""The privacy checks first search all of a record's text at once with cheap screens, and
look text by text only when a screen matches. A screen must never miss what the full
pattern finds, wherever the text sits among the others."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from coprod_standard.checks import privacy
from coprod_standard.checks.privacy import (
    BIRTH,
    EMAIL,
    HONORIFIC,
    NHS_NUMBER,
    PHONE,
    POSTCODE,
    _Look,
)

PAIRS = [  # (full pattern, its screen)
    (NHS_NUMBER.search, privacy._TEN_DIGITS),
    (POSTCODE.search, privacy._INWARD_CODE),
    (EMAIL.search, lambda blob: "@" in blob),
    (PHONE.search, privacy._DIALLED),
    (BIRTH.search, privacy._about_birth),
    (HONORIFIC.search, privacy._TITLE),
]
PIECES = ["0", "1", "4", "7", "9", "44", "+44", "(0)", "07700", "900123", " ", "-", ".", "@",
          "a", "A", "SW1A", "1AA", "gir", "0aa", "Mr", "Mrs", "Dr", "Prof", "Miss", "Patel",
          "date of birth", "DOB", "d.o.b", "born on", "Born", "12/03/1990", "1 March 1990",
          "x@y.org", "\n", "\t", "e", "b", "o", "d"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@settings(max_examples=1500, derandomize=True, database=None, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=4), st.data())
def test_no_screen_misses_a_match_of_its_full_pattern(texts, data):
    blob = _Look({"a": texts, "b": {"c": texts[0]}}).blob
    for full, screen in PAIRS:
        if any(full(text) for text in texts):
            assert screen(blob), (texts, full)


def test_the_samples_of_each_kind_are_found_through_the_screens():
    for sample in ["NHS 943 476 5919", "SW1A 1AA", "gir 0aa", "me@example.org",
                   "+44 (0) 7700 900123", "07700900123", "date of birth 12/03/1990",
                   "D.O.B. 1 March 1990", "Mrs Patel said"]:
        blob = _Look({"notes": ["before", sample, "after"]}).blob
        assert any(full(sample) and screen(blob) for full, screen in PAIRS), sample


def test_keys_like_personal_details_are_found_with_their_pointers():
    look = _Look({"projects": [{"title": "x", "groups": [{"Email": "a", "name": "b"}]}]})
    assert look.identity == [("/projects/0/groups/0/Email", "Email", "a"),
                             ("/projects/0/groups/0/name", "name", "b")]
    assert _Look({"a~b/c": {"phone": 1}}).identity == [("/a~0b~1c/phone", "phone", 1)]
