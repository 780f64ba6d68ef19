""""$schema" at the top of a data file, as editors add it: allowed in every version when it
names that version's schema, a clear message otherwise, the same verdict from the 1.2
schema as from coprod, read whole or streamed, and rewritten by an upgrade."""

from __future__ import annotations

import copy
import json

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from coprod_standard import Limits, validate
from coprod_standard.schema_uri import named_version
from coprod_standard.schemas import ROOT_SCHEMA, latest_version, load_schemas, version_names
from coprod_standard.tabular.rules import tables
from coprod_standard.upgrade import upgrade
from tests.conftest import ROOT

BASE = "https://coprod-standard.org/schema/"
VERSIONS = version_names()
EXAMPLES = {"1.0": "examples/peer-support-network.json", "1.1": "examples/time-bank.json",
            "1.2": "examples/befriending-scheme.json"}


def example(version: str) -> dict:
    return json.loads((ROOT / EXAMPLES[version]).read_text(encoding="utf-8"))


EXAMPLE_1_2 = example("1.2")


def with_schema(data: dict, value) -> dict:
    return {"$schema": value, **copy.deepcopy(data)}


def codes(report) -> list[tuple[str, str]]:
    return sorted((i.code, i.path) for i in report.issues)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("file", ["dataset.schema.json", "dataset.bundle.json"])
def test_a_schema_address_naming_the_files_version_changes_nothing(version, file):
    data = example(version)
    named = validate(with_schema(data, f"{BASE}{version}/{file}"))
    assert named.version == version
    assert codes(named) == codes(validate(data))


@pytest.mark.parametrize("version", VERSIONS)
def test_a_schema_address_naming_another_version_is_one_clear_error(version):
    other = next(v for v in VERSIONS if v != version)
    report = validate(with_schema(example(version), f"{BASE}{other}/dataset.schema.json"),
                      level="schema")
    assert not report.valid
    (issue,) = report.issues
    assert (issue.code, issue.path) == ("schema-address-other-version", "/$schema")
    assert f"names version {other}" in issue.message
    assert f"follows version {version}" in issue.message
    assert f"{BASE}{version}/dataset.schema.json" in issue.fix


@pytest.mark.parametrize("value", [
    "https://json-schema.org/draft/2020-12/schema", f"{BASE}9.9/dataset.schema.json",
    f"{BASE}1.2/project.schema.json", "./schemas/1.2/dataset.schema.json",
    f"{BASE}1.2/dataset.schema.json\n", "http://coprod-standard.org/schema/1.2/"
    "dataset.schema.json", 12, None, ["a"]])
@pytest.mark.parametrize("version", VERSIONS)
def test_anything_else_is_not_a_schema_address(version, value):
    report = validate(with_schema(example(version), value), level="schema")
    assert [(i.code, i.path) for i in report.issues] == [
        ("schema-address-unknown", "/$schema")]
    shown = report.issues[0].message
    assert "is not the address of a version" in shown
    assert f"{BASE}{version}/dataset.schema.json" in report.issues[0].fix


def test_the_1_2_schema_and_coprod_give_the_same_verdict_on_every_address():
    schemas = load_schemas("1.2")
    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s, default_specification=DRAFT202012))
        for s in schemas.values())
    schema = Draft202012Validator(schemas[ROOT_SCHEMA], registry=registry)
    values = [f"{BASE}{v}/{f}" for v in [*VERSIONS, "2.0"]
              for f in ("dataset.schema.json", "dataset.bundle.json", "common.schema.json")]
    values += [f"{BASE}1.2/dataset.schema.json\n", f"{BASE}1.2/dataset.schema.json#",
               "https://coprod-standard.org/schema/1.2/", 1.2, "", "x"]
    for value in values:
        data = with_schema(EXAMPLE_1_2, value)
        assert schema.is_valid(data) is validate(data, level="schema").valid, value
    assert [v for v in values if named_version(v) == "1.2"] == [
        f"{BASE}1.2/dataset.schema.json", f"{BASE}1.2/dataset.bundle.json"]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("streamed", [False, True])
def test_without_a_version_the_version_its_address_names_is_used(tmp_path, version, streamed):
    data = with_schema(example(version), f"{BASE}{version}/dataset.schema.json")
    del data["version"]
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    report = validate(path, level="schema", limits=Limits(stream_from=1) if streamed else None)
    assert report.version == version
    assert [i.code for i in report.issues] == ["missing-version"]
    assert f"checked against version {version}." in report.issues[0].message
    assert f'"version": "{version}"' in report.issues[0].fix


def test_without_a_version_or_an_address_we_know_the_latest_is_used():
    data = with_schema(example(latest_version()), "https://example.org/schema.json")
    del data["version"]
    report = validate(data, level="schema")
    assert report.version == latest_version()
    assert sorted(i.code for i in report.issues) == ["missing-version",
                                                     "schema-address-unknown"]


def test_a_streamed_file_gets_the_same_report(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps(with_schema(EXAMPLE_1_2, f"{BASE}1.1/dataset.schema.json")))
    whole = validate(path)
    streamed = validate(path, limits=Limits(stream_from=1))
    assert codes(whole) == codes(streamed)
    assert ("schema-address-other-version", "/$schema") in codes(streamed)


def test_the_command_line_says_so_without_a_traceback(tmp_path, coprod):
    path = tmp_path / "data.json"
    path.write_text(json.dumps(with_schema(example("1.1"), f"{BASE}1.2/dataset.schema.json")))
    result = coprod("validate", "--level", "schema", path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "[schema-address-other-version]" in result.stdout


def test_upgrading_rewrites_the_address_and_lists_the_change():
    data = with_schema(example("1.1"),
                       f"{BASE}1.1/dataset.schema.json")
    upgraded, changes = upgrade(data, "1.2")
    assert upgraded["$schema"] == f"{BASE}1.2/dataset.schema.json"
    assert any(c.path == "/$schema" and c.kind == "changed" for c in changes)
    assert validate(upgraded, level="schema").valid


def test_the_spreadsheet_template_has_no_column_for_it():
    for version in VERSIONS:
        assert all(not c.path[0].startswith("$") for t in tables(version) for c in t.columns)
