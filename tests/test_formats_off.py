"""Validity that does not depend on a tool setting: in 1.2, a validator that treats
"format" as an annotation only (python-jsonschema without a format checker, jsonschema-rs
without validate_formats) reaches coprod's verdict, because dates, date-times, web
addresses and e-mail addresses also carry patterns. In the frozen 1.0 and 1.1 it does not:
the fixtures that differ are listed here and in docs/developers.md.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema_rs
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from coprod_standard import validate
from coprod_standard.schemas import ROOT_SCHEMA, load_schemas
from tests.conftest import ROOT
from tests.test_ajv_strict import _documents

EXAMPLE_1_2 = json.loads((ROOT / "tests" / "fixtures" / "1.2" / "valid" / "project-context"
                          / "input.json").read_text())
# Fixtures of the frozen versions whose verdict needs format assertion: valid to a
# validator that does not assert formats, invalid to coprod (and to any validator that does).
NEEDS_FORMATS = {"date-february-30", "modified-date-only", "modified-trailing-newline"}


def formats_off(version: str):
    """python-jsonschema, as it comes (its own "pattern", no format checker), offline."""
    schemas = load_schemas(version)
    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s, default_specification=DRAFT202012))
        for s in schemas.values())
    return Draft202012Validator(schemas[ROOT_SCHEMA], registry=registry)


def rs_formats_off(version: str):
    """jsonschema-rs without format checks (its default for 2020-12), offline."""
    schemas = load_schemas(version)
    registry = jsonschema_rs.Registry([(s["$id"], s) for s in schemas.values()])
    return jsonschema_rs.Draft202012Validator(schemas[ROOT_SCHEMA], registry=registry,
                                              validate_formats=False)


def _as_1_2(data):
    relabelled = copy.deepcopy(data)
    relabelled["version"] = "1.2"
    return relabelled


def corpus_1_2():
    """Every readable 1.2 example and fixture, and every 1.0 and 1.1 one relabelled 1.2
    (the version changed, nothing else), so that their bad dates, addresses and e-mails
    are judged by 1.2's rules."""
    for path, version, data in _documents():
        if path.parent.name == "duplicate-key":
            continue  # a key written twice: the parsed data no longer shows it
        if version == "1.2":
            yield path, data
        elif isinstance(data, dict) and data.get("version") in ("1.0", "1.1"):
            yield path, _as_1_2(data)


def test_in_1_2_a_formats_off_validator_agrees_with_coprod_on_every_fixture():
    python, rust = formats_off("1.2"), rs_formats_off("1.2")
    cases = list(corpus_1_2())
    differ = []
    for path, data in cases:
        verdict = validate(data, level="schema").valid
        if python.is_valid(data) is not verdict or rust.is_valid(data) is not verdict:
            differ.append(path.relative_to(ROOT))
    assert len(cases) > 300 and differ == []
    # the cases the frozen versions leave to format assertion are among them, and refused
    names = {path.parent.name: data for path, data in cases}
    for name in NEEDS_FORMATS:
        assert not python.is_valid(names[name]) and not rust.is_valid(names[name])


def test_in_the_frozen_versions_only_the_documented_fixtures_need_format_assertion():
    validators = {v: formats_off(v) for v in ("1.0", "1.1")}
    differ = set()
    for path, version, data in _documents():
        if version in validators and path.parent.name != "duplicate-key":
            report = validate(path, level="schema")
            if report.status != "unreadable" and validators[version].is_valid(data) \
                    is not report.valid:
                differ.add(path.parent.name)
    assert differ == NEEDS_FORMATS
    guide = (ROOT / "docs" / "developers.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in guide for name in NEEDS_FORMATS)


BAD = [
    ("publishedDate", "2025-02-30"), ("publishedDate", "2025-02-29"),
    ("publishedDate", "2100-02-29"), ("publishedDate", "2025-13-01"),
    ("publishedDate", "2025-04-31"), ("publishedDate", "2025-01-32"),
    ("publishedDate", "0000-01-01"), ("publishedDate", "yesterday"),
    ("publishedDate", "31/01/2025"), ("publishedDate", "2025-01-01\n"),
    ("publishedDate", " 2025-01-01"), ("publishedDate", "2025-01-01T00:00:00Z"),
    ("modified", "yesterday"), ("modified", "2025-03-31"), ("modified", "2025-02-30T10:00:00Z"),
    ("modified", "2025-03-31T24:00:00Z"), ("modified", "2025-03-31T14:60:00Z"),
    ("modified", "2025-03-31T14:30:00"), ("modified", "2025-03-31 14:30:00Z"),
    ("modified", "1985-04-12T23:20:50Z\n"), ("modified", "2025-03-31T14:30:00+24:00"),
    ("publisher/url", "https://example.org/my page"), ("publisher/url", "www.example.org"),
    ("publisher/url", "https://"), ("publisher/url", "https://example.org/\n"),
    ("publisher/url", "https://example.org/<b>"),
]
GOOD = [
    ("publishedDate", "2024-02-29"), ("publishedDate", "2000-02-29"),
    ("publishedDate", "2025-12-31"), ("modified", "2025-03-31T14:30:00.25+01:00"),
    ("modified", "2024-02-29t23:59:59z"), ("publisher/url", "http://example.org/a?b=c#d"),
]


@pytest.mark.parametrize("field,value", BAD + GOOD, ids=[repr(v) for _, v in BAD + GOOD])
def test_each_bad_value_is_refused_by_every_engine_with_one_message(field, value):
    data = copy.deepcopy(EXAMPLE_1_2)
    *parents, name = field.split("/")
    target = data
    for parent in parents:
        target = target[parent]
    target[name] = value
    report = validate(data, level="schema")
    expected = (field, value) in GOOD
    assert formats_off("1.2").is_valid(data) is expected
    assert rs_formats_off("1.2").is_valid(data) is expected
    assert report.valid is expected
    if not expected:  # the pattern and the format both fail: one message, not two
        assert [(i.path, i.code) for i in report.issues] == [
            (f"/{field}", {"publishedDate": "invalid-date", "modified": "invalid-date-time",
                           "publisher/url": "invalid-uri"}[field])]


@pytest.mark.parametrize("value,valid", [("team@example.org", True), ("a@b", False),
                                         ("two words@example.org", False),
                                         ("team@example.org\n", False)])
def test_an_e_mail_address_gets_the_same_verdict_without_formats(value, valid):
    data = copy.deepcopy(EXAMPLE_1_2)
    data["contactPoint"] = {"email": value}
    report = validate(data, level="schema")
    assert report.valid is valid
    assert formats_off("1.2").is_valid(data) is valid
    assert rs_formats_off("1.2").is_valid(data) is valid
    assert [i.code for i in report.issues] == ([] if valid else ["invalid-email"])


@pytest.mark.skipif(shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
                    is None, reason="check-jsonschema absent")
@pytest.mark.parametrize("variant", ["default", "python"])
def test_check_jsonschema_with_formats_disabled_refuses_the_same_values(tmp_path, variant):
    """check-jsonschema --disable-formats '*', with both its regex engines (regress, which
    follows ECMA-262, and Python's re), from the local schema folder only."""
    files = {}
    for name, (field, value) in {"good": ("publishedDate", "2024-02-29"),
                                 "day": ("publishedDate", "2025-02-30"),
                                 "newline": ("modified", "2025-03-31T14:30:00Z\n"),
                                 "yesterday": ("modified", "yesterday")}.items():
        data = copy.deepcopy(EXAMPLE_1_2)
        data[field] = value
        files[name] = tmp_path / f"{name}.json"
        files[name].write_text(json.dumps(data))
    folder = ROOT / "schemas" / "1.2"
    tool = Path(sys.executable).parent / "check-jsonschema"
    for name, path in files.items():
        result = subprocess.run(
            [str(tool), "--schemafile", str(folder / ROOT_SCHEMA), "--base-uri",
             folder.as_uri() + "/", "--disable-formats", "*", "--regex-variant", variant,
             str(path)], capture_output=True, text=True, timeout=120)
        assert result.returncode == (0 if name == "good" else 1), (name, result.stdout)
        assert validate(path, level="schema").valid is (name == "good")
