"""Round trip: JSON to CSV and to XLSX and back gives exactly the original, for every valid
fixture and example and for instances generated from them (free text of every kind,
numbers of every size)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coprod_standard.readers import read
from coprod_standard.validate import validate
from coprod_standard.writers import write
from tests.conftest import EXAMPLES, FIXTURES
from tests.test_tabular import same_json

VALID = sorted(FIXTURES.glob("*/valid/*/input*.json")) + EXAMPLES
FORMATS = [("csv", "tables"), ("xlsx", "book.xlsx")]


def _round_trip(data: dict, tmp_path, fmt: str, name: str) -> dict:
    out = tmp_path / name
    write(data, data["version"], fmt, out)
    back = read(out)
    assert back.issues == [], [i.message for i in back.issues]
    return back.data


@pytest.mark.parametrize(("fmt", "name"), FORMATS, ids=[f for f, _ in FORMATS])
@pytest.mark.parametrize("path", VALID, ids=lambda p: p.parent.name if p.name.startswith(
    "input") else p.name)
def test_every_valid_fixture_and_example_comes_back_exactly(path, fmt, name, tmp_path):
    original = read(path).data
    assert validate(path, level="schema").valid
    back = _round_trip(original, tmp_path, fmt, name)
    # a JSON file's "$schema" (the schema an editor completes it from) has no column: the
    # tables say their version on the Dataset sheet, and nothing else is lost
    assert "$schema" not in back
    assert same_json(back, {k: v for k, v in original.items() if k != "$schema"})


RICH = json.loads(max(EXAMPLES, key=lambda p: p.stat().st_size).read_text(encoding="utf-8"))
FREE_TEXT = {"title", "description", "evidence", "aim", "methods", "results", "influence",
             "criticalReflection", "name"}
NUMBERS = {"mean", "sd", "value", "amountGBP", "hourlyRateGBP"}


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


TEXT_PATHS = [p for p, v in _leaves(RICH) if isinstance(v, str) and p[-1] in FREE_TEXT]
NUMBER_PATHS = [p for p, v in _leaves(RICH) if isinstance(v, float) and p[-1] in NUMBERS]
# What a cell can hold: no control characters but tab and line breaks, and not blank (a
# blank cell is no value, by design); any other character, formula-like starts included.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(
    "\t\n\r=+-@'\""), min_size=1, max_size=40).filter(str.strip)
# Numbers as statistics are written: up to 15 significant digits, all a workbook cell holds
# (Excel's own limit; CSV keeps every digit of any number, tested with the fixtures).
NUMBER = st.integers(0, 10**12).map(lambda n: n / 1000) | st.integers(0, 10**9).map(float)


def _set(data, path, value):
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.tuples(st.sampled_from(TEXT_PATHS), TEXT), max_size=6),
       numbers=st.lists(st.tuples(st.sampled_from(NUMBER_PATHS), NUMBER), max_size=4))
def test_generated_instances_come_back_exactly(tmp_path_factory, texts, numbers):
    data = json.loads(json.dumps(RICH))
    for path, value in [*texts, *numbers]:
        _set(data, path, value)
    work = tmp_path_factory.mktemp("round-trip")
    for fmt, name in FORMATS:
        back = _round_trip(data, work, fmt, name)
        assert same_json(back, data), fmt
        if fmt == "csv":  # CSV keeps even the written form of every number
            assert json.dumps(back, sort_keys=True) == json.dumps(data, sort_keys=True)


def test_there_is_something_to_vary():
    assert len(TEXT_PATHS) >= 10 and len(NUMBER_PATHS) >= 3
