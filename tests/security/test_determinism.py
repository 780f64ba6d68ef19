"""The same input gives a byte-identical JSON report, whatever the process's hash seed (so
no set or dictionary order leaks into the output) and however the file is read."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import EXAMPLES, FIXTURES, ROOT

INPUTS = [EXAMPLES[0], ROOT / "docs" / "examples" / "broken-dataset.json",
          ROOT / "docs" / "examples" / "broken-workbook.xlsx",
          ROOT / "docs" / "examples" / "not-ready-to-publish.json",
          next(FIXTURES.glob("*/invalid/two-datasets-pasted/input.json"))]


def _report(path, seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    result = subprocess.run([sys.executable, "-m", "coprod_standard", "validate", "--format",
                             "json", str(path)], capture_output=True, env=env, timeout=120)
    assert result.returncode in (0, 1, 3) and not result.stderr, result.stderr
    return result.stdout


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_the_json_report_is_byte_identical_run_after_run(path):
    first = _report(path, "1")
    assert first and all(_report(path, seed) == first for seed in ("2", "12345"))


def test_the_library_report_is_the_same_read_whole_or_streamed(tmp_path):
    from coprod_standard.limits import Limits
    from coprod_standard.reporters import render
    from coprod_standard.validate import validate

    path = INPUTS[3]
    whole = render("json", [validate(path)])
    streamed = render("json", [validate(path, stream=True, limits=Limits(stream_from=0))])
    assert whole == streamed
