"""Ajv 8 (draft 2020-12), in its default strict mode, compiles every version once the
standard's own keywords are declared from the vocabulary, and agrees with
``coprod validate --level schema`` on every example and fixture.

Ajv and ajv-formats come from npm (tests/browser/package.json); the script that drives them
is tests/node/ajv_check.cjs. Skipped only when Node or those packages are absent.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from jsonschema import Draft202012Validator
from jsonschema_specifications import REGISTRY as SPECIFICATIONS
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from coprod_standard import validate
from coprod_standard.limits import Limits
from coprod_standard.readers import Unreadable
from coprod_standard.readers.json_reader import read_json
from coprod_standard.schemas import latest_version, load_schemas, schemas_dir, version_names
from tests.conftest import EXAMPLES, FIXTURES, ROOT

NODE_MODULES = ROOT / "tests" / "browser" / "node_modules"
SCRIPT = ROOT / "tests" / "node" / "ajv_check.cjs"
VOCABULARY = schemas_dir() / "vocabulary"
VERSIONS = version_names()
INPUTS = sorted({*EXAMPLES, *FIXTURES.glob("*/**/input*.json")})

needs_ajv = pytest.mark.skipif(
    shutil.which("node") is None or not (NODE_MODULES / "ajv").is_dir()
    or not (NODE_MODULES / "ajv-formats").is_dir(), reason="Node, Ajv or ajv-formats absent")

# What Ajv's strict mode still says of the frozen versions: warnings (strictTypes: a
# subschema of an if/then, or the items of a list, without its own "type"), never errors;
# they compile and validate correctly. Fixed in 1.2, which gives none.
FROZEN_WARNINGS = [
    "ethnicity/allOf/1/then/properties/counts", "ethnicity/allOf/1/then/properties/counts/items",
    "ethnicity/allOf/1/else/properties/counts", "ethnicity/allOf/1/else/properties/counts/items",
    "ethnicity/properties/counts/items", "ageBand/properties/counts/items",
    "sex/properties/counts/items", "disability/properties/counts/items",
]


def run_ajv(cases=(), formats=True, declare=True) -> dict:
    """Ajv's verdicts on CASES ([(version, data)]) and what compiling each version said."""
    job = {"schemasDir": str(schemas_dir()), "versions": VERSIONS, "formats": formats,
           "declare": declare, "cases": [{"version": v, "data": d} for v, d in cases]}
    result = subprocess.run(["node", str(SCRIPT), "-"], input=json.dumps(job),
                            capture_output=True, text=True, timeout=300,
                            env={"NODE_PATH": str(NODE_MODULES), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@needs_ajv
def test_without_the_keywords_declared_ajv_strict_mode_refuses_every_version():
    out = run_ajv(declare=False)
    for version in VERSIONS:
        assert not out["versions"][version]["compiled"]
        assert "unknown keyword" in out["versions"][version]["error"]


@needs_ajv
def test_with_the_documented_keywords_every_version_compiles_in_strict_mode():
    out = run_ajv()
    for version in VERSIONS:
        assert out["versions"][version]["compiled"], out["versions"][version]["error"]
    assert out["versions"]["1.2"]["warnings"] == []
    for version in ("1.0", "1.1"):
        warnings = out["versions"][version]["warnings"]
        assert all(w.startswith("strict mode: missing type") and w.endswith("(strictTypes)")
                   for w in warnings)
        places = [w.split("#/properties/demographics/properties/")[1].split('"')[0]
                  for w in warnings]
        assert places == FROZEN_WARNINGS


def _documents():
    """Every example and fixture a JSON reader can read, with the version coprod checks
    it against (the version it declares, or the latest one when it declares none we know:
    Ajv then refuses it by the "version" rule, as coprod does)."""
    for path in INPUTS:
        try:
            data = read_json(path.read_bytes(), str(path), Limits()).data
        except Unreadable:
            continue
        declared = data.get("version") if isinstance(data, dict) else None
        yield path, (declared if declared in VERSIONS else latest_version()), data


# Verdicts Ajv cannot share, because the reason is not in the parsed JSON at all: a key
# written twice (JSON.parse, like most readers, keeps the last one silently).
READER_ONLY = {"duplicate-key"}


@needs_ajv
def test_ajv_with_ajv_formats_agrees_with_coprod_on_every_example_and_fixture():
    documents = list(_documents())
    out = run_ajv([(version, data) for _, version, data in documents])
    disagree = []
    for (path, version, _), ajv in zip(documents, out["cases"], strict=True):
        report = validate(path, level="schema")
        if report.status == "unreadable" or path.parent.name in READER_ONLY:
            continue
        if ajv["valid"] is not report.valid:
            disagree.append((str(path.relative_to(ROOT)), version, report.valid,
                             ajv["errors"], [i.code for i in report.issues]))
    assert len(documents) > 300 and disagree == []


@needs_ajv
def test_ajv_without_formats_agrees_with_coprod_in_1_2():
    """Formats off (no ajv-formats): every 1.2 fixture, and every 1.0 and 1.1 one with its
    version changed to 1.2, gets coprod's verdict, thanks to 1.2's patterns."""
    cases = []
    for path, version, data in _documents():
        if path.parent.name in READER_ONLY or not isinstance(data, dict):
            continue
        if version != "1.2" and data.get("version") in ("1.0", "1.1"):
            data = {**data, "version": "1.2"}
        if data.get("version") == "1.2":
            cases.append((path, data))
    out = run_ajv([("1.2", data) for _, data in cases], formats=False)
    disagree = [str(path.relative_to(ROOT)) for (path, data), ajv in
                zip(cases, out["cases"], strict=True)
                if ajv["valid"] is not validate(data, level="schema").valid]
    assert len(cases) > 300 and disagree == []


def _dialect_validator() -> Draft202012Validator:
    """python-jsonschema with the dialect meta-schema, offline: the official 2020-12
    meta-schemas (shipped with the library) and the vocabulary's two files."""
    ours = [json.loads(p.read_text()) for p in sorted(VOCABULARY.glob("*.schema.json"))]
    registry = SPECIFICATIONS.combine(Registry().with_resources(
        (s["$id"], Resource.from_contents(s, default_specification=DRAFT202012)) for s in ours))
    dialect = next(s for s in ours if s["$id"].endswith("/dialect.schema.json"))
    return Draft202012Validator(dialect, registry=registry)


def test_the_dialect_meta_schema_accepts_every_schema_of_every_version():
    validator = _dialect_validator()
    for version in VERSIONS:
        for name, schema in load_schemas(version).items():
            errors = [e.message for e in validator.iter_errors(schema)]
            assert errors == [], (version, name, errors[:3])


@pytest.mark.parametrize("bad", [
    {"type": "string", "codelist": "stage"},  # not a CSV file name
    {"type": "string", "codelist": "stage.csv", "openCodelist": "no"},
    {"type": "string", "openCodelist": False},  # open or closed, but which list?
    {"properties": {"date": {"type": "string", "deprecated": True, "replacedBy": ""}}},
])
def test_the_dialect_meta_schema_refuses_a_keyword_used_wrongly(bad):
    assert not _dialect_validator().is_valid(bad)


def test_the_vocabulary_names_every_keyword_the_schemas_use_beyond_json_schema():
    standard = set()
    for uri in SPECIFICATIONS:
        if "2020-12/meta/" in uri:
            standard |= set(SPECIFICATIONS.contents(uri).get("properties", {}))
    standard |= {"$schema", "$id"}
    keywords = json.loads((VOCABULARY / "keywords.schema.json").read_text())["properties"]
    used = set()

    def walk(node):
        if isinstance(node, dict):
            used.update(key for key in node if key not in standard)
            for key, value in node.items():
                if key not in {"enum", "const", "examples", "default", "required"}:
                    walk(value if key not in {"properties", "$defs", "patternProperties",
                                              "dependentSchemas"} else list(value.values()))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for version in VERSIONS:
        walk(list(load_schemas(version).values()))
    assert used == set(keywords) == {"codelist", "openCodelist", "replacedBy"}


@needs_ajv
def test_the_developers_guide_ajv_example_runs_and_says_valid():
    guide = (ROOT / "docs" / "developers.md").read_text(encoding="utf-8")
    section = guide.split("## Custom keywords", 1)[1].split("\n## ", 1)[0]
    (script,) = re.findall(r"```js\n(.*?)```", section, flags=re.S)
    result = subprocess.run(["node", "-e", script], cwd=ROOT, capture_output=True, text=True,
                            timeout=120,
                            env={"NODE_PATH": str(NODE_MODULES), "PATH": "/usr/bin:/bin"})
    assert (result.returncode, result.stdout.strip()) == (0, "valid"), result.stderr
