"""Version 1.2's results: whose outcome, compared with what, and when. The checks' fixtures
fail and pass as written; the checks are silent on 1.0 and 1.1; the published fields are
enough for a reviewer to work out a between-group effect; the upgrade keeps 1.1's single
comparator value; disclosure control covers the new counts of people."""

from __future__ import annotations

import copy
import json
from math import sqrt

import pytest

from coprod_standard import validate
from coprod_standard.instruments.disclosure import Policy, protect
from coprod_standard.upgrade import upgrade
from tests.conftest import FIXTURES, ROOT
from tests.fixtures.earlier import source_example

CHECKS = FIXTURES / "1.2" / "checks"
FOLDERS = sorted(p.name for p in CHECKS.iterdir() if p.is_dir())
NEW = {"population-missing", "composition-missing", "composition-does-not-add-up",
       "months-since-baseline-missing", "comparison-group-too-thin"}
REPORT = ("projects", 0, "outcomes", 0, "indicators", 0, "reports")


def _reports(doc: dict) -> list[dict]:
    node = doc
    for step in REPORT:
        node = node[step]
    return node


@pytest.mark.parametrize("code", FOLDERS)
def test_the_failing_fixture_gives_exactly_its_code_and_paths(code):
    expected = json.loads((CHECKS / code / "fail" / "expected.json").read_text())
    report = validate(CHECKS / code / "fail" / "input.json", level="publish")
    got = sorted((i.code, i.path) for i in report.issues if i.code == code)
    assert got == sorted((i["code"], i["path"]) for i in expected["issues"]) and got
    for issue in report.issues:
        if issue.code == code:  # plain words: where, what, and how to fix it
            assert issue.path.startswith("/projects/0/") or (  # or the dataset's own details
                issue.record == "the dataset's own details" and issue.path.count("/") == 1)
            assert issue.message and issue.fix


@pytest.mark.parametrize("code", FOLDERS)
def test_the_near_miss_passes(code):
    report = validate(CHECKS / code / "pass" / "input.json", level="publish")
    assert code not in {i.code for i in report.issues}
    assert report.status == "valid"


def test_every_new_check_has_fixtures_here():
    assert NEW <= set(FOLDERS)


def test_population_missing_is_for_publishing_only():
    path = CHECKS / "population-missing" / "fail" / "input.json"
    assert "population-missing" not in {i.code for i in validate(path, level="draft").issues}


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.json")),
                         ids=lambda p: p.stem)
def test_the_new_checks_are_silent_on_1_0_and_1_1(path):
    data = json.loads(path.read_text())
    versions = [data] + ([upgrade(data, "1.1")[0]] if data.get("version") == "1.0" else [])
    for doc in versions:
        assert not NEW & {i.code for i in validate(doc, level="publish").issues}


def test_the_upgrade_keeps_a_comparison_group_given_as_one_value():
    data = source_example("befriending-scheme.json")  # 1.1, before its rewrite as 1.2
    before = copy.deepcopy(data)
    upgraded, changes = upgrade(data, "1.2")
    assert not [c for c in changes if c.kind == "lost"]
    interim = next(r for o in upgraded["projects"][0]["outcomes"] for i in o["indicators"]
                   for r in i["reports"] if r["id"] == "r-ucla-6m")
    was = next(r for o in before["projects"][0]["outcomes"] for i in o.get("indicators", [])
               for r in i["reports"] if r["id"] == "r-ucla-6m")
    assert interim["comparator"] == was["comparator"]
    assert interim["comparator"]["type"] == "comparison-group"
    assert "comparisonGroup" not in interim  # nothing invented: its formation is unknown
    codes = {i.code for i in validate(upgraded, level="publish").issues}
    assert "comparison-group-too-thin" in codes  # says what a reviewer is missing


# A reviewer's own arithmetic, independent of the toolkit (Cochrane Handbook, chapter 6):
# pooled SD, Cohen's d, Hedges' correction J = 1 - 3 / (4 (n1 + n2) - 9).

def hedges_g(n1, m1, s1, n2, m2, s2):
    pooled = sqrt(((n1 - 1) * s1 ** 2 + (n2 - 1) * s2 ** 2) / (n1 + n2 - 2))
    return (m1 - m2) / pooled * (1 - 3 / (4 * (n1 + n2) - 9))


def sd_from_interval(n, ci):
    return sqrt(n) * (ci["upper"] - ci["lower"]) / (2 * 1.96)


def test_a_reviewer_can_compute_the_between_group_effect_from_the_published_fields():
    doc = json.loads((CHECKS / "comparison-group-too-thin" / "pass" / "input.json")
                     .read_text())
    interim, end = _reports(doc)[1], _reports(doc)[2]
    # from the scores at six months: 90 people 6.5 (SD 1.6) against 40 people 7.2 (CI 6.7-7.7)
    group = interim["comparisonGroup"]
    assert "sd" not in group  # the SD comes from the interval
    sd = sd_from_interval(group["n"], group["ci95"])
    assert sd == pytest.approx(1.6134, abs=1e-4)
    assert interim["mean"] - group["mean"] == pytest.approx(-0.7)
    assert hedges_g(interim["n"], interim["mean"], interim["sd"],
                    group["n"], group["mean"], sd) == pytest.approx(-0.4338, abs=1e-4)
    # from the changes at twelve months: 50 people -1.0 (SD 1.6) against 35 people 0.0 (SD 1.5)
    mine, theirs = end["change"], end["comparisonGroup"]["change"]
    assert end["monthsSinceBaseline"] == 12
    assert mine["mean"] - theirs["mean"] == pytest.approx(-1.0)
    assert hedges_g(mine["n"], mine["mean"], mine["sd"], theirs["n"], theirs["mean"],
                    theirs["sd"]) == pytest.approx(-0.6353, abs=1e-4)


def test_the_base_fixture_gives_the_effect_from_means_and_sds():
    doc = json.loads((CHECKS / "population-missing" / "pass" / "input.json").read_text())
    interim = _reports(doc)[1]
    group = interim["comparisonGroup"]
    assert hedges_g(interim["n"], interim["mean"], interim["sd"], group["n"], group["mean"],
                    group["sd"]) == pytest.approx(-0.4432, abs=1e-4)
    assert hedges_g(interim["change"]["n"], interim["change"]["mean"], interim["change"]["sd"],
                    group["change"]["n"], group["change"]["mean"],
                    group["change"]["sd"]) == pytest.approx(-0.4736, abs=1e-4)


def _aggregate(n, composition, group):
    return {"id": "r", "timepoint": "end", "n": n, "mean": 5.0, "sd": 1.0,
            "composition": composition, "comparisonGroup": group}


def test_disclosure_control_withholds_small_counts_in_the_make_up_and_comparison_group():
    report = _aggregate(52, [{"role": "person-drawing-on-care", "n": 41},
                             {"role": "unpaid-carer", "n": 6},
                             {"role": "family-member", "n": 5}],
                        {"formation": "usual-care", "n": 7, "mean": 5.5, "sd": 1.2,
                         "change": {"method": "paired", "n": 7, "mean": 0.1}})
    protect([report], Policy())
    assert report["n"] == 50
    assert report["composition"] == [{"role": "person-drawing-on-care", "n": 40},
                                     {"role": "unpaid-carer", "suppressed": True},
                                     {"role": "family-member", "suppressed": True}]
    assert report["comparisonGroup"] == {"formation": "usual-care", "suppressed": True}


def test_disclosure_control_suppresses_a_second_number_that_would_reveal_the_first():
    report = _aggregate(60, [{"role": "person-drawing-on-care", "n": 41},
                             {"role": "unpaid-carer", "n": 14},
                             {"role": "family-member", "n": 5}],
                        {"formation": "matched", "n": 33, "mean": 5.5, "sd": 1.2,
                         "change": {"method": "paired", "n": 31, "mean": 0.1}})
    protect([report], Policy())
    assert [c.get("n") for c in report["composition"]] == [40, None, None]
    assert report["comparisonGroup"]["n"] == 35
    assert report["comparisonGroup"]["change"]["n"] == 30


def test_a_withheld_result_takes_its_make_up_with_it():
    report = _aggregate(6, [{"role": "unpaid-carer", "n": 6}], {"formation": "historical",
                                                                 "n": 20, "mean": 5.5})
    protect([report], Policy())
    assert report["suppressed"] is True and "composition" not in report


def test_the_schema_asks_for_a_number_or_suppressed_in_the_make_up():
    doc = json.loads((CHECKS / "composition-missing" / "pass" / "input.json").read_text())
    _reports(doc)[0]["composition"][0].pop("n")
    report = validate(doc, level="schema")
    assert not report.valid
    assert any("/composition/0" in i.path for i in report.issues)


def test_the_docs_examples_are_valid_results():
    page = (ROOT / "docs" / "standard.md").read_text()
    section = page.split("## Whose outcome, compared with what, and when")[1].split("\n## ")[0]
    blocks = [json.loads(b.split("```")[0]) for b in section.split("```json")[1:]]
    assert len(blocks) == 2
    doc = json.loads((CHECKS / "population-missing" / "pass" / "input.json").read_text())
    whole, mixed = blocks
    _reports(doc)[2] = whole
    _reports(doc)[0].update(mixed)
    report = validate(doc, level="publish")
    assert report.status == "valid"
    assert not NEW & {i.code for i in report.issues}
