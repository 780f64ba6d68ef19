"""The disclosure holes an outsider found (issue 18), each kept as a dataset in
tests/fixtures/disclosure-holes/<hole>/: input.json, and expected.json whose "codes" lists
the codes it must now give (a plain list of codes is read too). Each is checked with the
real command, at publish level, as a user would."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES

HOLES = sorted(p for p in (FIXTURES / "disclosure-holes").iterdir() if p.is_dir())


def _codes(folder):
    expected = json.loads((folder / "expected.json").read_text())
    return expected if isinstance(expected, list) else expected["codes"]


def test_every_hole_of_the_issue_is_kept():
    names = {p.name for p in HOLES}
    assert any(n.startswith("hole-3-") for n in names)
    assert any(n.startswith("hole-4-") for n in names)


@pytest.mark.parametrize("folder", HOLES, ids=lambda p: p.name)
def test_the_hole_fails_at_publish_level_with_its_code(folder, coprod):
    result = coprod("validate", "--level", "publish", "--format", "json",
                    folder / "input.json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    [report] = json.loads(result.stdout)["files"]
    errors = {i["code"] for i in report["issues"] if i["severity"] == "error"}
    assert set(_codes(folder)) <= errors
