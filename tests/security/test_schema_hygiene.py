"""The standard's own files are well formed: schemas, identifiers, references, words, codelists."""

from __future__ import annotations

import csv
import json

import pytest
from jsonschema import Draft202012Validator

from coprod_standard.codelists import load_codelists
from coprod_standard.fields import fields
from coprod_standard.generate.codelist_enums import drift
from coprod_standard.schemas import (
    base_url,
    load_schemas,
    registry,
    released_version_names,
    schema_id,
    schemas_dir,
    version_dir,
    version_names,
)

VERSIONS = version_names()


def _walk(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, path + (index,))


@pytest.mark.parametrize("version", VERSIONS)
def test_every_schema_passes_the_draft_2020_12_metaschema(version):
    for name, schema in load_schemas(version).items():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", name
        Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_id_is_the_one_base_url_plus_version_and_file(version):
    assert base_url().startswith("https://") and base_url().endswith("/")
    for name, schema in load_schemas(version).items():
        assert schema["$id"] == schema_id(version, name)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_ref_resolves_from_local_files(version):
    count = 0
    for name, schema in load_schemas(version).items():
        resolver = registry(version).resolver(base_uri=schema["$id"])
        for path, node in _walk(schema):
            if "$ref" in node:
                resolved = resolver.lookup(node["$ref"])
                assert isinstance(resolved.contents, dict), (name, path)
                count += 1
    assert count > 50


@pytest.mark.parametrize("version", VERSIONS)
def test_every_field_has_a_title_and_a_description(version):
    narrowing = {"if", "then", "else", "allOf"}  # branches only narrow fields defined elsewhere
    missing = []
    for name, schema in load_schemas(version).items():
        for path, node in _walk(schema):
            if path[-1:] != ("properties",) or narrowing & set(map(str, path)):
                continue
            for prop, sub in node.items():
                if not (sub.get("title") and sub.get("description")):
                    missing.append(f"{name}: {'/'.join(map(str, path))}/{prop}")
    assert not missing, missing
    for fld in fields(version).values():
        if fld.path and fld.path[-1] != "*":
            assert fld.title and fld.description, fld.dotted


@pytest.mark.parametrize("version", VERSIONS)
def test_codelist_enums_are_in_step_with_the_csv_files(version):
    assert drift(version) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_every_codelist_is_used_and_every_used_codelist_exists(version):
    used = {name for f in fields(version).values() for name in f.codelists}
    files = set(load_codelists(version))
    assert used == files


@pytest.mark.parametrize("version", VERSIONS)
def test_codelist_files_are_well_formed(version):
    for path in sorted((version_dir(version) / "codelists").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0][:3] == ["code", "title", "description"], path.name
        codes = [row[0] for row in rows[1:]]
        assert len(codes) == len(set(codes)), f"{path.name} repeats a code"
        for row in rows[1:]:
            assert len(row) == len(rows[0]) and all(row[:3]), (path.name, row)


def test_closed_codelist_fields_are_enforced_and_open_ones_are_not():
    for fld in fields("1.0").values():
        if fld.codelists and not fld.is_list:
            assert fld.open_codelist is not None, fld.dotted


@pytest.mark.parametrize("version", VERSIONS)
def test_identifier_patterns_are_distinct(version):
    defs = load_schemas(version)["common.schema.json"]["$defs"]
    patterns = [d["pattern"] for d in defs.values() if "pattern" in d]
    assert len(patterns) == len(set(patterns))


def test_every_listed_version_has_a_folder_and_nothing_else_does():
    folders = {p.name for p in schemas_dir().iterdir() if p.is_dir()}
    assert folders == set(VERSIONS) | {"instruments", "extensions", "vocabulary"}
    meta = json.loads((schemas_dir() / "standard.json").read_text())
    assert [v["status"] for v in meta["versions"]].count("current") == 1


def test_the_bundled_schema_gives_the_same_verdict_on_every_example_and_fixture():
    import json as json_module

    from coprod_standard import validate
    from coprod_standard.bundle import bundled_schema
    from coprod_standard.formats import format_checker
    from tests.conftest import EXAMPLES, FIXTURES

    checkers = {}
    for version in VERSIONS:
        bundled = bundled_schema(version)
        assert "$ref" not in json_module.dumps(bundled)
        Draft202012Validator.check_schema(bundled)
        checkers[version] = Draft202012Validator(bundled, format_checker=format_checker())
    cases = [c for c in FIXTURES.glob("1.0/*/*/expected.json")
             if json_module.loads(c.read_text()).get("schemaComparable")]
    paths = EXAMPLES + [next(c.parent.glob("input*")) for c in cases]
    for path in paths:
        from tests.fixtures.make_fixtures import _parse_for_schema

        document = _parse_for_schema(path.read_bytes())
        report = validate(path, level="schema")
        checker = checkers[report.version if report.version in checkers else "1.0"]
        assert (not list(checker.iter_errors(document))) is report.valid, path


def test_each_version_has_a_changelog_that_names_every_change():
    from coprod_standard.governance import missing_from_changelog

    for version in VERSIONS:
        assert (version_dir(version) / "CHANGELOG.md").is_file(), version
    for old, new in zip(VERSIONS, VERSIONS[1:], strict=False):
        changelog = (version_dir(new) / "CHANGELOG.md").read_text(encoding="utf-8")
        assert missing_from_changelog(version_dir(old), version_dir(new), changelog) == []


def test_a_schema_change_left_out_of_the_changelog_is_caught(tmp_path):
    import shutil

    from coprod_standard.governance import missing_from_changelog

    old, new = version_dir(VERSIONS[-2]), tmp_path / "next"
    shutil.copytree(version_dir(VERSIONS[-1]), new)
    project = json.loads((new / "project.schema.json").read_text())
    project["properties"]["budgetGBP"] = {"title": "Budget", "description": "The budget.",
                                          "type": "number"}
    (new / "project.schema.json").write_text(json.dumps(project))
    with (new / "codelists" / "stage.csv").open("a") as handle:
        handle.write("review,Review,Looking back.\n")
    changelog = (new / "CHANGELOG.md").read_text()
    assert missing_from_changelog(old, new, changelog) == ["projects[].budgetGBP",
                                                           "stage.csv: review"]
    assert missing_from_changelog(old, new, changelog + "\n`projects[].budgetGBP` and "
                                  "`stage.csv: review`") == []


def test_released_versions_keep_their_schema_ids_and_are_frozen():
    for version in VERSIONS:
        for schema in load_schemas(version).values():
            assert f"/{version}/" in schema["$id"]


def test_released_versions_match_their_frozen_checksums():
    """A released version is never edited: its files must match the checksums recorded
    when it was released (schemas/<version>/SHA256SUMS)."""
    import hashlib

    for version in released_version_names():
        folder = version_dir(version)
        recorded = {}
        for line in (folder / "SHA256SUMS").read_text().splitlines():
            digest, name = line.split(maxsplit=1)
            recorded[name.removeprefix("./")] = digest
        actual = {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                  for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS"}
        assert actual == recorded, f"schemas/{version} has changed since its release"
