"""The privacy checks first search all of a record's text at once with cheap screens, and
look text by text only when a screen matches. A screen must never miss what the full
pattern finds, wherever the text sits among the others."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from coprod_standard.checks import personal_patterns as patterns
from coprod_standard.checks.personal_patterns import (
    BIRTH,
    EMAIL,
    HONORIFIC,
    NHS_NUMBER,
    PHONE,
    POSTCODE,
)
from coprod_standard.checks.record_text import RecordText

PAIRS = [  # (full pattern, its screen)
    (NHS_NUMBER.search, patterns.TEN_DIGITS),
    (POSTCODE.search, patterns.INWARD_CODE),
    (EMAIL.search, lambda blob: "@" in blob),
    (PHONE.search, patterns.DIALLED),
    (BIRTH.search, patterns.about_birth),
    (HONORIFIC.search, patterns.TITLE),
]
PIECES = ["0", "1", "4", "7", "9", "44", "+44", "(0)", "07700", "900123", " ", "-", ".", "@",
          "a", "A", "SW1A", "1AA", "gir", "0aa", "Mr", "Mrs", "Dr", "Prof", "Miss", "Patel",
          "date of birth", "DOB", "d.o.b", "born on", "Born", "12/03/1990", "1 March 1990",
          "x@y.org", "\n", "\t", "e", "b", "o", "d"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@settings(max_examples=1500, derandomize=True, database=None, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=4), st.data())
def test_no_screen_misses_a_match_of_its_full_pattern(texts, data):
    blob = RecordText({"a": texts, "b": {"c": texts[0]}}).blob
    for full, screen in PAIRS:
        if any(full(text) for text in texts):
            assert screen(blob), (texts, full)


def test_the_samples_of_each_kind_are_found_through_the_screens():
    for sample in ["NHS 943 476 5919", "SW1A 1AA", "gir 0aa", "me@example.org",
                   "+44 (0) 7700 900123", "07700900123", "date of birth 12/03/1990",
                   "D.O.B. 1 March 1990", "Mrs Patel said"]:
        blob = RecordText({"notes": ["before", sample, "after"]}).blob
        assert any(full(sample) and screen(blob) for full, screen in PAIRS), sample


def test_keys_like_personal_details_are_found_with_their_pointers():
    look = RecordText({"projects": [{"title": "x", "groups": [{"Email": "a", "name": "b"}]}]})
    assert look.identity == [("/projects/0/groups/0/Email", "Email", "a"),
                             ("/projects/0/groups/0/name", "name", "b")]
    assert RecordText({"a~b/c": {"phone": 1}}).identity == [("/a~0b~1c/phone", "phone", 1)]


def test_no_code_holds_what_the_privacy_checks_find():
    """Codes are left out of the joined text the screens search (record_text.known_codes):
    safe only while no code of any version holds anything the checks find."""
    from coprod_standard.checks.personal_patterns import personal_values
    from coprod_standard.checks.record_text import known_codes

    codes = known_codes()
    assert "same-as-sex-at-birth" in codes and len(codes) > 300
    assert [code for code in codes if personal_values(code)] == []


def test_a_record_of_codes_alone_passes_every_screen_at_once():
    look = RecordText({"gender": "same-as-sex-at-birth", "status": "active",
                       "settings": ["community", "community"]})
    parts = set(look.blob.split("\x00"))  # and the keys, until they are known to be plain
    assert parts <= {"", "gender", "status", "settings"}
    assert not any(screen(look.blob) for _, screen in PAIRS)


@settings(max_examples=1500, derandomize=True, database=None, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=4))
def test_the_long_number_pass_starts_each_of_its_screens_no_later_than_they_match(texts):
    """TEN_DIGITS and DIALLED are searched from where LONG_NUMBER first matches: neither
    may match before it, nor anywhere when it does not match at all."""
    look = RecordText({"a": texts})
    first = patterns.LONG_NUMBER(look.blob)
    for screen in (patterns.TEN_DIGITS, patterns.DIALLED):
        found = screen(look.blob)
        assert found is None or (first is not None and first.start() <= found.start())
        assert look.passes(screen) is (found is not None)
    for _, screen in PAIRS:
        assert look.passes(screen) is bool(screen(look.blob))


def test_the_long_number_pass_on_samples():
    for sample, expected in [("tel 01234 567890", True), ("tel 0 1234 567890", False),
                             ("NHS 943 476 5919", True), ("+44 (0) 7700 900123", True),
                             ("1st and 2nd, 10am to 2pm", False),
                             ("on 1 March 2024, 12 people", False), ("", False)]:
        assert (patterns.LONG_NUMBER(sample) is not None) is expected, sample
