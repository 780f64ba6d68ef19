"""The schema fixture corpus: each case's expected issue codes and paths, through the library
and the real CLI, and the same valid/invalid verdict as an independent validator. The corpus
is about the JSON Schema, so it runs at level "schema" (the checks beyond the schema have
their own fixtures)."""

from __future__ import annotations

import json

import pytest

from coprod_standard import validate
from tests.conftest import EXAMPLES, FIXTURES
from tests.independent import independent_verdict

CASES = sorted(FIXTURES.glob("*/*/*/expected.json"))
EXIT = {"valid": 0, "invalid": 1, "unreadable": 3}


def _case_id(path):
    return "/".join(path.parent.parts[-2:])


def _input(case):
    [found] = [p for p in case.parent.iterdir() if p.name.startswith("input")]
    return found


def test_the_corpus_is_large_enough():
    invalid = [c for c in CASES if c.parent.parent.name == "invalid"]
    valid = [c for c in CASES if c.parent.parent.name == "valid"]
    assert len(invalid) >= 25 and len(valid) >= 5


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_fixture_gives_exactly_the_expected_issues(case):
    expected = json.loads(case.read_text())
    report = validate(_input(case), level="schema")
    assert report.status == expected["status"]
    assert report.status == case.parent.parent.name or case.parent.parent.name == "invalid"
    got = sorted({(i.code, i.path) for i in report.issues})
    assert got == sorted((i["code"], i["path"]) for i in expected["issues"])
    for issue in report.issues:
        assert issue.message and issue.fix


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_fixture_through_the_cli(case, coprod):
    expected = json.loads(case.read_text())
    result = coprod("validate", "--level", "schema", "--format", "json", _input(case))
    assert result.returncode == EXIT[expected["status"]]
    assert "Traceback" not in result.stderr
    [file_report] = json.loads(result.stdout)["files"]
    assert {i["code"] for i in file_report["issues"]} == {i["code"] for i in expected["issues"]}


def _decoded(path):
    from tests.fixtures.make_fixtures import _parse_for_schema

    return _parse_for_schema(path.read_bytes())


COMPARABLE = [c for c in CASES if json.loads(c.read_text()).get("schemaComparable")]


@pytest.mark.parametrize("path", EXAMPLES + [_input(c) for c in COMPARABLE],
                         ids=lambda p: "/".join(p.parts[-3:]))
def test_an_independent_validator_gives_the_same_verdict(path):
    ours = validate(path, level="schema")
    assert ours.status != "unreadable"
    assert independent_verdict(_decoded(path)) is ours.valid
