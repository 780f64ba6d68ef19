"""The wheel carries the schemas (one copy in git, shipped inside the package)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from coprod_standard.schemas import schemas_dir
from tests.conftest import ROOT, with_network


def test_the_wheel_ships_every_schema_and_codelist(tmp_path):
    # pip fetches the build backend (hatchling): the one test that may use the network
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q",
                    "-w", str(tmp_path)], check=True, capture_output=True, timeout=600,
                   env=with_network(dict(os.environ)))
    [wheel] = tmp_path.glob("coprod_standard-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    source = ROOT / "schemas"
    expected = {f"coprod_standard/schemas/{p.relative_to(source).as_posix()}"
                for p in source.rglob("*") if p.is_file()}
    assert expected and expected <= names
    assert any(n.endswith("entry_points.txt") for n in names)
    assert "coprod_standard/checks/given-names.txt" in names  # the free-text checks' list


def test_there_is_one_copy_of_the_schemas_in_git():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.splitlines()
    copies = [p for p in tracked if p.endswith("dataset.schema.json")]
    # the site's copies (docs/schema/) are generated from schemas/ and drift-tested byte for
    # byte (tests/test_published_schemas.py): schemas/ stays the one source
    sources = [p for p in copies if not p.startswith("docs/schema/")]
    assert sources and all(p.startswith("schemas/") for p in sources)


def test_the_package_finds_its_schemas():
    assert (schemas_dir() / "1.0" / "dataset.schema.json").is_file()
