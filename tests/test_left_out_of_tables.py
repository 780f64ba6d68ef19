"""Converting to tables (CSV, a workbook, a data package) never loses a field silently: what
the tables have no column for is counted where it sits, convert says so (exit status 1),
upgrade refuses unless told to leave it out, and the counts are exactly what a round trip
through the tables loses. The fields are counted, never named: a name could be personal."""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner

from coprod_standard.cli import cli as main
from coprod_standard.convert import TABLES, convert
from coprod_standard.readers import read
from coprod_standard.tabular.left_out import left_out
from tests.conftest import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
PERSONAL = "Jane Smith 07700 900123"


def _with_extras(data: dict) -> dict:
    data = copy.deepcopy(data)
    data["myNote"] = "kept in the JSON"
    data["$schema"] = "https://example.org/not-carried-on-purpose"
    project = data["projects"][0]
    project[PERSONAL] = "a key that is someone's details"
    project["localCodes"] = {"a": 1, "b": [2]}
    project["leadOrganisation"]["extra"] = "x"
    return data


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_examples_lose_nothing_in_tables(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert left_out(data, data["version"]) == {}


def test_what_is_left_out_is_counted_where_it_sits():
    data = _with_extras(json.loads((ROOT / "examples" / "minimal.json").read_text()))
    assert left_out(data, data["version"]) == {"": 1, "/projects/0": 2,
                                               "/projects/0/leadOrganisation": 1}


def test_a_value_of_the_wrong_shape_where_a_table_or_object_is_expected_is_counted():
    data = json.loads((ROOT / "examples" / "minimal.json").read_text())
    data["projects"][0]["leadOrganisation"] = "Example Community Voices"
    data["projects"][0]["participantGroups"] = "ten people"
    assert left_out(data, data["version"]) == {"/projects/0": 2}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods", "datapackage"])
def test_convert_says_what_it_leaves_out_and_the_round_trip_loses_exactly_that(tmp_path, fmt):
    data = _with_extras(json.loads((ROOT / "examples" / "minimal.json").read_text()))
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / {"csv": "tables", "xlsx": "out.xlsx", "ods": "out.ods",
                         "datapackage": "pkg/datapackage.json"}[fmt]
    result = convert(source, target)
    left = [i for i in result.issues if i.code == "left-out-of-tables"]
    assert {i.path for i in left} == {"", "/projects/0", "/projects/0/leadOrganisation"}
    assert all(i.severity.value == "error" for i in left) and result.errors
    assert not any(PERSONAL in i.message or "myNote" in i.message for i in result.issues)
    back = read(target.parent if fmt == "datapackage" else target).data
    lost = copy.deepcopy(data)
    del lost["myNote"], lost["$schema"]
    project = lost["projects"][0]
    del project[PERSONAL], project["localCodes"], project["leadOrganisation"]["extra"]
    assert back == lost  # everything else came back
    assert source.read_text(encoding="utf-8") == json.dumps(data)  # the input untouched


def test_json_output_leaves_nothing_out(tmp_path):
    data = _with_extras(json.loads((ROOT / "examples" / "minimal.json").read_text()))
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    result = convert(source, tmp_path / "out.json")
    assert not any(i.code == "left-out-of-tables" for i in result.issues)
    assert "json" not in TABLES and "jsonld" not in TABLES


def test_the_cli_reports_it_with_exit_status_1(tmp_path):
    data = _with_extras(json.loads((ROOT / "examples" / "minimal.json").read_text()))
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    done = CliRunner().invoke(main, ["convert", str(source), str(tmp_path / "t")])
    assert done.exit_code == 1
    assert "The dataset's own details hold 1 field that the standard does not have" in \
        done.output
    assert "/projects/0: The object at /projects/0 holds 2 fields" in done.output
    assert PERSONAL not in done.output and "error: : " not in done.output


def test_upgrade_to_tables_refuses_to_lose_fields_unless_allowed(tmp_path):
    data = _with_extras(json.loads((ROOT / "examples" / "minimal.json").read_text()))
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "up"
    refused = CliRunner().invoke(main, ["upgrade", str(source), str(out), "--to", "1.2"])
    assert refused.exit_code == 1 and "NOT UPGRADED" in refused.output
    assert not out.exists() and PERSONAL not in refused.output
    allowed = CliRunner().invoke(main, ["upgrade", str(source), str(out), "--to", "1.2",
                                        "--allow-loss"])
    assert allowed.exit_code == 0 and allowed.output.count("left out: ") == 3
    assert (out / "projects.csv").is_file()
    as_json = CliRunner().invoke(main, ["upgrade", str(source), str(tmp_path / "up.json"),
                                        "--to", "1.2"])
    assert as_json.exit_code == 0 and "left out" not in as_json.output
