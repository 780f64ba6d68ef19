"""Diversity in version 1.2: which seldom-heard groups were reached, further protected
characteristics, the evaluated sample's demographics, and the seldom-heard ethnic groups
check fixed for every version (issue 17, point 8)."""

from __future__ import annotations

import copy
import json

import pytest

from coprod_standard import validate
from coprod_standard.research.tables import dataset_rows, specs
from tests.conftest import FIXTURES
from tests.fixtures.make_diversity_fixtures import folder_for

CHECKS = FIXTURES / "1.2" / "checks"
MINE = ["seldom-heard-contradiction", "seldom-heard-not-named", "ethnicity-all-white",
        "ethnicity-not-reported", "ethnicity-mostly-not-stated", "small-number-not-suppressed",
        "number-not-rounded", "secondary-suppression-needed", "suppressed-but-shown",
        "demographic-counts-exceed-group"]


def _issues(path, **settings):
    report = validate(path, level="publish", disclosure="nhs-digital", **settings)
    return report, sorted((i.code, i.path) for i in report.issues)


@pytest.mark.parametrize("code", MINE)
def test_each_diversity_fixture_fails_exactly_and_its_near_miss_passes(code):
    folder = folder_for(code)
    expected = json.loads((folder / "fail" / "expected.json").read_text())
    _, got = _issues(folder / "fail" / "input.json")
    assert [g for g in got if g[0] == code] == sorted(
        (i["code"], i["path"]) for i in expected["issues"])
    report, got = _issues(folder / "pass" / "input.json")
    assert code not in {c for c, _ in got}
    assert report.status == "valid"


def _old_white_group(version: str, codes: list[tuple[str, int | None]]) -> dict:
    data = json.loads((FIXTURES / "1.0" / "checks" / "ethnicity-all-white" / "fail" /
                       "input.json").read_text())
    if version != "1.0":
        from coprod_standard.upgrade import upgrade
        data, _ = upgrade(data, version)
    ethnicity = data["projects"][0]["participantGroups"][0]["demographics"]["ethnicity"]
    ethnicity["classification"] = "ons-2021"
    ethnicity["counts"] = [{"code": c, "suppressed": True} if n is None else
                           {"code": c, "count": n} for c, n in codes]
    return data


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
@pytest.mark.parametrize("seldom_heard", ["white-gypsy-irish-traveller", "white-roma",
                                          "white-irish"])
def test_gypsy_roma_traveller_and_irish_people_count_as_reached_in_every_version(
        version, seldom_heard, tmp_path):
    # Before the fix, each of these groups was told it reached no seldom-heard group.
    path = tmp_path / "data.json"
    path.write_text(json.dumps(_old_white_group(
        version, [("white-british", 65), ("white-other", 10), (seldom_heard, 10)])))
    report, got = _issues(path)
    assert report.status == "valid"
    assert "ethnicity-all-white" not in {c for c, _ in got}
    path.write_text(json.dumps(_old_white_group(
        version, [("white-british", 75), ("white-other", 10)])))
    _, got = _issues(path)
    assert ("ethnicity-all-white",
            "/projects/0/participantGroups/0/demographics/ethnicity/counts") in got


def test_seldom_heard_checks_stay_silent_before_1_2(tmp_path):
    data = _old_white_group("1.1", [("white-british", 65), ("black-african", 20)])
    data["projects"][0]["participantGroups"][0]["isUnderserved"] = True
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    _, got = _issues(path)
    assert not {c for c, _ in got} & {"seldom-heard-not-named", "seldom-heard-contradiction"}


def test_every_new_count_of_people_is_checked_for_small_numbers(tmp_path):
    data = json.loads((folder_for("small-number-not-suppressed") / "pass" / "input.json")
                      .read_text())
    members = data["projects"][0]["participantGroups"][0]["demographics"]
    sample = data["projects"][0]["evaluation"]["sampleDemographics"]
    dimensions = {"sexualOrientation": "bisexual", "genderIdentity": "trans-woman",
                  "socioEconomicClass": "routine", "religion": "sikh"}
    for dimension, code in dimensions.items():
        for where in (members, sample):
            where[dimension] = {"askedStatus": "asked",
                                "counts": [{"code": code, "count": 2}]}
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    report, got = _issues(path)
    flagged = {p for c, p in got if c == "small-number-not-suppressed"}
    for dimension in dimensions:
        assert (f"/projects/0/participantGroups/0/demographics/{dimension}/counts/0/count"
                in flagged)
        assert f"/projects/0/evaluation/sampleDemographics/{dimension}/counts/0/count" in flagged
    assert report.status == "invalid"


def test_the_sample_demographics_have_an_analysis_table_of_their_own():
    data = json.loads((CHECKS / "seldom-heard-not-named" / "pass" / "input.json").read_text())
    tables = specs("1.2")
    assert {"demographic_counts", "sample_demographic_counts"} <= set(tables)
    rows = dataset_rows(copy.deepcopy(data), ("d", "p", "s", "1.2", "t", "c"), "1.2")
    columns = [name for name, _, _ in tables["sample_demographic_counts"].columns]
    sample = [dict(zip(columns, row, strict=True)) for row in rows["sample_demographic_counts"]]
    assert {r["dimension"] for r in sample} == {"ethnicity", "sex", "religion",
                                                "gender-identity"}
    group = [dict(zip([n for n, _, _ in tables["demographic_counts"].columns], row,
                      strict=True)) for row in rows["demographic_counts"]]
    assert {"religion", "age-band"} <= {r["dimension"] for r in group}


def test_the_new_fields_survive_a_spreadsheet_round_trip(coprod, tmp_path):
    source = CHECKS / "seldom-heard-contradiction" / "pass" / "input.json"
    workbook, back = tmp_path / "data.xlsx", tmp_path / "back.json"
    assert coprod("convert", source, workbook).returncode == 0
    assert coprod("convert", workbook, back).returncode == 0
    before, after = (json.loads(p.read_text())["projects"][0] for p in (source, back))
    assert after["evaluation"]["sampleDemographics"] == before["evaluation"]["sampleDemographics"]
    assert after["participantGroups"][0] == before["participantGroups"][0]
    assert after["participantGroups"][0]["seldomHeardGroups"] == ["learning-disability"]


@pytest.mark.parametrize("dimension,good,bad", [
    ("religion", "sikh", "not-a-religion"), ("sexual-orientation", "bisexual", "female"),
    ("gender-identity", "non-binary", "male"), ("socio-economic-class", "routine", "L13")])
def test_results_can_be_given_for_the_new_characteristics(dimension, good, bad, tmp_path):
    data = json.loads((CHECKS / "seldom-heard-not-named" / "pass" / "input.json").read_text())
    report = data["projects"][0]["outcomes"][0]["indicators"][0]["reports"][0]
    path = tmp_path / "data.json"
    for value, flagged in ((good, False), (bad, True)):
        report["subgroup"] = {"dimension": dimension, "code": value}
        path.write_text(json.dumps(data))
        _, got = _issues(path)
        assert (("subgroup-code-unknown", "/projects/0/outcomes/0/indicators/0/reports/0/"
                 "subgroup/code") in got) is flagged
