"""A row after any run of empty rows is read, in every kind of spreadsheet: nothing a user
typed is dropped because they left a gap (reading used to stop after 10,000 empty rows)."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest

from coprod_standard import Limits, validate
from coprod_standard.tabular.fast_workbook import fallback_reason
from coprod_standard.tabular.ods import OdsTable
from coprod_standard.tabular.sheets import LAST_ROW, data_rows
from coprod_standard.writers import render, write
from tests.conftest import ROOT

MINIMAL = json.loads((ROOT / "examples" / "minimal.json").read_text())
GAP = 20_000


def _moved_down(book: bytes, sheet: str, rows: int) -> bytes:
    """BOOK with the data rows of SHEET moved ROWS rows further down."""
    wb = openpyxl.load_workbook(io.BytesIO(book))
    ws = wb[sheet]
    ws.move_range(f"A2:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}",
                  rows=rows)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("gap", [GAP, LAST_ROW - 2])
def test_a_project_after_a_gap_in_a_workbook_is_read(tmp_path, gap):
    path = tmp_path / "gap.xlsx"
    path.write_bytes(_moved_down(render(MINIMAL, "1.0", "xlsx"), "Projects", gap))
    report = validate(str(path))
    assert report.valid, [i.message for i in report.issues]
    assert len(report.records) == 2  # the dataset's own details and the project after the gap
    rows = {i.location.row for i in report.issues
            if i.location is not None and i.location.sheet == "Projects"}
    assert rows == {2 + gap}  # where it was typed


def test_the_fast_reader_reads_the_row_after_a_gap_too(tmp_path):
    # past the old stop at 10,000 empty rows, and near enough for calamine's grid
    book = _moved_down(render(MINIMAL, "1.0", "xlsx"), "Projects", 10_500)
    assert fallback_reason(zipfile.ZipFile(io.BytesIO(book))) is None  # calamine reads it
    path = tmp_path / "gap.xlsx"
    path.write_bytes(book)
    assert len(validate(str(path)).records) == 2


def test_a_row_after_a_gap_in_csv_is_read(tmp_path):
    folder = tmp_path / "csv"
    write(MINIMAL, "1.0", "csv", folder)
    projects = folder / "projects.csv"
    head, *rows = projects.read_text(encoding="utf-8").splitlines(keepends=True)
    projects.write_text(head + "\n" * GAP + "".join(rows), encoding="utf-8")
    report = validate(str(folder))
    assert report.valid and len(report.records) == 2


def test_a_row_after_a_gap_in_an_ods_sheet_is_read():
    table = OdsTable("Projects", rows=[(1, ["Project identifier"], 1), (2 + GAP, ["late"], 1)])
    rows = list(data_rows(table.grid(2), 1, Limits(), [0], "gap.ods", sheet="Projects",
                          last=LAST_ROW))
    assert rows == [(2 + GAP, ["late"])]
