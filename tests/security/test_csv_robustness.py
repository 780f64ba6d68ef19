"""CSV files as they arrive from old systems and hand editing: a byte-order mark, the
Windows-1252 encoding, a cell longer than the limits, ragged rows and NUL bytes. Each is
read correctly or refused with a plain message that says where."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from coprod_standard.limits import Limits
from coprod_standard.validate import validate
from coprod_standard.writers import render
from tests.conftest import EXAMPLES

DATA = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
PARTS = render(DATA, DATA["version"], "csv")


def _folder(tmp_path, change=None, name: str = "projects.csv"):
    folder = tmp_path / "tables"
    folder.mkdir(parents=True)
    for part, content in PARTS.items():
        (folder / part).write_bytes(change(content) if change and part == name else content)
    return folder


def _lines(content: bytes) -> list[bytes]:
    return content.split(b"\r\n") if b"\r\n" in content else content.split(b"\n")


def test_a_byte_order_mark_is_read_as_nothing(tmp_path):
    report = validate(_folder(tmp_path, lambda c: b"\xef\xbb\xbf" + c))
    assert report.valid and report.issues == []


def test_windows_1252_is_read_and_said(tmp_path):
    def accented(content: bytes) -> bytes:
        text = content.decode("utf-8")
        title = DATA["projects"][0]["title"]
        return text.replace(title, title + " caf\u00e9 \u2013 \u00a3").encode("cp1252")

    report = validate(_folder(tmp_path, accented))
    assert [i.code for i in report.issues] == ["legacy-encoding"]
    assert "projects.csv" in report.issues[0].message
    assert report.data["projects"][0]["title"].endswith("caf\u00e9 \u2013 \u00a3")


def test_a_cell_over_the_csv_module_limit_is_refused_with_its_line(tmp_path):
    huge = 200_000  # over the csv module's own default of 131,072

    def long_cell(content: bytes) -> bytes:
        lines = _lines(content)
        return b"\r\n".join([lines[0], lines[1] + b',"' + b"x" * huge + b'"', *lines[2:]])

    over_text = validate(_folder(tmp_path, long_cell), limits=Limits(max_string=150_000))
    assert over_text.unreadable and [i.code for i in over_text.issues] == ["malformed-csv"]
    assert "line 2 of projects.csv" in over_text.issues[0].message
    assert "longer than the limit" in over_text.issues[0].message


def test_a_ragged_row_with_data_past_the_headings_is_reported_at_its_cell(tmp_path):
    def ragged(content: bytes) -> bytes:
        lines = _lines(content)
        return b"\r\n".join([lines[0], lines[1] + b",surprise", *lines[2:]])

    report = validate(_folder(tmp_path, ragged))
    [issue] = [i for i in report.issues if i.code == "blank-column-heading"]
    width = len(_lines(PARTS["projects.csv"])[0].split(b","))
    assert issue.location.row == 2 and issue.location.sheet == "projects.csv"
    from openpyxl.utils import get_column_letter

    assert issue.location.column_letter == get_column_letter(width + 1)
    short = validate(_folder(tmp_path / "short", lambda c: b"\r\n".join(
        [_lines(c)[0], b",".join(_lines(c)[1].split(b",")[:3]), *_lines(c)[2:]])))
    assert "blank-column-heading" not in [i.code for i in short.issues]


@pytest.mark.parametrize("where", ["heading", "data"])
def test_nul_bytes_are_refused_with_their_line(tmp_path, coprod, where):
    def with_nul(content: bytes) -> bytes:
        lines = _lines(content)
        index = 0 if where == "heading" else 1
        lines[index] = lines[index].replace(b",", b",\x00", 1)
        return b"\r\n".join(lines)

    folder = _folder(tmp_path, with_nul)
    report = validate(folder)
    assert report.unreadable and [i.code for i in report.issues] == ["malformed-csv"]
    message = report.issues[0].message
    assert f"line {1 if where == 'heading' else 2} of projects.csv" in message
    assert "\x00" not in message and "NUL" in message
    result = coprod("validate", folder)
    assert result.returncode == 3 and "Traceback" not in result.stderr


def test_a_utf16_csv_file_is_refused_in_plain_words(tmp_path):
    utf16 = PARTS["projects.csv"].decode("utf-8").encode("utf-16")
    report = validate(_folder(tmp_path, lambda c: utf16))
    assert report.unreadable and "UTF-16" in report.issues[0].message


def test_a_single_csv_file_with_a_nul_byte_gets_the_same_message(tmp_path):
    path = tmp_path / "projects.csv"
    path.write_bytes(PARTS["projects.csv"].replace(b",", b",\x00", 1))
    result = subprocess.run([sys.executable, "-m", "coprod_standard", "validate", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 3 and "NUL character" in result.stdout
