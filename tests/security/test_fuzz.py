"""Fuzzing: reading and validating arbitrary bytes, under any file name, only ever gives a
report, or raises the project's own documented error (``Unreadable``, from ``read``).
Hypothesis runs here with every test run; tests/security/fuzz_atheris.py runs the same
property for as long as you like (see docs/developers.md)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coprod_standard.limits import Limits
from coprod_standard.readers import Unreadable, read
from coprod_standard.validate import validate
from coprod_standard.writers import render
from tests.conftest import EXAMPLES
from tests.security import zip_of

NAMES = ["data.json", "data.jsonl", "data.csv", "book.xlsx", "tables.zip", "data"]
SEED = EXAMPLES[0].read_bytes()
BOOK = render(json.loads(SEED), json.loads(SEED)["version"], "xlsx")
SMALL = Limits(max_bytes=200_000, max_depth=20, max_rows=50, max_string=5_000,
               max_cell=2_000, max_issues=200)


def _mutate(seed: bytes):
    """SEED with a slice replaced, cut short or repeated: near-misses of real files."""
    return st.tuples(st.integers(0, len(seed)), st.integers(0, 64), st.binary(max_size=64),
                     st.sampled_from(["replace", "cut", "repeat"])).map(
        lambda t: (seed[:t[0]] + t[2] + seed[t[0] + t[1]:] if t[3] == "replace" else
                   seed[:t[0]] if t[3] == "cut" else seed[:t[0]] + seed[t[0]:][:t[1]] * 3))


BYTES = (st.binary(max_size=300) | _mutate(SEED) | _mutate(BOOK)
         | st.dictionaries(st.sampled_from(["xl/workbook.xml", "projects.csv", "dataset.csv",
                                           "datapackage.json", "../evil.csv", "a/b.json"]),
                           st.binary(max_size=200), max_size=3).map(zip_of))


def _read_all(data: bytes, name: str) -> None:
    try:
        result = read(data, SMALL, name, stream=True)
        for _ in result.records:
            pass
    except Unreadable as exc:
        assert exc.issue.message and exc.issue.code


@settings(max_examples=400, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(BYTES, st.sampled_from(NAMES))
def test_any_bytes_under_any_name_give_a_report_or_unreadable(data, name):
    _read_all(data, name)
    report = validate(data, name=name, limits=SMALL)
    assert report.status in ("valid", "invalid", "unreadable")
    assert "check-failed" not in {i.code for i in report.issues}
    json.dumps(report.to_dict(), default=str)
