"""Checks beyond the schema: every check has a passing and a failing fixture, the failing
one gives exactly the expected code and paths, and messages never repeat personal data."""

from __future__ import annotations

import copy
import json

import pytest

from coprod_standard import validate
from coprod_standard.checks import CATEGORIES, catalogue
from tests.conftest import FIXTURES, ROOT

CODES = [c.code for c in catalogue()]


def _folder(code: str):
    """A check's fixtures: under the first version whose corpus has them."""
    for version in ("1.0", "1.1", "1.2"):
        if (FIXTURES / version / "checks" / code).is_dir():
            return FIXTURES / version / "checks" / code
    return FIXTURES / "1.0" / "checks" / code


def test_every_check_is_complete_and_in_a_known_category():
    assert len(CODES) == len(set(CODES)) >= 40
    for chk in catalogue():
        assert chk.category in CATEGORIES
        assert chk.title and chk.serves and chk.explanation and chk.levels
        assert chk.scope in ("project", "dataset", "both")


def test_the_catalogue_order_does_not_depend_on_what_was_imported_first():
    """CI once failed because a test imported one check module directly, so its checks
    registered first and the generated docs/reference/checks.md came out reordered."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    script = ("import coprod_standard.checks.privacy, coprod_standard.checks.disclosure_rounding;"
              "from coprod_standard.checks import catalogue;"
              "print(' '.join(c.code for c in catalogue()))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.split() == CODES


@pytest.mark.parametrize("code", CODES)
def test_every_check_has_a_passing_and_a_failing_fixture(code):
    assert (_folder(code) / "pass" / "input.json").is_file()
    assert (_folder(code) / "fail" / "input.json").is_file()
    assert (_folder(code) / "fail" / "expected.json").is_file()


def _settings(folder):
    expected = folder / "expected.json"
    data = json.loads(expected.read_text()) if expected.exists() else {}
    return data, {"level": data.get("level", "publish"),
                  "disclosure": data.get("disclosure", "nhs-digital")}


@pytest.mark.parametrize("code", CODES)
def test_the_failing_fixture_gives_exactly_its_code_and_paths(code):
    folder = _folder(code) / "fail"
    expected, settings = _settings(folder)
    report = validate(folder / "input.json", **settings)
    got = sorted((i.code, i.path) for i in report.issues if i.code == code)
    assert got == sorted((i["code"], i["path"]) for i in expected["issues"])
    assert got, "the failing fixture must fail"


@pytest.mark.parametrize("code", CODES)
def test_the_passing_fixture_does_not_give_the_code(code):
    folder = _folder(code) / "pass"
    _, settings = _settings(_folder(code) / "fail")
    report = validate(folder / "input.json", **settings)
    assert code not in {i.code for i in report.issues}
    assert report.status == "valid"


# a check that changed in a later version has fixtures there too
LATER = sorted(f for f in FIXTURES.glob("*/checks/*") if f.is_dir() and f != _folder(f.name))


@pytest.mark.parametrize("folder", LATER, ids=lambda f: "/".join(f.parts[-3::2]))
def test_a_later_version_s_fixtures_fail_and_pass_as_expected(folder):
    expected, settings = _settings(folder / "fail")
    report = validate(folder / "fail" / "input.json", **settings)
    got = sorted((i.code, i.path) for i in report.issues if i.code == folder.name)
    assert got == sorted((i["code"], i["path"]) for i in expected["issues"]) and got
    report = validate(folder / "pass" / "input.json", **settings)
    assert folder.name not in {i.code for i in report.issues} and report.status == "valid"


MINIMAL = json.loads((ROOT / "examples" / "minimal.json").read_text())


@pytest.mark.parametrize("where,secret,code", [
    ("description", "Ask Sam at sam.jones@example.org for details.", "email-address"),
    ("description", "Member 943 476 5919 joined in May.", "nhs-number"),
    ("title", "Group for 4010232137", "nhs-number"),
])
def test_personal_data_fails_publish_without_repeating_it(where, secret, code, coprod,
                                                          tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["projects"][0][where] = secret
    path = tmp_path / "dataset.json"
    path.write_text(json.dumps(data))
    result = coprod("validate", "--level", "publish", path)
    assert result.returncode == 1
    assert f"[{code}]" in result.stdout
    as_json = coprod("validate", "--level", "publish", "--format", "json", path).stdout
    for part in secret.split():
        if any(ch.isdigit() for ch in part) or "@" in part:
            assert part.strip(".") not in result.stdout + as_json


def test_an_unsuppressed_count_of_three_fails_publish_with_a_plain_message(coprod, tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["projects"][0]["participantGroups"][0]["count"] = 3
    path = tmp_path / "dataset.json"
    path.write_text(json.dumps(data))
    result = coprod("validate", "--level", "publish", path)
    assert result.returncode == 1
    text = " ".join(result.stdout.split())
    assert "[small-number-not-suppressed]" in text
    assert "A count of people below 8 is published; it must be suppressed." in text
    draft = coprod("validate", "--level", "draft", path)
    assert draft.returncode == 0  # a draft may hold raw numbers: a warning, not an error


def test_threshold_10_policy_suppresses_up_to_9_without_rounding():
    data = copy.deepcopy(MINIMAL)
    data["projects"][0]["participantGroups"][0]["count"] = 9
    codes = {i.code for i in validate(data, disclosure="threshold-10").issues}
    assert "small-number-not-suppressed" in codes
    data["projects"][0]["participantGroups"][0]["count"] = 12
    codes = {i.code for i in validate(data, disclosure="threshold-10").issues}
    assert not codes & {"small-number-not-suppressed", "number-not-rounded"}
    assert "number-not-rounded" in {i.code for i in validate(data).issues}


def test_a_national_area_does_not_exempt_the_people_who_took_part():
    """Issue 18, hole 2 (this test once said the opposite): a project coded to England
    publishing a group of 3 is caught like any other."""
    data = copy.deepcopy(MINIMAL)
    data["projects"][0]["areas"] = ["E92000001"]
    data["projects"][0]["participantGroups"][0]["count"] = 3
    found = {(i.code, i.path) for i in validate(data).issues}
    assert ("small-number-not-suppressed", "/projects/0/participantGroups/0/count") in found


SMALL = {"small-number-not-suppressed", "statistic-for-small-number", "number-not-rounded"}


def _national_result(population: str) -> set[tuple[str, str]]:
    """The befriending example made national, its befrienders' baseline a result for 6
    people with a mean, about POPULATION: the small-number issues it gives."""
    data = json.loads((ROOT / "examples" / "befriending-scheme.json").read_text())
    project = data["projects"][0]
    project["areas"] = ["E92000001"]
    report = project["outcomes"][2]["indicators"][0]["reports"][0]
    report.update(population=population, n=6, nExcluded=0)
    return {(i.code, i.path.rsplit("/", 1)[-1]) for i in validate(data).issues
            if i.code in SMALL}


def test_only_a_result_about_a_nation_s_population_is_exempt():
    assert _national_result("wider-community") == set()
    assert _national_result("co-producers") == {("small-number-not-suppressed", "n"),
                                                ("statistic-for-small-number", "mean"),
                                                ("statistic-for-small-number", "sd"),
                                                ("statistic-for-small-number", "ci95")}


def test_the_report_counts_checks_and_carries_the_scorecard():
    report = validate(ROOT / "examples" / "peer-support-network.json")
    assert report.checks_passed == len(report.checks_run) >= 40
    [(label, results)] = report.scorecards
    assert [r.principle for r in results] == ["equality", "diversity", "accessibility",
                                             "reciprocity"]
    assert all(r.status == "met" and r.summary.endswith(".") for r in results)
    document = report.to_dict()
    assert document["checks"] == {"run": len(report.checks_run), "passed": report.checks_passed}
    assert document["principles"]["equality"]["met"] == 1
    schema_only = validate(ROOT / "examples" / "peer-support-network.json", level="schema")
    assert schema_only.checks_run == set() and schema_only.scorecards == []


def test_nhs_number_check_digit():
    from coprod_standard.checks.personal_patterns import nhs_number_valid

    assert nhs_number_valid("9434765919") and nhs_number_valid("4010232137")
    assert not nhs_number_valid("9434765918") and not nhs_number_valid("1111111111")


def test_the_publishers_organisation_list_is_checked_too():
    """The dataset's own publisher, not only the projects' lead organisations and partners,
    must use an org-id.guide list."""
    path = FIXTURES / "1.0" / "checks" / "unknown-identifier-list" / "pass" / "input.json"
    text = path.read_text(encoding="utf-8")
    known = json.loads(text)["publisher"]["id"]
    report = validate(json.loads(text.replace(known, known.replace("GB-CHC", "GB-CC", 1))))
    assert sorted((i.code, i.path) for i in report.issues) == [
        ("unknown-identifier-list", "/projects/0/leadOrganisation/id"),
        ("unknown-identifier-list", "/publisher/id")]
    assert all("'GB-CC'" in i.message for i in report.issues)


def test_a_project_id_that_is_only_the_organisation_id_gets_one_clear_message():
    data = json.loads((ROOT / "examples" / "minimal.json").read_text(encoding="utf-8"))
    data["projects"][0]["id"] = data["publisher"]["id"]
    report = validate(data)
    about_id = [i for i in report.issues if i.path == "/projects/0/id"]
    assert [i.code for i in about_id] == ["invalid-project-id"]
    assert "followed by a hyphen and the project's own reference" in about_id[0].message
