"""JSON made to break a parser: each gets one clear issue, exit status 3 (or 1 for duplicate
keys, which can be read), no traceback, within bounded time and memory (the command runs
in its own process with a memory ceiling and a time-out; nothing here is timed), read whole
or one project at a time."""

from __future__ import annotations

import json
import resource
import subprocess
import sys

import pytest

from coprod_standard.limits import Limits
from coprod_standard.validate import validate
from tests.conftest import EXAMPLES

MEMORY_CEILING = 2 * 1024**3  # bytes of address space for the command
TIME_OUT = 120  # seconds: a guard against hanging, not a measurement


def _bounded(*args: str) -> subprocess.CompletedProcess:
    def ceiling() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))

    return subprocess.run([sys.executable, "-m", "coprod_standard", "validate", "--format",
                           "json", *args], capture_output=True, text=True, timeout=TIME_OUT,
                          preexec_fn=ceiling)


def _dataset_with(value: str) -> str:
    """A real dataset with VALUE (JSON text) as one project's notes."""
    text = EXAMPLES[0].read_text(encoding="utf-8")
    data = json.loads(text)
    data["projects"][0]["notes"] = "@@"
    return json.dumps(data, indent=1).replace('"@@"', value)


BOMBS = {
    "nesting-100000-deep": ("[" * 100_000 + "]" * 100_000, "too-deeply-nested"),
    "nesting-inside-a-project": (_dataset_with("[" * 100_000 + "]" * 100_000),
                                 "too-deeply-nested"),
    "integer-5000-digits": (_dataset_with("9" * 5000), "invalid-number"),
    "exponent-1e999999": (_dataset_with("1e999999"), "invalid-number"),
    "NaN": (_dataset_with("NaN"), "invalid-number"),
    "Infinity": (_dataset_with("Infinity"), "invalid-number"),
    "minus-Infinity": (_dataset_with("-Infinity"), "invalid-number"),
}


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
@pytest.mark.parametrize("name", sorted(BOMBS))
def test_a_json_bomb_gets_one_clear_issue(tmp_path, name, stream):
    text, code = BOMBS[name]
    path = tmp_path / f"{name}.json"
    path.write_text(text)
    report = validate(path, stream=stream, limits=Limits(stream_from=0))
    assert report.unreadable and [i.code for i in report.issues] == [code]
    message = report.issues[0].message
    assert "Traceback" not in message and len(message) < 300


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_the_command_survives_each_bomb_within_bounds(tmp_path, name):
    text, code = BOMBS[name]
    path = tmp_path / f"{name}.json"
    path.write_text(text)
    result = _bounded(str(path))
    assert result.returncode == 3 and "Traceback" not in result.stderr, result.stderr
    [report] = json.loads(result.stdout)["files"]
    assert [i["code"] for i in report["issues"]] == [code]
    if code == "invalid-number":  # says where, with the line of the number
        assert report["issues"][0]["location"]["line"] > 1


def test_duplicate_keys_get_one_issue_each_at_their_place(tmp_path):
    text = _dataset_with('{"a": 1, "a": 2}').replace('"title": ', '"title": "x", "title": ', 1)
    path = tmp_path / "dups.json"
    path.write_text(text)
    result = _bounded(str(path))
    assert result.returncode == 1, result.stdout[-500:]
    [report] = json.loads(result.stdout)["files"]
    found = sorted(i["path"] for i in report["issues"] if i["code"] == "duplicate-key")
    assert found == ["/projects/0/notes/a", "/title"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(_dataset_with('"' + "x" * (2 * 1024 * 1024) + '"'))
    result = _bounded("--max-size", "1", str(path))
    assert result.returncode == 3
    [report] = json.loads(result.stdout)["files"]
    assert [i["code"] for i in report["issues"]] == ["file-too-large"]
    assert "--max-size" in report["issues"][0]["fix"]
