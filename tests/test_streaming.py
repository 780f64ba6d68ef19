"""Streaming: large JSON files are read one project at a time, JSON Lines line by line, and
both give exactly the report the in-memory reader gives; memory does not grow with the file;
a long run on a terminal shows its progress."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.synthetic import valid_dataset
from coprod_standard.cli.progress import ProgressLine, progress_for
from coprod_standard.limits import Limits
from coprod_standard.readers import Unreadable, read
from coprod_standard.readers.json_reader import read_json
from coprod_standard.readers.json_stream import stream_json, streamable
from coprod_standard.validate import validate
from tests.conftest import EXAMPLES, FIXTURES, ROOT

STREAM = Limits(stream_from=0)  # stream every JSON file, however small
INPUTS = EXAMPLES + sorted(FIXTURES.glob("*/**/input*.json"))


def _summary(report) -> tuple:
    issues = sorted((i.code, i.path, i.message, i.severity.value, i.record,
                     json.dumps(i.location.to_dict() if i.location else None))
                    for i in report.issues)
    return (report.status, report.version, report.records, issues, sorted(report.checks_run),
            [label for label, _ in report.scorecards])


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.parent.relative_to(ROOT).as_posix()
                         if p.name.startswith("input") else p.name)
def test_a_streamed_file_gets_the_same_report_as_one_read_whole(path):
    whole, streamed = validate(path), validate(path, limits=STREAM, stream=True)
    assert _summary(streamed) == _summary(whole)


def _records(result):
    return [(r.kind, r.pointer, r.data, r.label) for r in result.records]


@pytest.mark.parametrize("chunk", [1, 7, 64, 1000])
@pytest.mark.parametrize("path", [p for p in INPUTS if "reading" in p.parts
                                  or p.name == "full.json" or "valid" in p.parts][:60],
                         ids=lambda p: p.parent.name if p.name.startswith("input") else p.name)
def test_every_cut_of_the_window_reads_the_same_records_and_the_same_errors(path, chunk):
    """CHUNK bytes at a time: values, keys, numbers, escapes and UTF-8 characters are cut
    at every place, and still read (or refused, at the same line and column) as whole."""
    if not streamable(path.read_bytes()[:64]):
        pytest.skip("not streamed: read() sends it to the in-memory reader")
    try:
        whole = read_json(path.read_bytes(), str(path), Limits())
        expected = _records(whole)
        expected = expected[1:] + expected[:1]  # streamed: the dataset's own record last
        error = None
    except Unreadable as exc:
        error = exc.issue
    try:
        got = stream_json(path, str(path), Limits(), chunk=chunk)
        records = _records(got)
    except Unreadable as exc:
        assert error is not None, f"streaming refused a file read whole: {exc.issue.message}"
        assert (exc.issue.code, exc.issue.message) == (error.code, error.message)
        return
    assert error is None, f"streaming read a file refused whole: {error.message}"
    if records and records[-1][0] == "dataset" and isinstance(records[-1][2], dict):
        projects = records[-1][2].get("projects")
        if isinstance(projects, list) and projects and projects[0] is None:
            whole_projects = expected[-1][2].get("projects")
            assert len(projects) == len(whole_projects)
            expected[-1] = (*expected[-1][:2], dict(expected[-1][2], projects=projects),
                            expected[-1][3])
    assert records == expected
    assert sorted(i.path for i in got.issues) == sorted(i.path for i in whole.issues)


def _dataset(projects: int) -> dict:
    return valid_dataset(projects * 15)


def test_details_given_after_the_projects_are_found_before_the_projects_are_checked(tmp_path):
    data = _dataset(3)
    moved = {"projects": data.pop("projects"), **data}  # version and publisher come last
    path = tmp_path / "late.json"
    path.write_text(json.dumps(moved))
    streamed, whole = validate(path, limits=STREAM, stream=True), validate(path)
    assert streamed.version == "1.0" and streamed.status == "valid"
    assert _summary(streamed) == _summary(whole)


def test_a_problem_part_of_the_way_through_a_streamed_file_is_unreadable_with_its_place(
        tmp_path, coprod):
    text = json.dumps(_dataset(40), indent=1)
    cut = text.index('"participantGroups"', len(text) // 2)
    broken = text[:cut] + text[cut:].replace(",", "", 1)
    path = tmp_path / "broken.json"
    path.write_text(broken)
    report = validate(path, limits=STREAM, stream=True)
    assert report.unreadable and [i.code for i in report.issues] == ["malformed-json"]
    line = report.issues[0].location.line  # where the in-memory reader puts it too:
    assert _summary(report) == _summary(validate(path))
    assert broken.count("\n", 0, cut) < line < broken.count("\n", 0, cut) + 12
    assert report.records == [] and report.scorecards == []
    result = coprod("validate", path)  # under the 16 MB at which the command streams
    assert result.returncode == 3 and f"Line {line}" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_duplicate_keys_and_limits_are_found_inside_streamed_projects(tmp_path):
    data = _dataset(2)
    text = json.dumps(data).replace('"title": ', '"title": "first", "title": ', 2)
    path = tmp_path / "dups.json"
    path.write_text(text)
    streamed, whole = validate(path, limits=STREAM, stream=True), validate(path)
    assert "duplicate-key" in {i.code for i in streamed.issues}
    assert _summary(streamed) == _summary(whole)
    deep = tmp_path / "deep.json"
    data["projects"][1]["notes"] = json.loads("[" * 70 + "]" * 70)
    deep.write_text(json.dumps(data))
    report = validate(deep, limits=STREAM, stream=True)
    assert [i.code for i in report.issues] == ["too-deeply-nested"]
    many = validate(path, limits=Limits(stream_from=0, max_rows=1), stream=True)
    assert [i.code for i in many.issues] == ["too-many-records"] and many.unreadable


def test_a_large_json_file_is_streamed_when_asked_and_a_small_one_read_whole(tmp_path):
    small = tmp_path / "small.json"
    small.write_text(json.dumps(_dataset(2)))
    assert read(small).data is not None
    big = tmp_path / "big.json"
    big.write_text(json.dumps(_dataset(2)) + " " * Limits().stream_from)
    assert read(big).data is not None  # only when asked: programs may need the whole
    result = read(big, stream=True)
    assert result.data is None and result.details["version"] == "1.0"
    assert [r.kind for r in result.records] == ["project", "project", "dataset"]
    over = Limits(stream_from=10, max_stream_bytes=100)
    with pytest.raises(Unreadable) as refused:
        read(small, over, stream=True)
    assert refused.value.issue.code == "file-too-large"


_PEAK = """
import sys, tracemalloc
from coprod_standard.limits import Limits
from coprod_standard.validate import validate
tracemalloc.start()
report = validate(sys.argv[1], limits=Limits(stream_from=0), level=sys.argv[2], stream=True)
assert report.status == "valid", [i.message for i in report.issues[:3]]
print(tracemalloc.get_traced_memory()[1])
"""


def _peak_bytes(path: Path, level: str = "schema") -> int:
    """The most memory validating PATH streamed took (it must be valid), measured in a
    process of its own: in the test session's process, what earlier tests left behind
    changes when the garbage collector runs, and so the peak."""
    done = subprocess.run([sys.executable, "-c", _PEAK, str(path), level], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.split()[-1])


def test_memory_does_not_grow_with_a_streamed_file(tmp_path):
    """Four times the projects: the peak memory stays nearly the same (in memory it would
    grow fourfold), well under the size of the file."""
    sizes = {}
    for projects in (1000, 4000):
        path = tmp_path / f"{projects}.json"
        path.write_text(json.dumps(_dataset(projects)))
        sizes[projects] = (path.stat().st_size, _peak_bytes(path))
    (_, small_peak), (big_file, big_peak) = sizes[1000], sizes[4000]
    assert big_peak < small_peak * 1.5, sizes
    assert big_peak < big_file / 2, sizes


# JSON Lines ----------------------------------------------------------------------------------

def _as_lines(data: dict) -> str:
    projects = data.pop("projects")
    return "\n".join(json.dumps(x) for x in [data, *projects]) + "\n"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_json_lines_give_the_report_of_the_same_dataset_as_json(tmp_path, path):
    lines = tmp_path / (path.stem + ".jsonl")
    lines.write_text(_as_lines(json.loads(path.read_text())))
    whole, streamed = validate(path), validate(lines)
    assert (streamed.status, streamed.version) == (whole.status, whole.version)
    assert sorted((i.code, i.path) for i in streamed.issues) == sorted(
        (i.code, i.path) for i in whole.issues)
    assert len(streamed.records) == len(whole.records)
    for issue in streamed.issues:  # every issue names its line
        assert issue.location and issue.location.line >= 1


def test_json_lines_name_the_line_of_each_project_and_of_each_mistake(tmp_path, coprod):
    data = _dataset(3)
    data["projects"][2]["areas"] = ["Leeds"]
    path = tmp_path / "data.jsonl"
    path.write_text("\n" + _as_lines(data))  # a blank line first: lines count from the file
    for report in (validate(path), validate(path, stream=True)):
        wrong = [i for i in report.issues if i.path == "/projects/2/areas/0"]
        assert wrong and wrong[0].location.line == 5
    assert report.records[-1].endswith("line 5")
    bad = tmp_path / "bad.jsonl"
    lines = _as_lines(_dataset(2)).splitlines()
    bad.write_text("\n".join([lines[0], lines[1] + ",", *lines[2:]]))
    result = coprod("validate", bad)
    assert result.returncode == 3 and "Line 2" in result.stdout, result.stdout
    first = tmp_path / "first.jsonl"
    first.write_text("[1, 2]\n")
    result = coprod("validate", first)
    assert result.returncode == 3 and "first line holds the dataset" in result.stdout
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    assert coprod("validate", empty).returncode == 3
    for case in (bad, first, empty):
        assert "Traceback" not in coprod("validate", case).stderr


def test_json_lines_uploaded_as_bytes_are_read_the_same(tmp_path):
    text = _as_lines(_dataset(2))
    path = tmp_path / "d.jsonl"
    path.write_text(text)
    assert _summary(validate(text.encode(), name=str(path))) == _summary(validate(path))


# Progress --------------------------------------------------------------------------------

class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_line_says_records_and_share_and_is_wiped_at_the_end():
    screen = _Terminal()
    line = ProgressLine("big.json", screen)
    line.started -= 5  # as if the run began five seconds ago
    line(12_000, 50, 200)
    line.close()
    text = screen.getvalue()
    assert "Checking big.json: 12,000 records, 25% of the file read" in text
    assert text.endswith("\r") and progress_for("x", io.StringIO()) is None


def test_a_long_validation_shows_progress_on_a_terminal_and_nothing_elsewhere(tmp_path):
    import pty

    path = tmp_path / "big.json"
    path.write_text(json.dumps(_dataset(5000)) + " " * Limits().stream_from)
    main, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "coprod_standard", "validate", str(path)],
                               stdin=follower, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=300) == 0
    assert b"Checking " in seen and b" records" in seen and b"% of the file read" in seen
    plain = subprocess.run([sys.executable, "-m", "coprod_standard", "validate", str(path)],
                           capture_output=True, text=True, timeout=300)
    assert plain.returncode == 0 and plain.stderr == ""


def test_programs_that_need_the_whole_dataset_still_get_it_from_large_files(tmp_path):
    """convert, upgrade and combine read the dataset whole, whatever its size; JSON Lines
    too."""
    from coprod_standard.convert import convert

    every = Limits(stream_from=0)
    data = _dataset(2)
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    out = tmp_path / "tables.xlsx"
    assert not convert(path, out, limits=every).errors and out.exists()
    lines = tmp_path / "data.jsonl"
    lines.write_text(_as_lines(json.loads(path.read_text())))
    back = tmp_path / "back.json"
    assert not convert(lines, back).errors
    assert json.loads(back.read_text())["projects"] == data["projects"]
    assert read(path, every).data == data


# Several processes ------------------------------------------------------------------------

def _json_report(path, **options) -> str:
    from coprod_standard.reporters import render

    return render("json", [validate(path, stream=True, **options)])


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.parent.relative_to(ROOT).as_posix()
                         if p.name.startswith("input") else p.name)
def test_checking_in_several_processes_gives_the_very_same_report(path):
    assert _json_report(path, limits=STREAM, jobs=3) == _json_report(path, limits=STREAM)


def test_several_processes_agree_on_mistakes_in_json_lines_and_on_many_issues(tmp_path):
    data = _dataset(7)
    for project in data["projects"]:
        project["areas"] = ["Leeds", "York"]
    data["projects"][3]["id"] = data["projects"][1]["id"]  # a duplicate across the parts
    lines = tmp_path / "data.jsonl"
    lines.write_text(_as_lines(json.loads(json.dumps(data))))
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    few = Limits(stream_from=0, max_issues=5)
    for source in (lines, path):
        one = _json_report(source, limits=few)
        assert _json_report(source, limits=few, jobs=2) == one
        assert '"issues-not-listed"' in one and '"duplicate-project-id"' in one


def test_a_problem_part_of_the_way_through_is_the_same_in_several_processes(tmp_path):
    text = json.dumps(_dataset(30), indent=1)
    cut = text.index('"participantGroups"', len(text) // 2)
    path = tmp_path / "broken.json"
    path.write_text(text[:cut] + text[cut:].replace(",", "", 1))
    report = validate(path, limits=STREAM, stream=True, jobs=2)
    assert report.unreadable and [i.code for i in report.issues] == ["malformed-json"]
    assert _json_report(path, limits=STREAM, jobs=2) == _json_report(path, limits=STREAM)


def test_json_lines_given_as_bytes_are_checked_in_one_process(tmp_path):
    text = _as_lines(_dataset(3)).encode()
    path = tmp_path / "d.jsonl"
    path.write_bytes(text)
    every = Limits(stream_from=0)
    assert _json_report(path, limits=every, jobs=2) == _json_report(path, limits=every)
    report = validate(text, name=str(path), limits=every, stream=True, jobs=2)
    assert report.valid and len(report.records) == 4
