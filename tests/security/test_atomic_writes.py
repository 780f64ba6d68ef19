"""Interrupted and concurrent use: a conversion killed at any moment leaves the target as it
was or complete, never half-written; the input is never modified, by any command."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time

import pytest

from benchmarks.synthetic import valid_dataset
from coprod_standard.readers import read
from tests.conftest import EXAMPLES


def _fingerprint(path) -> str:
    if path.is_dir():
        return "".join(_fingerprint(p) for p in sorted(path.iterdir()))
    stat = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest() + str(stat.st_mtime_ns)


def _coprod(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coprod_standard", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def test_no_command_modifies_its_input(tmp_path):
    source = tmp_path / "data.json"
    source.write_bytes(EXAMPLES[0].read_bytes())
    before = _fingerprint(source)
    book, tables, back = tmp_path / "book.xlsx", tmp_path / "tables", tmp_path / "back.json"
    for args in (("validate", source), ("convert", source, book), ("convert", source, tables),
                 ("convert", book, back),
                 ("upgrade", source, tmp_path / "up.json", "--to", "1.2")):
        assert _coprod(*args).returncode in (0, 1), args
    assert _fingerprint(source) == before
    for made in (book, tables):
        fingerprint = _fingerprint(made)
        assert _coprod("validate", made).returncode in (0, 1)
        assert _fingerprint(made) == fingerprint


@pytest.mark.parametrize(("name", "kind"), [("book.xlsx", "xlsx"), ("tables", "csv")])
def test_a_killed_conversion_leaves_the_old_target_or_a_complete_new_one(tmp_path, name,
                                                                          kind):
    source = tmp_path / "big.json"
    data = valid_dataset(30_000)
    source.write_text(json.dumps(data))
    target = tmp_path / name
    assert _coprod("convert", EXAMPLES[0], target).returncode == 0  # an old target
    old = _fingerprint(target)
    outcomes = set()
    for delay in (0.3, 1.0, 2.0, 3.5, 6.0):
        process = subprocess.Popen([sys.executable, "-m", "coprod_standard", "convert",
                                    "--force", str(source), str(target)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        if _fingerprint(target) == old:
            outcomes.add("old")
            continue
        back = read(target)  # whatever is in place reads whole: never a torn file
        assert back.issues == [] and len(back.data["projects"]) == len(data["projects"])
        outcomes.add("new")
        assert _coprod("convert", "--force", EXAMPLES[0], target).returncode == 0
        old = _fingerprint(target)
    assert outcomes  # and every outcome was the old target or a complete new one
