"""Issue 18, hole 2: the national exemption follows the people behind a figure, not the
area code. tests/fixtures/disclosure-holes/hole-2-* is the hole as the outsider found it;
tests/test_checks.py tests the rule on the library."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES, ROOT

HOLE_2 = next((FIXTURES / "disclosure-holes").glob("hole-2-*"))


def test_hole_2_fails_publish_through_the_command_with_exactly_its_code(coprod):
    expected = json.loads((HOLE_2 / "expected.json").read_text(encoding="utf-8"))
    assert json.loads((HOLE_2 / "input.json").read_text())["projects"][0]["areas"] == [
        "E92000001"]
    result = coprod("validate", "--level", "publish", "--format", "json", HOLE_2 / "input.json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [file_report] = json.loads(result.stdout)["files"]
    errors = {(i["code"], i["path"]) for i in file_report["issues"]
              if i["severity"] == "error"}
    assert {code for code, _ in errors} == set(expected["codes"])
    assert errors == {("small-number-not-suppressed", "/projects/0/participantGroups/0/count")}


def test_aggregate_national_says_what_it_is_for(coprod):
    help_text = " ".join(coprod("aggregate", "--help").stdout.split())
    assert "a nation's population (a national survey)" in help_text
    assert "Never for a group of participants" in help_text


def test_aggregate_national_still_works_and_says_what_validate_will_exempt(coprod, tmp_path):
    out = tmp_path / "national.json"
    result = coprod("aggregate", ROOT / "examples" / "responses" / "club-wellbeing-responses.csv",
                    "--by", "role", "--national", "--out", out)
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert "only for figures about a nation's population" in said
    assert "'population' is 'wider-community'" in said
    reports = [r for i in json.loads(out.read_text())["indicators"] for r in i["reports"]]
    assert any(r.get("n", 0) % 5 for r in reports)  # nothing rounded
    assert not any(r.get("suppressed") for r in reports)
