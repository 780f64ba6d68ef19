"""Every limit at both edges: a file exactly at the limit is read; one unit over gives the
limit's own message. JSON is tried read whole and read one project at a time; every limit
that gives a message is covered (a test checks that none is left out)."""

from __future__ import annotations

import json
import zipfile

import pytest

from coprod_standard.limits import Limits
from coprod_standard.tabular.flatten import flatten
from coprod_standard.validate import validate
from coprod_standard.writers import render
from tests.conftest import EXAMPLES, ROOT
from tests.security import zip_of

FULL = max(EXAMPLES, key=lambda p: p.stat().st_size)
DATA = json.loads(FULL.read_text(encoding="utf-8"))
VERSION = DATA["version"]
TESTED = set()  # the limits covered here; the last test checks it is all of them


def _codes(report) -> list[str]:
    return [i.code for i in report.issues]


def _edges(name: str, path, at: int, stream: bool = False) -> tuple:
    """The report with the limit at AT, and with it one lower."""
    TESTED.add(name)
    other = {"stream_from": 0} if stream else {}
    return (validate(path, limits=Limits(**{name: at}, **other), stream=stream),
            validate(path, limits=Limits(**{name: at - 1}, **other), stream=stream))


def _levels(value) -> int:
    if isinstance(value, dict) and value:
        return 1 + max(map(_levels, value.values()))
    if isinstance(value, list) and value:
        return 1 + max(map(_levels, value))
    return 1


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.fixture
def dataset(tmp_path):
    path = tmp_path / "data.json"
    path.write_bytes(FULL.read_bytes())
    return path


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
def test_max_bytes_and_max_stream_bytes(dataset, stream):
    name = "max_stream_bytes" if stream else "max_bytes"
    at, over = _edges(name, dataset, dataset.stat().st_size, stream)
    assert at.valid and _codes(over) == ["file-too-large"]
    assert "limit of" in over.issues[0].message


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
def test_max_depth(dataset, stream):
    at, over = _edges("max_depth", dataset, _levels(DATA), stream)
    assert at.valid and _codes(over) == ["too-deeply-nested"]


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
def test_max_rows_for_json(dataset, stream):
    at, over = _edges("max_rows", dataset, len(DATA["projects"]), stream)
    assert at.valid and _codes(over) == ["too-many-records"]


def test_max_rows_for_a_workbook(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(render(DATA, VERSION, "xlsx"))
    rows = sum(len(list(table_rows)) for _, table_rows in flatten(DATA, VERSION))
    at, over = _edges("max_rows", path, rows)
    assert at.valid and _codes(over) == ["too-many-records"]


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
def test_max_string(dataset, stream):
    at, over = _edges("max_string", dataset, max(map(len, _strings(DATA))), stream)
    assert at.valid and _codes(over) == ["text-too-long"]


@pytest.mark.parametrize("reader", ["json-lines", "streamed"])
def test_max_record(tmp_path, reader):
    """The longest line of JSON Lines, or the longest value read alone from a streamed JSON
    file (a project, or a field of the dataset's own details)."""
    details = {k: v for k, v in DATA.items() if k != "projects"}
    if reader == "json-lines":
        lines = [json.dumps(x) for x in [details, *DATA["projects"]]]
        path = tmp_path / "data.jsonl"
        path.write_text("\r\n".join(lines) + "\r\n")  # a line's length is without its break
    else:
        lines = [json.dumps(x) for x in [*details.values(), *DATA["projects"]]]
        path = tmp_path / "data.json"
        path.write_text(json.dumps(DATA))
    at, over = _edges("max_record", path, max(len(line.encode()) for line in lines),
                      stream=reader == "streamed")
    assert at.valid and _codes(over) == ["record-too-long"]
    assert over.issues[0].location.line == (1 if reader == "streamed" else 2)


def _longest_cell_book(tmp_path, fmt: str):
    data = json.loads(json.dumps(DATA))
    data["projects"][0]["description"] = "A long description. " * 50
    if fmt == "xlsx":
        path = tmp_path / "book.xlsx"
        path.write_bytes(render(data, VERSION, "xlsx"))
    else:
        path = tmp_path / "tables"
        path.mkdir()
        for name, content in render(data, VERSION, "csv").items():
            (path / name).write_bytes(content)
    longest = max(len(s) for _, rows in flatten(data, VERSION) for row in rows
                  for s in row if isinstance(s, str))
    return path, longest


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_max_cell_says_the_sheet_cell_and_heading(tmp_path, fmt):
    path, longest = _longest_cell_book(tmp_path, fmt)
    at, over = _edges("max_cell", path, longest)
    assert at.valid and _codes(over) == ["cell-too-long"]
    where = over.issues[0].location
    assert where.row == 2 and where.column_letter and where.column_title == "Description"
    assert where.sheet and f"{where.column_letter}2" in over.issues[0].message


def test_max_zip_entries(tmp_path):
    path = tmp_path / "tables.zip"
    parts = render(DATA, VERSION, "csv")
    path.write_bytes(zip_of(parts))
    at, over = _edges("max_zip_entries", path, len(parts))
    assert at.valid and _codes(over) == ["unsafe-workbook"]
    assert f"it holds {len(parts)} files" in over.issues[0].message


def test_max_unzipped_bytes(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(render(DATA, VERSION, "xlsx"))
    total = sum(e.file_size for e in zipfile.ZipFile(path).infolist())
    at, over = _edges("max_unzipped_bytes", path, total)
    assert at.valid and _codes(over) == ["unsafe-workbook"]
    assert "would unpack to" in over.issues[0].message


def test_max_zip_ratio(tmp_path):
    parts = render(DATA, VERSION, "csv")
    parts["notes.csv"] = b"note\n" + b"x" * 2_000_000  # over 1 MB and very compressible
    path = tmp_path / "tables.zip"
    path.write_bytes(zip_of(parts))
    entry = zipfile.ZipFile(path).getinfo("notes.csv")
    ratio = -(-entry.file_size // entry.compress_size)  # the least ratio that lets it in
    at, over = _edges("max_zip_ratio", path, ratio)
    assert "unsafe-workbook" not in _codes(at) and _codes(over) == ["unsafe-workbook"]
    assert "zip bomb" in over.issues[0].message


def test_max_issues_lists_that_many_and_counts_the_rest(tmp_path):
    data = json.loads(json.dumps(DATA))
    for project in data["projects"]:
        project["areas"] = ["Leeds", "York", "Hull"]  # not area codes: three errors each
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    everything = validate(path)
    total = len(everything.issues)
    at, over = _edges("max_issues", path, total)
    assert "issues-not-listed" not in _codes(at) and len(at.issues) == total
    assert _codes(over)[-1] == "issues-not-listed" and len(over.issues) == total
    assert "1 more issues were found" in over.issues[-1].message
    assert over.counts()["error"] == everything.counts()["error"]
    assert [(s.code, s.count, s.records_affected) for s in over.summary()
            if s.code != "issues-not-listed"] == [
        (s.code, s.count, s.records_affected) for s in everything.summary()]
    assert over.status == everything.status == "invalid"


def test_every_limit_that_gives_a_message_is_tested_and_documented():
    """Runs last in this file (pytest keeps file order)."""
    with_message = {limit["name"] for limit in Limits.described() if limit["code"]}
    assert with_message <= TESTED, with_message - TESTED
    page = (ROOT / "docs" / "reference" / "limits.md").read_text(encoding="utf-8")
    for limit in Limits.described():
        assert f"| `{limit['name']}` |" in page
