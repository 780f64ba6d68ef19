"""Spreadsheets and tables: exact round trips, cell-located issues, Excel's habits."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime

import openpyxl
import pytest

from coprod_standard import validate
from coprod_standard.readers import read
from coprod_standard.tabular.rules import tables
from coprod_standard.writers import render, write
from coprod_standard.writers.xlsx_out import workbook_bytes
from tests.conftest import EXAMPLES, ROOT

MINIMAL = json.loads((ROOT / "examples" / "minimal.json").read_text())
FORMATS = [("xlsx", "book.xlsx"), ("csv", "tables"), ("csv-zip", "tables.zip"),
           ("datapackage", "package"), ("datapackage-zip", "package.zip")]


def same_json(a, b) -> bool:
    """Equal as JSON values: numbers by value (6 and 6.0 are one JSON number), but true is
    never 1, and every key and item must match."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("fmt,name", FORMATS, ids=[f for f, _ in FORMATS])
@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_round_trip_gives_back_exactly_the_original(example, fmt, name, tmp_path):
    original = json.loads(example.read_text())
    write(original, original["version"], fmt, tmp_path / name)
    back = read(tmp_path / name)
    assert back.issues == []
    assert same_json(back.data, original)
    if fmt != "xlsx":  # CSV keeps even the written form of every number
        assert json.dumps(back.data, sort_keys=True) == json.dumps(original, sort_keys=True)


def test_tables_are_derived_from_the_schema():
    names = [t.name for t in tables("1.0")]
    assert names[:3] == ["Dataset", "Projects", "Partner organisations"]
    assert {"Participant groups", "Ethnicity counts", "Outcomes", "Indicators", "Results",
            "Costs"} <= set(names)
    projects = next(t for t in tables("1.0") if t.name == "Projects")
    headings = {c.json_heading: c.heading for c in projects.columns}
    assert headings["evaluation/design"] == "Evaluation design"  # a one-to-one object, rolled in
    assert headings["areas"] == "Areas"  # a list of codes in one cell
    results = next(t for t in tables("1.0") if t.name == "Results")
    assert [c.heading for c in results.link_columns] == [
        "Project identifier", "Outcome identifier", "Indicator identifier"]
    for table in tables("1.0"):
        assert len(table.name) <= 31
        lower = [c.heading.lower() for c in table.columns]
        assert len(lower) == len(set(lower)), table.name


def _workbook(data=None) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(data or MINIMAL, "1.0")))


def _save(book, path):
    book.save(path)
    return path


def _cell(book, sheet, heading, row=2):
    ws = book[sheet]
    column = [c.value for c in ws[1]].index(heading) + 1
    return ws.cell(row, column)


def test_a_hand_broken_workbook_gives_cell_located_issues(tmp_path, coprod):
    book = _workbook()
    _cell(book, "Projects", "Start date").value = "01/02/2024"  # could be either order
    _cell(book, "Projects", "Status").value = "finished"
    _cell(book, "Participant groups", "Number of people").value = "ten"
    _cell(book, "Projects", "End date", row=1).value = "Ending date"
    path = _save(book, tmp_path / "broken.xlsx")
    report = validate(path, level="schema")
    where = {i.code: i.location for i in report.issues}
    assert (where["invalid-date"].sheet, where["invalid-date"].column_letter,
            where["invalid-date"].row, where["invalid-date"].column_title) == (
        "Projects", "J", 2, "Start date")
    assert where["invalid-code"].describe() == "sheet Projects, cell L2 (Status)"
    assert where["wrong-type"].describe() == "sheet Participant groups, cell E2 (Number of people)"
    unknown = next(i for i in report.issues if i.code == "unknown-column")
    assert unknown.location.describe() == "sheet Projects, cell K1 (Ending date)"
    assert "Did you mean 'End date'?" in unknown.message
    grid = next(i for i in report.issues if i.code == "invalid-date").context
    assert grid["focus"] == {"row": 2, "column": "J"}
    assert grid["rows"][0]["cells"][1] == "Start date"
    text = coprod("validate", "--level", "schema", path).stdout
    assert "sheet Projects, cell J2 (Start date)" in " ".join(text.split())
    assert "[01/02/2024]" in text  # the grid marks the cell at fault


def test_rows_that_do_not_fit_are_reported_not_dropped_silently(tmp_path):
    book = _workbook()
    ws = book["Participant groups"]
    ws.append(["GB-CHC-9990001-nobody", "carers", "unpaid-carer", None, 10])
    ws.append([None, "orphan", "unpaid-carer", None, 10])
    ws.cell(1, 20).value = None
    ws.cell(2, 20).value = "data without a heading"
    ws.cell(1, 21).value = "Role"
    report = validate(_save(book, tmp_path / "rows.xlsx"), level="schema")
    codes = {i.code: i.location.describe() for i in report.issues}
    assert codes["orphan-row"] == "sheet Participant groups, cell A3 (Project identifier)"
    assert codes["missing-link"] == "sheet Participant groups, cell A4 (Project identifier)"
    assert codes["blank-column-heading"] == "sheet Participant groups, cell T2"
    assert codes["duplicate-column"] == "sheet Participant groups, cell U1 (Role)"


def test_unknown_sheets_are_reported_and_notes_sheets_ignored(tmp_path):
    book = _workbook()
    book.create_sheet("Projets")
    book.create_sheet("Notes")
    report = validate(_save(book, tmp_path / "sheets.xlsx"), level="schema")
    [issue] = [i for i in report.issues if i.code == "unknown-sheet"]
    assert "Did you mean 'Projects'?" in issue.message


def _csv_folder(tmp_path, table_file, rows, encoding="utf-8"):
    folder = tmp_path / "csv"
    write(MINIMAL, "1.0", "csv", folder)
    lines = (folder / table_file).read_text(encoding="utf-8").splitlines()
    (folder / table_file).write_bytes("\r\n".join([lines[0], *rows]).encode(encoding) + b"\r\n")
    return folder


def test_excel_habits_in_csv_files(tmp_path):
    folder = tmp_path / "csv"
    write(MINIMAL, "1.0", "csv", folder)
    groups = (folder / "participant-groups.csv").read_text().splitlines()
    # numbers stored as text, "5.0" for 5, leading zeros kept, a byte-order mark
    groups[1] = groups[1].replace("members,person-drawing-on-care,,10",
                                  "007,person-drawing-on-care,,15.0")
    (folder / "participant-groups.csv").write_bytes(
        b"\xef\xbb\xbf" + "\r\n".join(groups).encode() + b"\r\n")
    project = (folder / "projects.csv").read_text(encoding="utf-8")
    (folder / "projects.csv").write_bytes(project.replace("An invented example",
                                                          "Café example").encode("cp1252"))
    result = read(folder)
    group = result.data["projects"][0]["participantGroups"][0]
    assert group["id"] == "007" and group["count"] == 15 and isinstance(group["count"], int)
    assert result.data["projects"][0]["description"].startswith("Café example")
    assert [i.code for i in result.issues] == ["legacy-encoding"]


def test_excel_dates_serials_and_the_1904_system(tmp_path):
    for epoch, serial in ((openpyxl.utils.datetime.CALENDAR_WINDOWS_1900, 45292),
                          (openpyxl.utils.datetime.CALENDAR_MAC_1904, 43830)):
        book = _workbook()
        book.epoch = epoch
        _cell(book, "Projects", "Start date").value = serial  # a bare serial number
        _cell(book, "Dataset", "Date published").value = datetime(2026, 4, 1)
        result = read(_save(book, tmp_path / "dates.xlsx"))
        assert result.data["projects"][0]["startDate"] == "2024-01-01"
        assert result.data["publishedDate"] == "2026-04-01"


def test_a_sheet_formatted_to_the_last_row_is_read_in_bounded_time(tmp_path):
    book = _workbook()
    ws = book["Projects"]
    for row in range(3, 30):
        ws.cell(row, 1).value = None
    ws.cell(1_048_576, 60).value = ""  # Excel's last row, with an empty cell
    ws.cell(1_048_576, 60).number_format = "@"
    result = read(_save(book, tmp_path / "formatted.xlsx"))
    assert len(result.data["projects"]) == 1 and result.issues == []


def test_formulas_are_neutralised_on_export_and_numbers_stay_numbers(tmp_path):
    data = json.loads(json.dumps(MINIMAL))
    project = data["projects"][0]
    project["description"] = "=HYPERLINK(\"https://evil.example\",\"click\")"
    project["title"] = "+SUM(1,1)"
    project["participantGroups"][0]["description"] = "@cmd|' /C calc'!A0"
    project["principles"]["equality"]["evidence"] = "-1+1 is not a formula here"
    book = openpyxl.load_workbook(io.BytesIO(render(data, "1.0", "xlsx")))
    for sheet, heading in (("Projects", "Description"), ("Projects", "Project title"),
                           ("Participant groups", "Description")):
        cell = _cell(book, sheet, heading)
        assert cell.data_type == "s" and cell.value.startswith("'")
    count = _cell(book, "Participant groups", "Number of people")
    assert count.data_type == "n" and count.value == 10
    files = render(data, "1.0", "csv")
    assert "'=HYPERLINK" in files["projects.csv"].decode()
    write(data, "1.0", "xlsx", tmp_path / "safe.xlsx")
    write(data, "1.0", "csv", tmp_path / "safe")
    for path in (tmp_path / "safe.xlsx", tmp_path / "safe"):
        assert same_json(read(path).data, data)  # neutralising is undone on reading


def test_the_template_has_notes_dropdowns_formats_and_a_read_me(tmp_path, coprod):
    result = coprod("template", tmp_path / "template.xlsx")
    assert result.returncode == 0
    book = openpyxl.load_workbook(tmp_path / "template.xlsx")
    assert book.sheetnames[0] == "Read me" and book["Codes"].sheet_state == "visible"
    assert {t.name for t in tables("1.0")} <= set(book.sheetnames)
    projects = book["Projects"]
    headings = [c.value for c in projects[1]]
    status = headings.index("Status") + 1
    assert "Whether the project is planned" in projects.cell(1, status).comment.text
    letter = openpyxl.utils.get_column_letter(status)
    dropdowns = [dv for dv in projects.data_validations.dataValidation
                 if f"{letter}2" in str(dv.sqref).split(":")[0]]
    assert dropdowns and dropdowns[0].type == "list"
    assert dropdowns[0].formula1.startswith("'Codes'!$B$")
    first, last = (int(n.rstrip(":")) for n in dropdowns[0].formula1.split("$")[2::2])
    codes = [book["Codes"].cell(n, 2).value for n in range(first, last + 1)]
    assert {"planned", "active", "completed"} <= set(codes)
    id_letter = openpyxl.utils.get_column_letter(headings.index("Project identifier") + 1)
    date_letter = openpyxl.utils.get_column_letter(headings.index("Start date") + 1)
    assert projects.column_dimensions[id_letter].number_format == "@"
    assert projects.column_dimensions[date_letter].number_format == "yyyy-mm-dd"
    assert coprod("template", tmp_path / "template.xlsx").returncode == 2  # no overwrite


def test_a_filled_template_validates(tmp_path):
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(None, "1.0")))
    filled = openpyxl.load_workbook(io.BytesIO(workbook_bytes(MINIMAL, "1.0")))
    for table in tables("1.0"):
        for row in filled[table.name].iter_rows(min_row=2, values_only=True):
            book[table.name].append(list(row))
    book["Dataset"].delete_rows(2)  # the template's own row holds only the version
    report = validate(_save(book, tmp_path / "filled.xlsx"))
    assert report.errors == [] and report.valid


def test_convert_cli(tmp_path, coprod):
    src = ROOT / "examples" / "dementia-club.json"
    assert coprod("convert", src, tmp_path / "club.xlsx").returncode == 0
    done = coprod("convert", tmp_path / "club.xlsx", tmp_path / "club.json")
    assert done.returncode == 0 and "1 project" in done.stdout
    assert same_json(json.loads((tmp_path / "club.json").read_text()),
                     json.loads(src.read_text()))
    assert coprod("convert", src, tmp_path / "club.json").returncode == 2  # exists
    assert coprod("convert", src, tmp_path / "club.json", "--force").returncode == 0
    assert coprod("convert", src, src).returncode == 2  # would overwrite the input
    assert coprod("convert", src, tmp_path / "x.txt").returncode == 2  # no format
    assert coprod("convert", src, tmp_path / "pkg" / "datapackage.json").returncode == 0
    assert (tmp_path / "pkg" / "datapackage.json").is_file()
    (tmp_path / "bad.json").write_text("{")
    assert coprod("convert", tmp_path / "bad.json", tmp_path / "bad.xlsx").returncode == 3
    book = openpyxl.load_workbook(tmp_path / "club.xlsx")
    book["Projects"].cell(1, 60).value = "Notes"
    book["Projects"].cell(2, 60).value = "not carried over"
    book.save(tmp_path / "extra.xlsx")
    lossy = coprod("convert", tmp_path / "extra.xlsx", tmp_path / "extra.json")
    assert lossy.returncode == 1 and "The column 'Notes' is not part of" in lossy.stdout


def test_the_exported_data_package_passes_frictionless_validate(tmp_path):
    import subprocess
    import sys

    for example in EXAMPLES:
        folder = tmp_path / example.stem
        data = json.loads(example.read_text())
        write(data, data["version"], "datapackage", folder)
        result = subprocess.run([sys.executable, "-m", "frictionless", "validate",
                                 str(folder / "datapackage.json"), "--json"],
                                capture_output=True, text=True, timeout=600)
        report = json.loads(result.stdout)
        assert report["valid"] is True, json.dumps(report)[:2000]
        assert result.returncode == 0


def test_data_package_keys_and_enums_come_from_the_schema():
    from coprod_standard.writers.csv_out import descriptor

    package = descriptor(MINIMAL, "1.0")
    resources = {r["name"]: r for r in package["resources"]}
    results = resources["results"]["schema"]
    assert results["primaryKey"] == ["Project identifier", "Outcome identifier",
                                     "Indicator identifier", "Report identifier"]
    assert results["foreignKeys"][0]["reference"]["resource"] == "indicators"
    fields = {f["name"]: f for f in resources["projects"]["schema"]["fields"]}
    assert fields["Status"]["constraints"]["enum"][0] == "planned"
    assert fields["Status"]["constraints"]["required"] is True
    assert fields["Start date"]["type"] == "date"
    assert fields["Areas"]["type"] == "list" and fields["Areas"]["delimiter"] == ";"
    assert "required" not in fields["Evaluation design"].get("constraints", {})


def test_zipped_csv_and_single_csv_files_are_read(tmp_path):
    data = render(MINIMAL, "1.0", "csv-zip")
    assert zipfile.is_zipfile(io.BytesIO(data))
    assert same_json(read(data).data, MINIMAL)
    project_only = tmp_path / "projects.csv"
    project_only.write_bytes(render(MINIMAL, "1.0", "csv")["projects.csv"])
    result = read(project_only)
    assert result.data["projects"][0]["id"] == MINIMAL["projects"][0]["id"]


def test_column_letters_and_date_serials_match_openpyxl():
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, from_excel

    from coprod_standard.tabular.letters import (
        MAC_1904,
        column_letter,
        column_number,
        excel_date,
    )

    for n in (1, 26, 27, 52, 53, 702, 703, 16384):
        assert column_letter(n) == get_column_letter(n) and column_number(column_letter(n)) == n
    for serial in (1, 59, 60, 61, 45292, 43830.5):
        assert excel_date(serial) == from_excel(serial)
        assert excel_date(serial, MAC_1904) == from_excel(serial, CALENDAR_MAC_1904)
