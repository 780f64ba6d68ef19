"""The checks that the figures published with a rounded count do not give it away (issue 18,
hole 1): when they apply, what they leave alone, and odd data. The failing and passing
fixtures are in tests/fixtures/1.2/checks/*-reveals-count."""

from __future__ import annotations

import copy
import json

import pytest

from coprod_standard import validate
from tests.conftest import FIXTURES, ROOT

CODES = {"interval-reveals-count", "proportion-reveals-count", "mean-reveals-count",
         "median-reveals-count"}
REPORTS = "/projects/0/outcomes/0/indicators/0/reports"
BASE = json.loads((ROOT / "examples" / "befriending-scheme.json").read_text())


def _fail(code: str) -> dict:
    path = FIXTURES / "1.2" / "checks" / code / "fail" / "input.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _found(data: dict, **settings) -> set[tuple[str, str]]:
    return {(i.code, i.path) for i in validate(data, **settings).issues if i.code in CODES}


def _end(data: dict) -> dict:
    return data["projects"][0]["outcomes"][0]["indicators"][0]["reports"][2]


@pytest.mark.parametrize("code", sorted(CODES))
def test_only_nhs_digital_s_rounding_when_publishing(code):
    data = _fail(code)
    assert {c for c, _ in _found(data)} == {code}
    assert not _found(data, disclosure="threshold-10")  # counts published as they are
    assert not _found(data, level="draft")


def test_a_result_about_a_nation_s_population_is_exempt_but_not_its_comparison_group():
    data = _fail("interval-reveals-count")
    data["projects"][0]["areas"] = ["E92000001"]
    for report in data["projects"][0]["outcomes"][0]["indicators"][0]["reports"]:
        report["population"] = "wider-community"
        report.pop("composition", None)
    assert _found(data) == {("interval-reveals-count", f"{REPORTS}/1/comparisonGroup/ci95")}
    data["projects"][0]["areas"] = ["E92000001", "E06000052"]  # one area below national
    assert ("interval-reveals-count", f"{REPORTS}/2/ci95") in _found(data)


def test_an_interval_worked_out_by_hand_with_1_96_from_the_published_n_passes():
    data = copy.deepcopy(BASE)
    _end(data)["ci95"] = {"lower": 5.85, "upper": 6.75}  # 6.3 ± 1.96 × 1.7 / √55
    assert not _found(data)


def test_a_limit_clipped_at_the_end_of_the_scale_is_skipped():
    """UCLA-3 runs from 3 to 9: a lower limit of 3 says nothing about the count, and the
    upper limit, 3.5 + 2.0057 × 2.8 / √53 = 4.27 from 53 people, gives it away on its own."""
    data = copy.deepcopy(BASE)
    _end(data).update(mean=3.5, sd=2.8, ci95={"lower": 3, "upper": 4.27})
    assert _found(data) == {("interval-reveals-count", f"{REPORTS}/2/ci95")}
    _end(data)["ci95"]["upper"] = 4.26  # 3.5 + 2.0049 × 2.8 / √55
    assert not _found(data)


def test_a_mean_of_a_score_with_irregular_steps_is_not_held_to_whole_sums():
    """SWEMWBS metric scores come from a conversion table: no step, no mean check."""
    data = json.loads((ROOT / "examples" / "dementia-club.json").read_text())
    report = data["projects"][0]["outcomes"][0]["indicators"][0]["reports"][0]
    assert data["projects"][0]["outcomes"][0]["indicators"][0]["scoreType"] == "swemwbs-metric"
    report["mean"] = 20.43  # two decimals for 55 people
    assert not {c for c, _ in _found(data)} & {"mean-reveals-count"}


def test_the_fix_says_how_many_decimals_fit():
    [issue] = [i for i in validate(_fail("mean-reveals-count")).issues
               if i.path == f"{REPORTS}/2/mean"]
    assert "Show the mean to 1 decimal," in issue.fix
    assert "from 53 to 57 (those that round to 55)" in issue.message


@pytest.mark.parametrize("odd", [None, "6.3", True, [], {}, 1e308, -1.0])
def test_odd_figures_never_stop_a_check(odd):
    data = _fail("mean-reveals-count")
    end = _end(data)
    for key in ("mean", "sd", "proportionImproved"):
        end[key] = odd
    end["change"]["n"] = odd
    end["ci95"] = {"lower": odd, "upper": odd}
    codes = {i.code for i in validate(data).issues}
    assert "check-failed" not in codes


# Hole 1 as the outsider found it: tests/fixtures/disclosure-holes/hole-1-* (the holes'
# generic test, tests/test_disclosure_holes.py, runs every hole; these say more of this one).

HOLE_1 = next((FIXTURES / "disclosure-holes").glob("hole-1-*"))


def test_hole_1_fails_publish_through_the_command_with_exactly_its_codes(coprod):
    expected = json.loads((HOLE_1 / "expected.json").read_text(encoding="utf-8"))
    result = coprod("validate", "--level", "publish", "--format", "json", HOLE_1 / "input.json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [file_report] = json.loads(result.stdout)["files"]
    errors = sorted((i["code"], i["path"].rsplit("/reports/", 1)[-1])
                    for i in file_report["issues"] if i["severity"] == "error")
    assert {code for code, _ in errors} == set(expected["codes"])
    # the whole-group results merged last: baseline (2) and interim (3). The baseline's
    # interval (from 57) is as close to one from 55 with 1.96, and the change's (from 51,
    # published as 50) too close to tell at two decimals: only the interim's gives it away.
    assert errors == [("interval-reveals-count", "3/ci95"),
                      ("proportion-reveals-count", "3/proportionImproved")]
    for issue in file_report["issues"]:
        assert issue["message"] and issue["fix"]


def test_a_draft_of_hole_1_is_not_held_to_the_rounding_checks(coprod):
    result = coprod("validate", "--level", "draft", "--format", "json", HOLE_1 / "input.json")
    [file_report] = json.loads(result.stdout)["files"]
    assert not {i["code"] for i in file_report["issues"]} & CODES
    assert result.returncode == 0
