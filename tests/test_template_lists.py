"""Lists of codes over repeated columns (issue 20, point 1): the template and every workbook
give each list of codes "Purposes", "Purposes 2", ... with a dropdown each (refusing for a
closed list); reading takes those columns, the old one-cell form with semicolons, and both
in one row; messages name the column that holds the code; CSV files keep one cell; and
LibreOffice saves a template filled through the dropdowns as XLSX and ODS that read back
with every code."""

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
from coprod_standard.tabular.repeated import CAP, places, spreads, template_repeats
from coprod_standard.tabular.rules import normalise, tables
from coprod_standard.writers import write
from coprod_standard.writers.csv_out import descriptor
from coprod_standard.writers.responses_out import READ_ME as RESPONSES_READ_ME
from coprod_standard.writers.xlsx_out import workbook_bytes
from tests.conftest import ROOT
from tests.test_tabular import same_json

CLUB = json.loads((ROOT / "examples" / "dementia-club.json").read_text())
VERSION = CLUB["version"]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
MORE_ACCESS = ["easy-read", "hybrid-meetings"]  # beyond the template's six columns


def headings(sheet) -> list[str]:
    return [c.value for c in sheet[1]]


def column(sheet, heading: str) -> int:
    return headings(sheet).index(heading) + 1


def dropdowns(sheet) -> dict[str, object]:
    """Column letter -> the data validation covering its row 2."""
    found = {}
    for check in sheet.data_validations.dataValidation:
        for cells in str(check.sqref).split():
            start = cells.split(":")[0]
            if start.endswith("2") and start[:-1].isalpha():
                found[start[:-1]] = check
    return found


def offered(book, formula: str) -> list[str]:
    first, last = (int(n.rstrip(":")) for n in formula.split("$")[2::2])
    return [book["Codes"].cell(n, 2).value for n in range(first, last + 1)]


def club_with_more_access() -> dict:
    data = copy.deepcopy(CLUB)
    data["projects"][0]["principles"]["accessibility"]["practices"] += MORE_ACCESS
    return data


@pytest.mark.parametrize("version", version_names())
def test_every_list_of_codes_has_repeated_columns_with_dropdowns(version):
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(None, version)))
    lists = 0
    for table in tables(version):
        sheet = book[table.name]
        names = headings(sheet)
        checks = dropdowns(sheet)
        for col in table.columns:
            if not spreads(col):
                assert f"{col.heading} 2" not in names  # other lists stay one cell
                continue
            lists += 1
            size = sum(len(find_codelist(version, n).codes) for n in col.field.codelists)
            count = template_repeats(col, version)
            assert count == min(size, CAP) and count > 1
            start = names.index(col.heading)
            wanted = [col.heading] + [f"{col.heading} {n}" for n in range(2, count + 1)]
            assert names[start:start + count] == wanted
            assert f"{col.heading} {count + 1}" not in names
            for number in range(start + 1, start + count + 1):
                check = checks[get_column_letter(number)]
                codes = [c.code for n in col.field.codelists
                         for c in find_codelist(version, n).codes]
                assert offered(book, check.formula1) == codes
                # a closed list's dropdown refuses anything else, in every repeated column
                assert bool(check.showErrorMessage) == (not col.field.open_codelist)
    assert lists >= 9


def test_a_longer_list_gets_as_many_columns_as_it_needs(tmp_path):
    data = club_with_more_access()
    write(data, VERSION, "xlsx", tmp_path / "club.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "club.xlsx")["Projects"]
    names = headings(sheet)
    assert "Accessibility: measures 8" in names and "Accessibility: measures 9" not in names
    row = [c.value for c in sheet[2]]
    start = names.index("Accessibility: measures")
    assert row[start:start + 8] == data["projects"][0]["principles"]["accessibility"][
        "practices"]
    report = validate(tmp_path / "club.xlsx")
    assert report.valid and same_json(report.data, data)


def test_csv_and_data_packages_keep_one_cell(tmp_path):
    write(CLUB, VERSION, "datapackage", tmp_path / "package")
    text = (tmp_path / "package" / "projects.csv").read_text()
    assert "Purposes 2" not in text.splitlines()[0]
    assert "service-delivery;service-design" in text
    fields = {f["name"]: f for r in descriptor(CLUB, VERSION)["resources"]
              if r["name"] == "projects" for f in r["schema"]["fields"]}
    assert fields["Purposes"]["type"] == "list" and fields["Purposes"]["delimiter"] == ";"
    report = validate(tmp_path / "package" / "datapackage.json")
    assert report.valid and same_json(report.data, CLUB)


def _club_book(tmp_path):
    write(CLUB, VERSION, "xlsx", tmp_path / "club.xlsx")
    return openpyxl.load_workbook(tmp_path / "club.xlsx")


def test_old_one_cell_form_and_repeated_columns_merge_in_one_row(tmp_path):
    book = _club_book(tmp_path)
    sheet = book["Projects"]
    # the old form in the first column, one more code in the third, one repeated
    sheet.cell(2, column(sheet, "Stages")).value = "define; design"
    sheet.cell(2, column(sheet, "Stages 2")).value = None
    sheet.cell(2, column(sheet, "Stages 3")).value = "Design"  # a title, read as design
    sheet.cell(2, column(sheet, "Stages 5")).value = "evaluate"
    sheet.cell(2, column(sheet, "Stages 4")).value = None
    book.save(tmp_path / "mixed.xlsx")
    report = validate(tmp_path / "mixed.xlsx")
    assert report.valid, [i.message for i in report.errors]
    assert report.data["projects"][0]["stages"] == ["define", "design", "evaluate"]
    # a code given twice is read once, silently; nothing else changes
    assert [i.code for i in report.issues if i.severity.value != "advisory"] == []


def test_an_old_template_with_one_cell_lists_still_reads(tmp_path):
    """A workbook from before the repeated columns: one 'Purposes' cell with semicolons."""
    book = _club_book(tmp_path)
    sheet = book["Projects"]
    for heading in headings(sheet):
        base = heading.rsplit(" ", 1)[0]
        if heading.rsplit(" ", 1)[-1].isdigit() and base in headings(sheet):
            extra = sheet.cell(2, column(sheet, heading)).value
            if extra:
                first = sheet.cell(2, column(sheet, base))
                first.value = f"{first.value}; {extra}"
            sheet.delete_cols(column(sheet, heading))
    assert "Purposes 2" not in headings(sheet)
    book.save(tmp_path / "old.xlsx")
    report = validate(tmp_path / "old.xlsx")
    assert report.valid and same_json(report.data, CLUB)


def test_repeated_columns_in_any_order_or_number_and_as_json_paths(tmp_path):
    book = _club_book(tmp_path)
    sheet = book["Projects"]
    # the codes of Purposes: only in its second column, and in a 9th added at the end
    sheet.cell(2, column(sheet, "Purposes")).value = None
    end = sheet.max_column + 1
    sheet.cell(1, end).value = "purposes 9"
    sheet.cell(2, end).value = "policy"
    book.save(tmp_path / "order.xlsx")
    report = validate(tmp_path / "order.xlsx")
    assert report.data["projects"][0]["purposes"] == ["service-design", "policy"]
    assert not [i for i in report.issues if i.code in ("unknown-column", "duplicate-column")]


def test_a_repeated_heading_given_twice_is_a_duplicate(tmp_path):
    book = _club_book(tmp_path)
    sheet = book["Projects"]
    sheet.cell(1, column(sheet, "Purposes 3")).value = "Purposes 2"
    book.save(tmp_path / "twice.xlsx")
    found = [i for i in validate(tmp_path / "twice.xlsx").issues
             if i.code == "duplicate-column"]
    assert len(found) == 1 and found[0].location.column_title == "Purposes 2"


def test_messages_name_the_column_that_holds_the_code(tmp_path):
    book = _club_book(tmp_path)
    sheet = book["Projects"]
    wrong = column(sheet, "Themes 3")
    titled = column(sheet, "Purposes 2")
    sheet.cell(2, wrong).value = "gardening"
    sheet.cell(2, column(sheet, "Themes 2")).value = None  # a gap: the code is item 2
    sheet.cell(2, titled).value = "Improve service design"
    book.save(tmp_path / "wrong.xlsx")
    report = validate(tmp_path / "wrong.xlsx")
    [error] = report.errors
    assert error.code == "invalid-code"
    assert error.message.startswith("'Themes' is 'gardening', which is not a code")
    assert (error.location.sheet, error.location.row, error.location.column_letter,
            error.location.column_title) == ("Projects", 2, get_column_letter(wrong),
                                             "Themes 3")
    [advice] = [i for i in report.issues if i.code == "title-used-for-code"]
    letter = get_column_letter(titled)
    assert advice.location.column_letter == letter
    assert advice.location.column_title == "Purposes 2"
    assert f"cell {letter}2" in advice.message


def test_no_heading_of_the_standard_reads_as_a_repeat():
    """'X 2' never names another column: no heading is a list's heading and a number."""
    for version in version_names():
        for table in tables(version):
            lists = {normalise(c.heading) for c in table.columns if c.kind == "list"}
            for col in table.columns:
                base, _, number = normalise(col.heading).rpartition(" ")
                assert not (number.isdigit() and base in lists), col.heading


def test_the_read_me_sheets_give_the_web_page_and_the_command():
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(None)))
    text = " ".join(str(c.value) for c in book["Read me"]["A"] if c.value)
    assert "checking web page" in text and "coprod validate this-file.xlsx" in text
    assert "Purposes 2" in text
    responses = " ".join(RESPONSES_READ_ME)
    assert "checking web page" in responses and "coprod aggregate" in responses


def _fill_template(tmp_path, data: dict):
    """The template filled as a person would: each row's values typed under their
    headings, each code of a list chosen in its own repeated column from that column's
    dropdown (asserted to offer it), codes past the template's columns in added columns."""
    write(data, VERSION, "xlsx", tmp_path / "source.xlsx")
    source = openpyxl.load_workbook(tmp_path / "source.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(None, VERSION)))
    for table in tables(VERSION):
        given, sheet = source[table.name], book[table.name]
        names = headings(sheet)
        checks = dropdowns(sheet)
        for row in given.iter_rows(min_row=2, values_only=True):
            if not any(v is not None for v in row):
                continue
            target = 2 if table.name == "Dataset" else sheet.max_row + 1
            for heading, value in zip(headings(given), row, strict=True):
                if value is None:
                    continue
                if heading not in names:  # a repeated column the template lacks: add it
                    sheet.cell(1, len(names) + 1).value = heading
                    names.append(heading)
                number = names.index(heading) + 1
                check = checks.get(get_column_letter(number))
                if check is not None and check.showErrorMessage and "Codes" in \
                        str(check.formula1):
                    assert value in offered(book, check.formula1), (heading, value)
                sheet.cell(target, number).value = value
    book.save(tmp_path / "filled.xlsx")
    return tmp_path / "filled.xlsx"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; "
                    "tests/run.sh installs Debian's libreoffice-calc-nogui")
def test_a_template_filled_through_the_dropdowns_round_trips_through_libreoffice(tmp_path):
    data = club_with_more_access()
    filled = _fill_template(tmp_path, data)
    sheet = openpyxl.load_workbook(filled)["Projects"]
    assert "Accessibility: measures 8" in headings(sheet)  # added by hand, as the Read me says
    saved = {}
    for fmt in ("xlsx", "ods"):
        subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                        "--headless", "--convert-to", fmt, "--outdir",
                        str(tmp_path / f"saved-{fmt}"), str(filled)],
                       check=True, capture_output=True, timeout=600)
        saved[fmt] = tmp_path / f"saved-{fmt}" / f"filled.{fmt}"
    for fmt, path in saved.items():
        report = validate(path)
        assert report.valid, (fmt, [i.message for i in report.errors])
        assert not [i for i in report.issues if i.code == "formula-cell"], fmt
        assert same_json(report.data, data), fmt
        project = report.data["projects"][0]
        assert project["principles"]["accessibility"]["practices"][-2:] == MORE_ACCESS
    # LibreOffice keeps a refusing dropdown on every repeated column it saves
    book = openpyxl.load_workbook(saved["xlsx"])
    sheet = book["Projects"]
    checks = dropdowns(sheet)
    for heading, code in (("Purposes", "service-design"), ("Purposes 2", "service-design"),
                          (f"Purposes {CAP}", "policy"), ("Stages 5", "evaluate")):
        check = checks[get_column_letter(column(sheet, heading))]
        assert check.showErrorMessage and code in offered(book, check.formula1), heading


def test_places_follow_the_template_for_every_version():
    for version in version_names():
        for table in tables(version):
            spread = places(table, version)
            assert [p.heading for p in spread if p.n == 1] == [c.heading for c in table.columns]


def test_a_sheet_saved_as_csv_with_its_repeated_columns_reads_the_same(tmp_path):
    write(CLUB, VERSION, "csv", tmp_path / "club")
    path = tmp_path / "club" / "projects.csv"
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    assert lines[0].startswith("Project identifier,") and ",Purposes," in lines[0]
    lines[0] = lines[0].replace(",Purposes,", ",Purposes,Purposes 2,")
    lines[1] = lines[1].replace(",service-delivery;service-design,",
                                ",service-delivery,service-design,")
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    report = validate(tmp_path / "club")
    assert report.valid and same_json(report.data, CLUB)
