"""The official JSON-Schema-Test-Suite (draft 2020-12, the required tests) through our own
validation path: the reference engine and the fast engine built exactly as the validator
builds them (schema_engine.reference_validator and fast_validator: local schemas only, the
standard's strict formats). The suite's remote schemas are given as local resources, as
its README asks; nothing is fetched.

Known gaps are strict expected failures (``known_gap``), so that a fix is noticed: formats
are asserted (the standard requires it), and the reference engine ignores a custom
metaschema. The suite comes
from tests/security/get_test_suite.py, which tests/run.sh runs before the tests.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from coprod_standard.formats import ASSERTED
from coprod_standard.schema_engine import fast_validator, reference_validator

SUITE = Path(__file__).resolve().parent / ".suite"
TESTS = SUITE / "tests" / "draft2020-12"
REMOTES = SUITE / "remotes"

FORMATS_ASSERTED = ("the standard asserts its formats (date, date-time, uri, email, uuid: a "
                    "wrong date is an error), while the required tests expect format to "
                    "annotate only; every other format is an annotation, as they expect")
DIALECT_IGNORED = ("the reference engine reads every schema as draft 2020-12 with its "
                   "validation vocabulary, whatever $schema says, so that the standard's own "
                   "pattern rule stays in force; a custom metaschema that turns validation "
                   "off is not honoured")
ASSERTED_GROUPS = {f"{name} format" for name in ASSERTED}


def known_gap(engine: str, file: str, group: str, test: str) -> str | None:
    """Why a case is expected to fail, or None."""
    if file == "format.json" and test.endswith("is only an annotation by default") and (
            group in ASSERTED_GROUPS):
        return FORMATS_ASSERTED
    if (engine, file, test) == ("reference", "vocabulary.json",
                                "no validation: invalid number, but it still validates"):
        return DIALECT_IGNORED
    return None


def _cases() -> list[tuple[str, str, str, dict, object, bool]]:
    if not TESTS.is_dir():
        return []
    cases = []
    for path in sorted(TESTS.glob("*.json")):
        for group in json.loads(path.read_text(encoding="utf-8")):
            for test in group["tests"]:
                cases.append((path.name, group["description"], test["description"],
                              group["schema"], test["data"], test["valid"]))
    return cases


@cache
def _remotes() -> list[dict]:
    """Every remote schema the 2020-12 tests use, under the address the suite gives it (and
    its own $id)."""
    out = []
    for path in sorted(REMOTES.rglob("*.json")):
        top = path.relative_to(REMOTES).parts[0]
        if top.startswith("draft") and top != "draft2020-12":
            continue  # for the other drafts' tests
        contents = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(contents, dict):
            continue
        url = "http://localhost:1234/" + path.relative_to(REMOTES).as_posix()
        out.append({**contents, "$id": url})
        if isinstance(contents.get("$id"), str) and contents["$id"] != url:
            out.append(contents)
    return out


CASES = _cases()


def _params(engine: str):
    for file, group, test, schema, data, valid in CASES:
        why = known_gap(engine, file, group, test)
        marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
        yield pytest.param(engine, schema, data, valid, marks=marks,
                           id=f"{file}: {group} / {test}")


def test_the_suite_is_there():
    assert len(CASES) > 1000, (
        f"the JSON-Schema-Test-Suite is missing from {SUITE}: run "
        "'python tests/security/get_test_suite.py' (tests/run.sh does)")


def _verdict(engine: str, schema, data) -> bool:
    if isinstance(schema, bool):  # a boolean schema, wrapped to give it an $id
        schema = {"allOf": [schema]}
    schema = {"$id": "https://json-schema.org/test-suite/case.json", **schema} \
        if "$id" not in schema else schema
    if engine == "reference":
        return reference_validator(schema, _remotes()).is_valid(data)
    return fast_validator(schema, _remotes()).is_valid(data)


@pytest.mark.parametrize(("engine", "schema", "data", "valid"),
                         [*_params("reference"), *_params("fast")])
def test_json_schema_test_suite(engine, schema, data, valid):
    assert _verdict(engine, schema, data) is valid
