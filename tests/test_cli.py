"""The coprod command, run as a real process: exit statuses, both formats, no tracebacks."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.conftest import EXAMPLES, ROOT


@pytest.fixture
def broken(tmp_path):
    data = json.loads((ROOT / "examples" / "minimal.json").read_text())
    data["projects"][0]["status"] = "finished"
    del data["publishedDate"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    return path


def test_valid_examples_exit_0_with_the_verdict_first(coprod):
    result = coprod("validate", *EXAMPLES)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("VALID ")
    if len(EXAMPLES) > 1:
        assert f"{len(EXAMPLES)} of {len(EXAMPLES)} files valid" in result.stdout


def test_invalid_data_exits_1_and_explains(coprod, broken):
    result = coprod("validate", "--level", "schema", broken)
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"NOT VALID {broken}: 2 errors")
    text = " ".join(result.stdout.split())
    assert ("Status ('status') is 'finished', which is not a code in the 'project-status' "
            "list") in text
    assert "Date published ('publishedDate') is missing." in text
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("args", [
    [], ["--format", "xml", "examples/minimal.json"], ["--max-examples", "0", "x.json"],
])
def test_usage_errors_exit_2(coprod, args):
    result = coprod("validate", *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [
    ["codelists", "stages"], ["schema", "show", "--version", "9.9"],
    ["schema", "show", "--component", "nothing"], ["no-such-command"],
])
def test_other_usage_errors_exit_2_with_a_sentence(coprod, args):
    result = coprod(*args)
    assert result.returncode == 2
    assert "Error" in result.stderr and "Traceback" not in result.stderr


def test_unknown_codelist_suggests_the_nearest(coprod):
    result = coprod("codelists", "stages")
    assert "Did you mean 'stage'?" in result.stderr


@pytest.mark.parametrize("content,words", [
    ('{"version": "1.0",\n  "projects": [1, 2,]}', "Line 2, column 21"),
    ("", "The file is empty."),
    ('{"version": "1.0", "projects": [', "The file ends too early"),
])
def test_unreadable_input_exits_3_with_line_and_column(coprod, tmp_path, content, words):
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = coprod("validate", path)
    assert result.returncode == 3
    assert result.stdout.startswith(f"COULD NOT READ {path}")
    assert words in " ".join(result.stdout.split())
    assert "Traceback" not in result.stdout + result.stderr


def test_missing_file_and_folder_exit_3(coprod, tmp_path):
    result = coprod("validate", tmp_path / "nope.json", tmp_path)
    assert result.returncode == 3
    text = " ".join(result.stdout.split())
    assert "could not be found" in text and "is a folder, not a file" in text


def test_unreadable_wins_over_invalid_in_the_exit_status(coprod, tmp_path, broken):
    (tmp_path / "empty.json").write_text("")
    assert coprod("validate", broken, tmp_path / "empty.json").returncode == 3
    assert coprod("validate", broken, EXAMPLES[0]).returncode == 1


def test_json_format_parses_and_carries_code_severity_path_message(coprod, broken):
    result = coprod("validate", "--level", "schema", "--format", "json", broken, EXAMPLES[0])
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["valid"] is False
    bad, good = document["files"]
    assert (bad["status"], good["status"]) == ("invalid", "valid")
    assert bad["errors"] == 2 and good["issues"] == []
    for issue in bad["issues"]:
        assert {"code", "severity", "path", "message", "fix"} <= issue.keys()
    assert {(i["code"], i["path"]) for i in bad["issues"]} == {
        ("invalid-code", "/projects/0/status"), ("missing-required-field", "/publishedDate")}
    assert {s["code"]: s["share"] for s in bad["summary"]} == {
        "invalid-code": 0.5, "missing-required-field": 0.5}


def test_json_format_for_an_unreadable_file(coprod, tmp_path):
    path = tmp_path / "cut.json"
    path.write_text('{"version": "1.0", "publisher": {"id": "GB-')
    document = json.loads(coprod("validate", "--format", "json", path).stdout)
    issue = document["files"][0]["issues"][0]
    assert document["files"][0]["status"] == "unreadable"
    assert issue["code"] == "truncated-json" and issue["location"]["line"] == 1


def test_the_input_file_is_never_modified(coprod, broken):
    before = hashlib.sha256(broken.read_bytes()).hexdigest()
    coprod("validate", broken)
    coprod("validate", "--format", "json", broken)
    assert hashlib.sha256(broken.read_bytes()).hexdigest() == before


def test_schema_versions_and_show(coprod):
    versions = coprod("schema", "versions")
    assert versions.returncode == 0
    assert versions.stdout.splitlines()[:2] == ["1.0\tsupported\treleased 2026-11-23",
                                                "1.1\tcurrent\treleased 2026-11-23"]
    shown = json.loads(coprod("schema", "show").stdout)
    assert shown["$id"].endswith("/1.1/dataset.schema.json")
    project = json.loads(
        coprod("schema", "show", "--version", "1.0", "--component", "project").stdout)
    assert project["title"] == "Project"


def test_codelists_list_and_show(coprod):
    listing = coprod("codelists")
    assert listing.returncode == 0
    assert "participation-level" in listing.stdout
    assert "projects[].participationLevel" in listing.stdout
    ladder = coprod("codelists", "participation-level").stdout.splitlines()
    assert [line.split("\t")[0] for line in ladder] == [
        "coercion", "educating", "informing", "consultation", "engagement", "co-design",
        "co-production"]
    as_json = json.loads(coprod("codelists", "stage", "--format", "json").stdout)
    assert as_json[0]["code"] == "define"


def test_checks_lists_the_catalogue(coprod):
    result = coprod("checks")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) >= 40
    assert any(line.split()[:3] == ["nhs-number", "error", "privacy"] for line in lines)
    assert any(line.split()[:3] == ["unpaid-carers-missing", "warning", "inclusion"]
               for line in lines)
    rows = json.loads(coprod("checks", "--format", "json").stdout)
    for row in rows:
        assert row["code"] and row["severity"] and row["category"] and row["serves"]
        assert row["explanation"] and row["levels"]
    listed = json.loads(coprod("checks", "--all", "--format", "json").stdout)
    everything = [r["code"] for r in listed]
    assert len(everything) == len(set(everything)) > len(rows)
    assert "missing-required-field" in everything and "malformed-json" in everything
    privacy = json.loads(coprod("checks", "--category", "privacy", "--format", "json").stdout)
    assert {r["category"] for r in privacy} == {"privacy"}


def test_version_option(coprod):
    result = coprod("--version")
    assert result.returncode == 0 and result.stdout.startswith("coprod, version ")
