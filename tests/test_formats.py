"""Format checks are registered, strict and active in real validation (not silently skipped)."""

from __future__ import annotations

import copy
import json

import pytest

from coprod_standard import validate
from coprod_standard.formats import STANDARD_FORMATS, format_checker
from tests.conftest import ROOT

MINIMAL = json.loads((ROOT / "examples" / "minimal.json").read_text())


def test_the_four_formats_are_registered():
    assert set(STANDARD_FORMATS) <= set(format_checker().checkers)


@pytest.mark.parametrize("fmt,good,bad", [
    ("date", "2025-02-28",
     ["2025-02-30", "2025-2-3", "31/01/2025", "2025-01-01\n", "2025-01-01T00:00:00Z"]),
    ("date-time", "2025-03-31T14:30:00Z",
     ["1985-04-12T23:20:50Z\n", "2025-03-31", "2025-03-31 14:30", "2025-03-31T25:00:00Z",
      "2025-03-31T14:30:00"]),
    ("uri", "https://example.org/a?b=c", ["not a uri", "http://x y", "example.org"]),
    ("email", "team@example.org", ["team@", "a@b", "two words@example.org", "@example.org"]),
])
def test_each_format_accepts_good_and_rejects_bad_values(fmt, good, bad):
    checker = format_checker()
    assert checker.conforms(good, fmt)
    for value in bad:
        assert not checker.conforms(value, fmt), value


def _with(path, value):
    data = copy.deepcopy(MINIMAL)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize("path,value,code", [
    (("publishedDate",), "2025-02-30", "invalid-date"),  # passes the pattern, fails the format
    (("modified",), "1985-04-12T23:20:50Z\n", "invalid-date-time"),
    (("contactPoint",), {"email": "a@b"}, "invalid-email"),
    (("publisher", "url"), "https://exa mple.org", "invalid-uri"),
])
def test_format_checks_are_active_during_validation(path, value, code):
    report = validate(_with(path, value))
    assert not report.valid
    assert code in {i.code for i in report.issues}
