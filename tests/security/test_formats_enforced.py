"""Formats are asserted, not merely annotated, by both engines and by the validator: an
impossible date, a date-time with a trailing line break and a malformed uuid are refused."""

from __future__ import annotations

import json

import pytest

from coprod_standard.schema_engine import fast_validator, reference_validator
from coprod_standard.validate import validate
from tests.conftest import EXAMPLES

ENGINES = {"reference": reference_validator, "fast": fast_validator}
CASES = [  # (format, refused, accepted)
    ("date", "2024-02-30", "2024-02-29"),
    ("date", "2023-02-29", "2024-02-29"),
    ("date-time", "2024-01-01T10:00:00Z\n", "2024-01-01T10:00:00Z"),
    ("date-time", "2024-01-01T25:00:00Z", "2024-01-01T23:59:59+01:00"),
    ("uuid", "123e4567-e89b-12d3-a456-42661417400", "123e4567-e89b-12d3-a456-426614174000"),
    ("uuid", "{123e4567-e89b-12d3-a456-426614174000}", "123E4567-E89B-12D3-A456-426614174000"),
    ("uuid", "123e4567e89b12d3a456426614174000", "00000000-0000-0000-0000-000000000000"),
    ("uuid", "123e4567-e89b-12d3-a456-426614174000\n", "123e4567-e89b-12d3-a456-426614174000"),
    ("uri", "https://", "https://example.org/licence"),
    ("email", "not an address", "team@example.org"),
]


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize(("fmt", "refused", "accepted"), CASES,
                         ids=[f"{f}:{r!r}" for f, r, _ in CASES])
def test_both_engines_refuse_a_malformed_value_and_accept_a_good_one(engine, fmt, refused,
                                                                      accepted):
    schema = {"$id": "https://coprod-standard.org/schema/test/format.json", "format": fmt}
    validator = ENGINES[engine](schema, [])
    assert not validator.is_valid(refused)
    assert validator.is_valid(accepted)


@pytest.mark.parametrize(("field", "value"), [("publishedDate", "2024-02-30"),
                                              ("modified", "2024-01-01T10:00:00Z\n")])
def test_the_validator_reports_an_impossible_date_in_a_dataset(tmp_path, field, value):
    data = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    data[field] = value
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    report = validate(path)
    assert not report.valid
    assert [i.path for i in report.errors] == [f"/{field}"]


def test_the_formats_asserted_are_fixed_whatever_is_installed():
    """Only the standard's formats are asserted, by both engines; every other format is an
    annotation, so a verdict never depends on which optional libraries a machine has."""
    from coprod_standard.formats import ANNOTATED, ASSERTED, FAST_FORMATS, format_checker

    assert set(format_checker().checkers) == set(ASSERTED)
    assert set(FAST_FORMATS) == set(ASSERTED) | set(ANNOTATED)
    for name in [*ASSERTED, *ANNOTATED]:
        schema = {"$id": "https://coprod-standard.org/schema/test/f.json", "format": name}
        verdicts = {engine: make(schema, []).is_valid("[not \\ valid") for engine, make in
                    ENGINES.items()}
        assert verdicts == dict.fromkeys(ENGINES, name in ANNOTATED), name
