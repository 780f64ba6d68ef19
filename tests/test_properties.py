"""Property: validate() on any JSON value, of any shape within limits, returns a report and
never raises."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coprod_standard import validate
from tests.conftest import ROOT

MINIMAL = json.loads((ROOT / "examples" / "minimal.json").read_text())
KEYS = st.sampled_from(["id", "title", "count", "n", "suppressed", "reports", "outcomes",
                        "participantGroups", "demographics", "ethnicity", "counts", "code",
                        "period", "startDate", "evidence", "principles", "version", "projects",
                        "mean", "ci95", "change", "areas", "name", "email"]) | st.text(max_size=8)
SCALARS = (st.none() | st.booleans() | st.integers(-10**6, 10**6)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30))
JSON = st.recursive(SCALARS, lambda children: st.lists(children, max_size=4)
                    | st.dictionaries(KEYS, children, max_size=5), max_leaves=40)


def _check(document, **options):
    report = validate(document, **options)
    assert report.status in ("valid", "invalid", "unreadable")
    assert "check-failed" not in {i.code for i in report.issues}, "a check crashed"
    json.dumps(report.to_dict(), default=str)
    return report


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_any_json_value_gives_a_report(document):
    _check(json.dumps(document).encode())
    if isinstance(document, (dict, list)):
        _check(document)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, JSON, max_size=6), st.sampled_from(["draft", "publish"]))
def test_any_project_shape_gives_a_report(project, level):
    document = copy.deepcopy(MINIMAL)
    document["projects"].append(project)
    document["projects"][0].update({k: v for k, v in project.items() if k != "id"})
    _check(document, level=level)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_a_report(data):
    _check(data)
