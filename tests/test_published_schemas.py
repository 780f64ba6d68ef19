"""The schemas published where their $ids say, and the one-file bundle, in other people's tools.

The docs site carries every version's schema files at the paths of their `$id`s, its
codelists beside them and one compound document per version (generated, byte for byte).
check-jsonschema validates using only the built site, served over HTTPS from 127.0.0.1 with
coprod-standard.org mapped to it through a proxy (no other host answers, and the test
process and its children cannot reach any: tests/nonet). Python jsonschema, jsonschema-rs
and Ajv give coprod's verdict with the bundle alone, and the examples in docs/developers.md
run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jsonschema_rs
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from coprod_standard.bundle import COMPOUND_FILE
from coprod_standard.generate import published
from coprod_standard.schemas import ROOT_SCHEMA, base_url, load_schemas, version_dir, version_names
from coprod_standard.validate import validate
from tests.conftest import EXAMPLES, FIXTURES, ROOT
from tests.mapped_host import MappedHost

DOCS = ROOT / "docs"
HOST = urlsplit(base_url()).netloc
VERSIONS = version_names()
BIN = str(Path(sys.executable).parent)
NODE_MODULES = ROOT / "tests" / "browser" / "node_modules"
CASES = [c for c in sorted(FIXTURES.glob("**/expected.json"))
         if json.loads(c.read_text(encoding="utf-8")).get("schemaComparable")]
needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


def _bundle(version: str) -> dict:
    return json.loads((DOCS / published.FOLDER / version / COMPOUND_FILE).read_text("utf-8"))


def _example(version: str) -> Path:
    return next(p for p in EXAMPLES if json.loads(p.read_text("utf-8"))["version"] == version)


def _broken(version: str, folder: Path) -> Path:
    data = json.loads(_example(version).read_text("utf-8"))
    data["projects"][0]["status"] = "done"
    path = folder / f"broken-{version}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# The files, where their $ids say ---------------------------------------------------------

def test_the_published_files_are_generated_and_up_to_date():
    assert published.drift(DOCS) == [], "run python -m coprod_standard.generate"


@pytest.mark.parametrize("version", VERSIONS)
def test_every_schema_file_and_codelist_is_published_at_its_id_byte_for_byte(version):
    folder = version_dir(version)
    for name, schema in load_schemas(version).items():
        assert schema["$id"] == f"{base_url()}{version}/{name}"
        target = DOCS / urlsplit(schema["$id"]).path.lstrip("/")
        assert target.read_bytes() == (folder / name).read_bytes(), name
    for csv in (folder / "codelists").glob("*.csv"):
        assert (DOCS / "schema" / version / "codelists" / csv.name).read_bytes() == \
            csv.read_bytes()


def test_the_instrument_schemas_are_published_too():
    files = published.files()
    for path in (ROOT / "schemas" / "instruments").glob("*.schema.json"):
        schema_id = json.loads(path.read_text("utf-8"))["$id"]
        assert files[urlsplit(schema_id).path.lstrip("/")] == path.read_bytes()


def test_the_generator_writes_what_is_missing_and_removes_what_is_left_over(tmp_path):
    assert len(published.write(tmp_path)) == len(published.files())
    stray = tmp_path / "schema" / "1.0" / "renamed.schema.json"
    stray.write_text("{}", encoding="utf-8")
    (tmp_path / "schema" / "1.1" / COMPOUND_FILE).write_text("{}", encoding="utf-8")
    assert published.drift(tmp_path) == ["docs/schema/1.1/dataset.bundle.json is out of date",
                                         "docs/schema/1.0/renamed.schema.json is left over"]
    assert len(published.write(tmp_path)) == 2 and not stray.exists()
    assert published.drift(tmp_path) == [] and published.write(tmp_path) == []


def test_only_the_standards_own_host_is_published():
    assert published._published_path(f"{base_url()}1.2/x.schema.json") == "schema/1.2/x.schema.json"
    for other in ("https://example.org/schema/1.2/x.json", "http://coprod-standard.org/schema/x",
                  "https://coprod-standard.org/elsewhere/x.json", f"{base_url()}x.json#/a"):
        assert published._published_path(other) is None


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                            str(folder)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    return folder


def test_the_built_site_serves_every_published_file_unchanged(site):
    files = published.files()
    assert len(files) > 100
    for relative, content in files.items():
        assert (site / relative).read_bytes() == content, relative


# The compound bundle ---------------------------------------------------------------------

def _refs(node, base: str):
    """Every $ref with the base URI it resolves against (each embedded $id starts a base)."""
    if isinstance(node, dict):
        base = urljoin(base, node["$id"]) if isinstance(node.get("$id"), str) else base
        if isinstance(node.get("$ref"), str):
            yield base, node["$ref"]
        for key, value in node.items():
            if key not in ("enum", "const", "examples"):
                yield from _refs(value, base)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item, base)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_bundle_embeds_every_file_unchanged_and_needs_no_other(version):
    bundle, schemas = _bundle(version), load_schemas(version)
    embedded = bundle.pop("$defs")
    assert bundle == {k: v for k, v in schemas[ROOT_SCHEMA].items() if k != "$defs"}
    assert set(embedded) == set(schemas) - {ROOT_SCHEMA} | set(
        schemas[ROOT_SCHEMA].get("$defs", {}))
    for name, schema in schemas.items():
        if name != ROOT_SCHEMA:
            assert embedded[name] == schema and embedded[name]["$id"].endswith("/" + name)
    whole = _bundle(version)
    # Only the bundle is registered and nothing can be retrieved: every $ref must resolve.
    resolver = Registry().with_resource(
        whole["$id"], Resource.from_contents(whole, default_specification=DRAFT202012)
    ).crawl().resolver()
    refs = list(_refs(whole, whole["$id"]))
    assert len(refs) > 50
    for base, ref in refs:
        resolver.lookup(urljoin(base, ref))


# The bundle alone, in Python's two validators: coprod's verdict --------------------------

def _refuse(uri):
    raise OSError(f"refusing to fetch {uri}")


def _inputs():
    from tests.fixtures.make_fixtures import _parse_for_schema

    for path in EXAMPLES:
        yield path.name, path, json.loads(path.read_text("utf-8")), set()
    for case in CASES:
        expected = json.loads(case.read_text("utf-8"))
        [path] = [p for p in case.parent.glob("input*")]
        yield ("/".join(case.parent.parts[-3:]), path, _parse_for_schema(path.read_bytes()),
               {i["code"] for i in expected["issues"]})


INPUTS = list(_inputs())
# jsonschema's date-time check accepts a line break at the end, even with its format extra.
JSONSCHEMA_ACCEPTS = {"1.0/invalid/modified-trailing-newline"}


@pytest.fixture(scope="module")
def validators():
    out = {}
    for version in VERSIONS:
        schema = _bundle(version)
        out[version] = (
            Draft202012Validator(schema, registry=Registry(),
                                 format_checker=Draft202012Validator.FORMAT_CHECKER),
            jsonschema_rs.Draft202012Validator(schema, validate_formats=True,
                                               retriever=_refuse))
    return out


@pytest.mark.parametrize("name,path,data,codes", INPUTS, ids=[i[0] for i in INPUTS])
def test_python_validators_with_the_bundle_alone_give_coprods_verdict(validators, name, path,
                                                                      data, codes):
    declared = data.get("version") if isinstance(data, dict) else None
    python, rust = validators[declared if declared in VERSIONS else "1.0"]
    ours = validate(path, level="schema").valid
    assert rust.is_valid(data) is ours
    if name in JSONSCHEMA_ACCEPTS:  # a known gap, documented in docs/developers.md
        assert python.is_valid(data) and not ours
        return
    missing = {"date-time", "uri"} - set(Draft202012Validator.FORMAT_CHECKER.checkers)
    if {f"invalid-{f}" for f in missing} & codes:
        pytest.skip(f"jsonschema is installed without its format extra: no {sorted(missing)}")
    assert python.is_valid(data) is ours


AJV_VERDICTS = """
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");
const compiled = {};
const verdicts = JSON.parse(fs.readFileSync(0, "utf8")).map(([bundle, file]) => {
  if (!compiled[bundle]) {
    const ajv = new Ajv2020({allErrors: true, logger: false});  // strict mode, no warnings shown
    ajv.addVocabulary(["codelist", "openCodelist", "replacedBy"]);
    addFormats(ajv);
    compiled[bundle] = ajv.compile(JSON.parse(fs.readFileSync(bundle, "utf8")));
  }
  return compiled[bundle](JSON.parse(fs.readFileSync(file, "utf8")));
});
console.log(JSON.stringify(verdicts));
"""


def test_ajv_with_each_bundle_alone_gives_coprods_verdict(tmp_path):
    if not (shutil.which("node") and (NODE_MODULES / "ajv").is_dir()):
        pytest.skip("needs Node and tests/browser/node_modules")
    jobs, ours = [], []
    for n, (name, path, data, _codes) in enumerate(INPUTS):
        declared = data.get("version") if isinstance(data, dict) else None
        version = declared if declared in VERSIONS else "1.0"
        (tmp_path / f"{n}.json").write_text(json.dumps(data), encoding="utf-8")
        jobs.append([str(DOCS / "schema" / version / COMPOUND_FILE), str(tmp_path / f"{n}.json")])
        ours.append((name, validate(path, level="schema").valid))
    result = subprocess.run(["node", "-e", AJV_VERDICTS], input=json.dumps(jobs), text=True,
                            capture_output=True, timeout=300,
                            env={**os.environ, "NODE_PATH": str(NODE_MODULES)})
    assert result.returncode == 0, result.stderr
    verdicts = json.loads(result.stdout)
    assert len(verdicts) == len(ours)
    assert [(name, v) for (name, _), v in zip(ours, verdicts, strict=True)] == ours


# check-jsonschema, with the site's host mapped to the built site -------------------------

def _check_jsonschema(*args, env=None, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--no-cache", *map(str, args)],
                          capture_output=True, text=True, timeout=300, env=env, cwd=cwd)


@pytest.fixture(scope="module")
def mapped(site, tmp_path_factory):
    with MappedHost(HOST, site, tmp_path_factory.mktemp("tls")) as host:
        yield host


def _env(mapped, folder: Path) -> dict[str, str]:
    env = mapped.environment(dict(os.environ))
    env["XDG_CACHE_HOME"] = str(folder / "cache")  # no schema kept from an earlier run
    return env


@needs_openssl
@pytest.mark.parametrize("version", VERSIONS)
def test_check_jsonschema_validates_with_only_the_published_files(mapped, version, tmp_path):
    url = f"{base_url()}{version}/{ROOT_SCHEMA}"
    mapped.hosts.clear()
    mapped.paths.clear()
    good = _check_jsonschema("--schemafile", url, _example(version), env=_env(mapped, tmp_path))
    assert good.returncode == 0, good.stdout + good.stderr
    assert "ok -- validation done" in good.stdout
    assert set(mapped.hosts) == {HOST}
    fetched = {p.lstrip("/") for p in mapped.paths}
    assert {f"schema/{version}/{name}" for name in (ROOT_SCHEMA, "project.schema.json",
                                                    "common.schema.json")} <= fetched
    assert fetched <= set(published.files())
    bad = _check_jsonschema("--schemafile", url, _broken(version, tmp_path),
                            env=_env(mapped, tmp_path))
    assert bad.returncode == 1 and "projects[0].status" in bad.stdout, bad.stdout
    assert set(mapped.hosts) == {HOST}


@needs_openssl
def test_check_jsonschema_needs_only_the_bundle_from_the_site(mapped, tmp_path):
    mapped.paths.clear()
    url = f"{base_url()}1.2/{COMPOUND_FILE}"
    result = _check_jsonschema("--schemafile", url, _example("1.2"), env=_env(mapped, tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert mapped.paths == [f"/schema/1.2/{COMPOUND_FILE}"]


def test_without_the_mapping_check_jsonschema_reaches_no_host(tmp_path):
    """The control: the same command with no proxy cannot reach coprod-standard.org."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    result = _check_jsonschema("--schemafile", f"{base_url()}1.1/{ROOT_SCHEMA}",
                               _example("1.1"), env=env)
    assert result.returncode != 0
    assert "the tests allow no network" in result.stdout + result.stderr


# The examples in docs/developers.md ------------------------------------------------------

def _section() -> str:
    text = (DOCS / "developers.md").read_text(encoding="utf-8")
    start = text.index("## Using the schemas in other tools")
    end = text.index("\n## ", start + 3)
    return text[start:end]


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", _section(), flags=re.S)


def _docs_version() -> str:
    [curl] = [line for block in _blocks("bash") for line in block.splitlines()
              if line.startswith("curl")]
    return re.search(r"/schema/([^/]+)/" + re.escape(COMPOUND_FILE), curl).group(1)


def test_every_address_on_the_developers_page_is_published():
    text = (DOCS / "developers.md").read_text(encoding="utf-8")
    files = published.files()
    named = set(re.findall(re.escape(base_url()) + r"[\w./-]+", text))
    assert len(named) >= 5
    dialect = json.loads((ROOT / "schemas" / "vocabulary" / "dialect.schema.json").read_text())
    named -= set(dialect["$vocabulary"])  # a vocabulary's URI names it; nothing to fetch
    for url in named:
        assert urlsplit(url).path.lstrip("/") in files, url


def _workdir(tmp_path: Path, broken: bool) -> Path:
    version = _docs_version()
    shutil.copy(DOCS / "schema" / version / COMPOUND_FILE, tmp_path / COMPOUND_FILE)
    shutil.copytree(ROOT / "schemas" / version, tmp_path / "schemas" / version)
    source = _broken(version, tmp_path) if broken else _example(version)
    shutil.copy(source, tmp_path / "my-dataset.json")
    return tmp_path


def _runs():
    for block in _blocks("bash"):
        for line in block.splitlines():
            if line.startswith("check-jsonschema"):
                yield "check-jsonschema", line
    for block in _blocks("python"):
        yield "python", block
    for block in _blocks("js"):
        yield "node", block


RUNS = list(_runs())


def test_the_section_shows_every_tool():
    kinds = [kind for kind, _ in RUNS]
    assert kinds.count("check-jsonschema") == 3 and kinds.count("python") == 2
    assert kinds.count("node") == 1


def _run(kind: str, code: str, folder: Path, env: dict[str, str]):
    if kind == "check-jsonschema":
        command = ["bash", "-c", code.replace("check-jsonschema", "check-jsonschema --no-cache", 1)]
    elif kind == "python":
        (folder / "example.py").write_text(code, encoding="utf-8")
        command = [sys.executable, "example.py"]
    else:
        (folder / "example.js").write_text(code, encoding="utf-8")
        command = ["node", "example.js"]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                          timeout=300)


@needs_openssl
@pytest.mark.parametrize("broken", [False, True], ids=["valid", "broken"])
@pytest.mark.parametrize("kind,code", RUNS, ids=[f"{k}-{n}" for n, (k, _) in enumerate(RUNS)])
def test_the_developers_page_examples_run_offline(mapped, tmp_path, kind, code, broken):
    if kind == "node" and not (shutil.which("node") and (NODE_MODULES / "ajv").is_dir()):
        pytest.skip("needs Node and tests/browser/node_modules")
    folder = _workdir(tmp_path, broken)
    env = {**os.environ, "PATH": BIN + os.pathsep + os.environ["PATH"],
           "NODE_PATH": str(NODE_MODULES), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    if base_url() in code:  # the online form: the site's host, mapped to the built site
        env = {**mapped.environment(env), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    mapped.hosts.clear()
    result = _run(kind, code, folder, env)
    assert "Traceback" not in result.stderr, result.stderr
    assert set(mapped.hosts) <= {HOST}
    shown = "ok -- validation done" if kind == "check-jsonschema" else "valid"
    if broken:
        assert result.returncode == (1 if kind == "check-jsonschema" else 0)
        assert shown not in result.stdout.splitlines()
        assert re.search(r"projects(/0/|\[0\]\.)status", result.stdout), result.stdout
    else:
        assert result.returncode == 0, result.stdout + result.stderr
        assert shown in result.stdout.splitlines()[-1]
