"""Codes within reach (issue 20, point 1): a dropdown in every code column of the template,
a readable Codes sheet, dropdowns that LibreOffice keeps, and titles or other spellings typed
in a workbook or CSV file read as the codes they mean."""

from __future__ import annotations

import copy
import io
import json
import shutil
import subprocess

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from coprod_standard import validate
from coprod_standard.codelists import find_codelist
from coprod_standard.schemas import version_names
from coprod_standard.scorecard import assess
from coprod_standard.tabular.repeated import places
from coprod_standard.tabular.rules import tables
from coprod_standard.writers import write
from coprod_standard.writers.xlsx_out import workbook_bytes
from tests.conftest import ROOT

CLUB = json.loads((ROOT / "examples" / "dementia-club.json").read_text())


def _code_columns(version: str):
    """(sheet, column letter, column) of every column of the template that should offer
    codes (each of a list's repeated columns: "Purposes", "Purposes 2", ...)."""
    for table in tables(version):
        for number, place in enumerate(places(table, version), start=1):
            column = place.column
            if column.link is None and (column.field.codelists or column.path == ("areas",)):
                yield table.name, get_column_letter(number), column


def _dropdowns(sheet) -> dict[str, object]:
    """Column letter -> the data validation covering its row 2."""
    found = {}
    for check in sheet.data_validations.dataValidation:
        for cells in str(check.sqref).split():
            start = cells.split(":")[0]
            if start.endswith("2") and start[:-1].isalpha():
                found[start[:-1]] = check
    return found


def _codes_rows(book) -> dict[int, tuple]:
    sheet = book["Codes"]
    return {n: tuple(c.value for c in row) for n, row in
            enumerate(sheet.iter_rows(min_row=1), start=1)}


def _offered(book, formula: str) -> list[str]:
    """The codes a dropdown's range on the Codes sheet holds."""
    assert formula.replace("'", "").startswith("Codes!$B$"), formula
    first, last = (int(n.rstrip(":")) for n in formula.split("$")[2::2])
    rows = _codes_rows(book)
    return [rows[n][1] for n in range(first, last + 1)]


@pytest.mark.parametrize("version", version_names())
def test_every_code_column_of_the_template_has_a_dropdown(version):
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(None, version)))
    checked = 0
    for sheet, letter, column in _code_columns(version):
        check = _dropdowns(book[sheet]).get(letter)
        assert check is not None and check.type == "list", (sheet, column.heading)
        offered = _offered(book, check.formula1)
        if column.path == ("areas",):
            assert "E08000025" in offered and not check.showErrorMessage
            continue
        wanted = [c.code for name in column.field.codelists
                  for c in find_codelist(version, name).codes]
        assert offered == wanted, (sheet, column.heading)
        closed = not column.field.open_codelist
        # a closed list refuses other values (in every column of a list too); an open one
        # only offers
        assert bool(check.showErrorMessage) == closed, (sheet, column.heading)
        checked += 1
    assert checked > 40
    licence = _dropdowns(book["Dataset"])[get_column_letter(next(
        n for n, c in enumerate(tables(version)[0].columns, 1) if c.path == ("license",)))]
    assert "https://creativecommons.org/licenses/by/4.0/" in _offered(book, licence.formula1)


@pytest.mark.parametrize("version", version_names())
def test_the_codes_sheet_lists_every_codelist_with_titles(version):
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(None, version)))
    assert book["Codes"].sheet_state == "visible"
    rows = list(_codes_rows(book).values())
    assert rows[0] == ("List", "Code", "Title", "Description")
    listed = {(row[0], row[1]): row for row in rows[1:]}
    used = {name for _, _, column in _code_columns(version) for name in column.field.codelists}
    assert len(used) > 25
    for name in used:
        codelist = find_codelist(version, name)
        for code in codelist.codes:
            row = listed[(codelist.name, code.code)]
            assert row[2] == code.title and row[3].endswith(code.description)
    assert all(row[2] and row[3] for row in rows[1:])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed "
                    "(tests/run.sh installs libreoffice-calc-nogui)")
def test_libreoffice_keeps_the_dropdowns_and_the_codes_sheet(tmp_path):
    (tmp_path / "template.xlsx").write_bytes(workbook_bytes(None, "1.2"))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"),
                    str(tmp_path / "template.xlsx")], check=True, capture_output=True,
                   timeout=300)
    ours = openpyxl.load_workbook(tmp_path / "template.xlsx")
    saved = openpyxl.load_workbook(tmp_path / "lo" / "template.xlsx")
    assert saved["Codes"].sheet_state == "visible"
    assert _codes_rows(saved) == _codes_rows(ours)
    for sheet, letter, column in _code_columns("1.2"):
        before, after = _dropdowns(ours[sheet])[letter], _dropdowns(saved[sheet]).get(letter)
        assert after is not None, (sheet, column.heading)
        assert _offered(saved, after.formula1) == _offered(ours, before.formula1)
        assert bool(after.showErrorMessage) == bool(before.showErrorMessage)
    report = validate(tmp_path / "lo" / "template.xlsx", level="schema")
    assert not [i for i in report.issues if i.code in ("unknown-sheet", "formula-cell")]


def _column(sheet, heading: str) -> int:
    return [c.value for c in sheet[1]].index(heading) + 1


def _typed_club(tmp_path):
    """The dementia club as a workbook, with titles, other spellings and wrong case typed
    where codes belong."""
    write(CLUB, "1.2", "xlsx", tmp_path / "club.xlsx")
    book = openpyxl.load_workbook(tmp_path / "club.xlsx")
    projects = book["Projects"]
    typed = {"Status": "Active", "Level of participation": "Co-Production",
             "Purposes": "Improve service design; SERVICE-DELIVERY",
             "Evaluation: Evaluator": "co produced"}
    for heading, value in typed.items():
        projects.cell(2, _column(projects, heading)).value = value
    book["Dataset"].cell(2, _column(book["Dataset"], "Licence")).value = \
        "Open Government Licence v3.0"
    return book


def test_titles_and_wrong_case_typed_in_a_workbook_become_codes_with_advice(tmp_path):
    book = _typed_club(tmp_path)
    book.save(tmp_path / "typed.xlsx")
    before = find_codelist("1.2", "evaluator")
    assert before.get("co-produced") is not None
    report = validate(tmp_path / "typed.xlsx")
    assert report.valid and report.errors == []
    data = report.data
    project, original = data["projects"][0], CLUB["projects"][0]
    assert project["status"] == original["status"] == "active"
    assert project["participationLevel"] == "co-production"
    assert project["purposes"] == ["service-design", "service-delivery"]
    assert data["license"] == \
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    advice = {(i.location.sheet, i.location.column_title): i for i in report.issues
              if i.code == "title-used-for-code"}
    # a difference of capitals only is read silently, as a dropdown lets it through
    assert set(advice) == {("Projects", "Purposes"), ("Projects", "Evaluation: Evaluator"),
                           ("Dataset", "Licence")}
    purposes = advice[("Projects", "Purposes")]
    letter = get_column_letter(_column(book["Projects"], "Purposes"))
    assert purposes.severity.value == "advisory" and purposes.location.row == 2
    assert f"cell {letter}2" in purposes.message and "'service-design'" in purposes.message
    assert "'co-produced'" in advice[("Projects", "Evaluation: Evaluator")].message


def test_titles_typed_in_csv_files_become_codes_too(tmp_path):
    write(CLUB, "1.2", "csv", tmp_path / "club")
    text = (tmp_path / "club" / "projects.csv").read_text()
    assert ",active," in text
    (tmp_path / "club" / "projects.csv").write_text(text.replace(",active,", ",Active ,", 1))
    report = validate(tmp_path / "club")
    assert report.valid and report.data["projects"][0]["status"] == "active"


def test_json_is_never_converted(tmp_path):
    data = copy.deepcopy(CLUB)
    data["projects"][0]["status"] = "Active"
    report = validate(data)
    assert not report.valid and "title-used-for-code" not in {i.code for i in report.issues}


def test_an_ambiguous_title_stays_an_error_with_the_choices(tmp_path):
    """'Not stated' is a title in the ONS and the NHS lists: it is kept as typed, and the
    one error for it names the list the classification chose and that list's codes."""
    write(CLUB, "1.2", "xlsx", tmp_path / "club.xlsx")
    book = openpyxl.load_workbook(tmp_path / "club.xlsx")
    counts = book["Ethnicity counts"]
    column = _column(counts, "Ethnicity")
    counts.cell(2, column).value = "Not stated"
    book.save(tmp_path / "ambiguous.xlsx")
    report = validate(tmp_path / "ambiguous.xlsx")
    assert not report.valid
    assert "title-used-for-code" not in {i.code for i in report.issues}
    found = [i for i in report.issues if i.severity.value == "error"]
    assert len(found) == 1 and found[0].code == "invalid-code"
    where = found[0].location
    assert (where.sheet, where.row, where.column_letter) == \
        ("Ethnicity counts", 2, get_column_letter(column))
    assert "'ethnicity-ons-2021'" in found[0].message and "'not-stated'" in found[0].message
    assert "white-british" in found[0].fix


def test_empty_practices_show_the_codes_and_other_alone_is_not_met():
    data = copy.deepcopy(CLUB)
    data["projects"][0]["principles"]["accessibility"]["practices"] = []
    report = validate(data)
    found = [i for i in report.issues if i.code == "principle-practice-missing"]
    assert len(found) == 1
    assert "Easy Read (easy-read)" in found[0].fix and "hybrid-meetings" in found[0].fix
    assert "other" not in found[0].fix.replace("others", "")
    project = copy.deepcopy(CLUB["projects"][0])
    for name in ("equality", "diversity", "accessibility", "reciprocity"):
        project["principles"][name]["practices"] = ["other"]
    results = assess(project, "1.2")
    assert [r.status for r in results] == ["partly met"] * 4
    assert all("only 'other' is coded" in r.summary for r in results)
