"""Formula cells in old-style .xls workbooks (issue 20): calamine reads only a formula's
last value, so ``tabular.xls_formulas`` finds the FORMULA records in the file itself. An
.xls saved by LibreOffice gets the same "formula in a cell" warning, at the same cell, as
the .xlsx and .ods saves of that workbook, and none for the TRUE and FALSE LibreOffice
writes for booleans; a damaged or hostile file gives no places, never an error."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pytest

from coprod_standard import validate
from coprod_standard.tabular.xls_formulas import formula_cells
from coprod_standard.writers.xlsx_out import workbook_bytes
from tests.conftest import ROOT

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
HEADING = "Payment for lived experience: Hourly rate (£)"


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    from tests.test_libreoffice import saved_by_libreoffice

    folder = tmp_path_factory.mktemp("xls-formulas")
    club = json.loads((ROOT / "examples" / "dementia-club.json").read_text())
    (folder / "club.xlsx").write_bytes(workbook_bytes(club, club["version"]))
    book = openpyxl.load_workbook(folder / "club.xlsx")
    sheet = book["Projects"]
    [cell] = [c for c in sheet[1] if c.value == HEADING]
    sheet.cell(2, cell.column).value = "=10+2.5"
    book.save(folder / "formula.xlsx")
    sources = [folder / "club.xlsx", folder / "formula.xlsx"]
    return folder, saved_by_libreoffice(sources, "xls", folder)


@needs_libreoffice
def test_a_formula_in_an_xls_is_reported_at_its_cell_like_in_an_xlsx(saved):
    folder, xls = saved
    for path in (folder / "formula.xlsx", xls["formula.xlsx"]):
        [formula] = [i for i in validate(path).issues if i.code == "formula-cell"]
        where = formula.location
        assert (where.sheet, where.column_title, where.row) == ("Projects", HEADING, 2)
        assert where.file.endswith(path.name)


@needs_libreoffice
def test_libreoffices_booleans_in_an_xls_are_not_formulas(saved):
    folder, xls = saved
    places = formula_cells(xls["club.xlsx"].read_bytes())
    assert places == {}
    before, after = validate(folder / "club.xlsx"), validate(xls["club.xlsx"])
    assert "formula-cell" not in {i.code for i in after.issues}
    assert sorted(i.code for i in after.issues) == sorted(i.code for i in before.issues)


@needs_libreoffice
def test_damaged_files_give_no_places_and_no_error(saved):
    data = saved[1]["formula.xlsx"].read_bytes()
    assert formula_cells(data)["Projects"][1] == 1
    for broken in (b"", data[:8], data[:600], data[:len(data) // 2],
                   data[:48] + b"\xff" * 4 + data[52:], data[:30] + b"\x20\x00" + data[32:],
                   bytes(reversed(data))):
        assert isinstance(formula_cells(broken), dict)
