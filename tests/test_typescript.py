"""The TypeScript declarations (docs/types/coprod-<version>.d.ts) compile in strict mode, take
every example of their version as the declared type, and refuse wrong codes, wrong types,
unknown and missing fields. One run of TypeScript's own compiler, tsc, checks it all."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from coprod_standard.schemas import version_names
from tests.conftest import EXAMPLES, FIXTURES, ROOT

TSC = ROOT / "tests" / "browser" / "node_modules" / "typescript" / "bin" / "tsc"
TYPES = ROOT / "docs" / "types"

pytestmark = pytest.mark.skipif(shutil.which("node") is None or not TSC.is_file(),
                                reason="needs Node and typescript in tests/browser/node_modules")


def _examples() -> dict[str, list[tuple[str, str]]]:
    """Per version: (name, JSON text) of every example, valid fixture and passing check."""
    paths = [*EXAMPLES, *sorted((FIXTURES / "earlier-examples").glob("*.json")),
             *sorted(FIXTURES.glob("1.*/valid/*/input.json")),
             *sorted(FIXTURES.glob("1.*/checks/*/pass/input.json"))]
    found: dict[str, list[tuple[str, str]]] = {version: [] for version in version_names()}
    for path in paths:
        try:
            text = path.read_bytes().decode("utf-8-sig")
            data = json.loads(text)
        except ValueError:
            continue   # the fixtures in other encodings
        found[data["version"]].append((path.relative_to(ROOT).as_posix(), text))
    return found


def _minimal(version: str) -> dict:
    return {**json.loads((ROOT / "examples" / "minimal.json").read_text()), "version": version}


def _wrong(version: str) -> dict[str, tuple[dict, str]]:
    """Wrong datasets, each with what tsc must say about it."""
    def changed(change) -> dict:
        data = _minimal(version)
        change(data["projects"][0])
        return data
    return {
        "code": (changed(lambda p: p.update(status="done")),
                 "not assignable to type 'ProjectStatus'"),
        "type": (changed(lambda p: p["participantGroups"][0].update(count="10")),
                 "Type 'string' is not assignable to type 'number'"),
        "unknown": (changed(lambda p: p.update(participantgroups=[])),
                    "Object literal may only specify known properties"),
        "missing": (changed(lambda p: p.pop("title")), "Property 'title' is missing"),
        "version": ({**_minimal(version), "version": "9.9"}, "is not assignable to type"),
    }


def _typed(version: str, name: str, text: str) -> str:
    return (f'import type {{ Dataset }} from "./coprod-{version}";\n\n'
            f"// {name}\nexport const dataset: Dataset = {text.strip()};\n")


def _docs_example() -> str:
    text = (ROOT / "docs" / "developers.md").read_text(encoding="utf-8")
    section = text[text.index("\n## Typed models\n"):]
    return re.search(r"```ts\n(.*?)```", section, flags=re.S).group(1)


def test_the_declarations_take_every_example_and_refuse_wrong_ones(tmp_path):
    files, expected = [], {}
    for version in version_names():
        shutil.copy(TYPES / f"coprod-{version}.d.ts", tmp_path)
        files.append(f"coprod-{version}.d.ts")
        examples = _examples()[version]
        assert examples, version
        for n, (name, text) in enumerate(examples):
            (tmp_path / f"good-{version}-{n}.ts").write_text(_typed(version, name, text))
            files.append(f"good-{version}-{n}.ts")
        for case, (data, message) in _wrong(version).items():
            name = f"wrong-{version}-{case}.ts"
            (tmp_path / name).write_text(_typed(version, case, json.dumps(data, indent=2)))
            files.append(name)
            expected[name] = message
    (tmp_path / "docs-example.ts").write_text(_docs_example())
    files.append("docs-example.ts")
    (tmp_path / "tsconfig.json").write_text(json.dumps({
        "compilerOptions": {"strict": True, "noEmit": True, "target": "es2022",
                            "module": "preserve", "types": [],
                            "exactOptionalPropertyTypes": True},
        "files": files}))
    result = subprocess.run(["node", str(TSC), "-p", str(tmp_path / "tsconfig.json")],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    errors: dict[str, list[str]] = {}
    for line in result.stdout.splitlines():
        found = re.match(r"(\S+\.ts)\(\d+,\d+\): error (.*)", line)
        if found:
            errors.setdefault(found.group(1), []).append(found.group(2))
    assert {name: msgs for name, msgs in errors.items() if name not in expected} == {}, \
        result.stdout[:3000]
    for name, message in expected.items():
        assert any(message in error for error in errors.get(name, [])), (name, errors.get(name))
    assert result.returncode != 0   # only because of the wrong files
