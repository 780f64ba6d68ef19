"""Streaming tables: CSV tables and workbooks are read one project at a time when their rows
come in the projects' order, give exactly the report of a whole reading (cells included),
and are read whole, with the same report, when they do not."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from benchmarks.synthetic import valid_dataset
from coprod_standard.convert import ConvertError, convert
from coprod_standard.limits import Limits
from coprod_standard.readers import ReadWhole, read
from coprod_standard.validate import validate
from coprod_standard.writers import write
from tests.test_streaming import INPUTS, _peak_bytes, _summary

STREAM = Limits(stream_from=0)  # stream any table, however small


def _tables(source: Path, out: Path, to: str) -> Path | None:
    try:
        conversion = convert(source, out, to=to)
    except ConvertError:  # what a workbook cannot hold (control characters)
        return None
    return None if conversion.unreadable else out


@pytest.mark.parametrize("to", ["csv", "xlsx"])
def test_every_fixture_as_tables_gets_the_same_report_streamed_as_read_whole(tmp_path, to):
    """Every example and fixture written as tables (in the writer's order, so streamed):
    the same issues, at the same cells, the same records and scorecards."""
    compared = 0
    for number, source in enumerate(INPUTS):
        path = _tables(source, tmp_path / f"{number}.{'xlsx' if to == 'xlsx' else 'd'}", to)
        if path is None:
            continue
        whole = validate(path)
        streamed = validate(path, limits=STREAM, stream=True)
        assert _summary(streamed) == _summary(whole), source
        compared += 1
    assert compared > len(INPUTS) * 0.9


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def tables(tmp_path) -> Path:
    out = tmp_path / "tables"
    write(valid_dataset(15 * 6), "1.0", "csv", out)
    return out


def test_tables_in_the_projects_order_are_read_one_project_at_a_time(tables):
    result = read(tables, STREAM, stream=True)
    assert result.data is None and result.details["version"] == "1.0"
    kinds = [record.kind for record in result.records]
    assert kinds == ["project"] * 6 + ["dataset"]


def _reversed_groups(tables: Path) -> None:
    """Participant groups of the last project first: not in the projects' order."""
    groups = tables / "participant-groups.csv"
    heading, *rows = _rows(groups)
    _write_rows(groups, [heading] + rows[::-1])


def test_rows_not_in_the_projects_order_are_read_whole_with_the_same_report(tables):
    _reversed_groups(tables)
    with pytest.raises(ReadWhole):
        list(read(tables, STREAM, stream=True).records)
    streamed = validate(tables, limits=STREAM, stream=True)
    assert streamed.status == "valid"
    assert _summary(streamed) == _summary(validate(tables))


def test_a_row_of_a_project_that_is_not_there_is_an_orphan_either_way(tables):
    groups = tables / "participant-groups.csv"
    heading, *rows = _rows(groups)
    _write_rows(groups, [heading] + rows + [["no-such-project"] + rows[0][1:]])
    streamed = validate(tables, limits=STREAM, stream=True)
    assert _summary(streamed) == _summary(validate(tables))
    orphan = next(i for i in streamed.issues if i.code == "orphan-row")
    assert orphan.location.sheet == "participant-groups.csv"
    assert orphan.location.row == len(rows) + 2 and orphan.location.column_letter == "A"


def test_rows_without_their_project_and_repeated_projects_are_reported_where_they_are(
        tables):
    groups = tables / "participant-groups.csv"
    heading, *rows = _rows(groups)
    rows.insert(2, [""] + rows[2][1:])  # a group with no project identifier
    _write_rows(groups, [heading] + rows)
    projects = tables / "projects.csv"
    p_heading, *p_rows = _rows(projects)
    _write_rows(projects, [p_heading] + p_rows + [p_rows[0]])  # the first project again
    result = read(tables, STREAM, stream=True)
    assert [r.kind for r in result.records][-1] == "dataset"  # streamed to the end
    streamed = validate(tables, limits=STREAM, stream=True)
    assert _summary(streamed) == _summary(validate(tables))
    found = {i.code: i.location for i in streamed.issues}
    assert (found["missing-link"].sheet, found["missing-link"].row) == (
        "participant-groups.csv", 4)
    assert (found["duplicate-row"].sheet, found["duplicate-row"].row) == (
        "projects.csv", len(p_rows) + 2)


def test_mistakes_inside_a_streamed_project_are_placed_in_their_cells(tables):
    indicators = tables / "indicators.csv"
    heading, *rows = _rows(indicators)
    column = heading.index("Higher is better")
    rows[3][column] = "sideways"
    _write_rows(indicators, [heading] + rows)
    streamed = validate(tables, limits=STREAM, stream=True)
    issue = next(i for i in streamed.issues if i.path.endswith("/higherIsBetter"))
    assert (issue.location.sheet, issue.location.row) == ("indicators.csv", 5)
    assert (issue.location.column_letter, issue.location.column_title) == (
        "I", "Higher is better")
    assert _summary(streamed) == _summary(validate(tables))


def _peak(path: Path) -> int:
    return _peak_bytes(path, level="publish")


def test_memory_does_not_grow_with_streamed_csv_tables(tmp_path):
    """Four times the projects: the peak stays nearly the same, and what it holds beyond
    the checks' fixed tables (a few projects' peak: the given-name list of the free-text
    checks is about 1 MB) is far under the whole file (read whole, it would grow fourfold)."""
    peaks, sizes = {}, {}
    for projects in (10, 1000, 4000):
        out = tmp_path / str(projects)
        write(valid_dataset(projects * 15), "1.0", "csv", out)
        sizes[projects] = sum(f.stat().st_size for f in out.iterdir())
        peaks[projects] = _peak(out)
    assert peaks[4000] < peaks[1000] * 1.5, peaks
    assert peaks[4000] - peaks[10] < sizes[4000] / 4, (peaks, sizes)


def test_a_small_table_is_still_read_whole_unless_asked(tables):
    assert read(tables, stream=True).data is not None  # under Limits.stream_from
    report = validate(tables, stream=True)
    assert report.data is not None and json.dumps(report.data)


def test_tables_checked_in_several_processes_get_the_very_same_report(tables):
    one = validate(tables, limits=STREAM, stream=True, jobs=1)
    several = validate(tables, limits=STREAM, stream=True, jobs=2)
    assert json.dumps(several.to_dict()) == json.dumps(one.to_dict())
    _reversed_groups(tables)  # read whole after all, in one process
    assert json.dumps(validate(tables, limits=STREAM, stream=True, jobs=2).to_dict()) == \
        json.dumps(validate(tables).to_dict())


def test_memory_does_not_grow_with_a_streamed_workbook(tmp_path):
    """Workbooks stream too, read from disk, with openpyxl's rows and shared strings not
    kept (see tabular/lean_openpyxl.py)."""
    peaks, sizes = {}, {}
    for projects in (100, 1000, 4000):  # the first only brings in the libraries
        path = tmp_path / f"{projects}.xlsx"
        write(valid_dataset(projects * 15), "1.0", "xlsx", path)
        sizes[projects], peaks[projects] = path.stat().st_size, _peak(path)
    assert peaks[4000] < peaks[1000] * 1.5, (peaks, sizes)
