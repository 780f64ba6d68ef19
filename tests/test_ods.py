"""OpenDocument spreadsheets (.ods) and old .xls files read with a workbook's cell places;
.ods written from the workbook; hostile .ods and .xls refused with a plain message;
LibreOffice's boolean formulas; CSV files named as spreadsheets name them. LibreOffice
itself is in tests/test_libreoffice.py."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from datetime import datetime, time

import pytest

from coprod_standard import validate
from coprod_standard.limits import Limits
from coprod_standard.readers import Unreadable, read
from coprod_standard.tabular.formulas import formula_cells
from coprod_standard.tabular.ods import MOST_CELLS, ods_tables
from coprod_standard.writers import render
from coprod_standard.writers.csv_out import csv_texts
from coprod_standard.writers.ods_out import MIMETYPE, workbook_ods
from coprod_standard.writers.xlsx_out import workbook_bytes
from tests.conftest import ROOT, run_coprod
from tests.test_tabular import same_json

CLUB = json.loads((ROOT / "examples" / "dementia-club.json").read_text())
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def ods(content: str | bytes, mimetype: str = MIMETYPE, extra: dict | None = None) -> bytes:
    """An .ods file whose content.xml holds CONTENT (a spreadsheet body, or whole XML)."""
    if isinstance(content, str) and not content.startswith("<?xml"):
        content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}>'
                   f"<office:body><office:spreadsheet>{content}</office:spreadsheet>"
                   "</office:body></office:document-content>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        for name, data in {"content.xml": content, **(extra or {})}.items():
            if data is not None:
                archive.writestr(name, data)
    return buffer.getvalue()


def invalid_club() -> dict:
    """The example with mistakes on three sheets: a text date, a wrong code, a bad count."""
    data = copy.deepcopy(CLUB)
    project = data["projects"][0]
    project["startDate"] = "31/01/2024"
    project["status"] = "going-well"
    project["participantGroups"][0]["count"] = "twelve"
    return data


def places(report) -> list[tuple]:
    return sorted((i.code, i.location.sheet, i.location.row, i.location.column_letter,
                   i.location.column_title) for i in report.issues
                  if i.location and i.location.sheet)


def test_ods_issues_have_the_same_cells_as_xlsx():
    data = invalid_club()
    from_xlsx = validate(workbook_bytes(data, data["version"]), name="club.xlsx")
    from_ods = validate(workbook_ods(data, data["version"]), name="club.ods")
    assert places(from_ods) == places(from_xlsx)
    found = {(i.location.sheet, i.location.column_title) for i in from_ods.issues
             if i.location and i.location.row}
    assert ("Projects", "Start date") in found
    assert ("Projects", "Status") in found


def test_ods_round_trip_keeps_every_value():
    for data in (CLUB, json.loads((ROOT / "examples" / "minimal.json").read_text())):
        from_ods = read(workbook_ods(data, data["version"]), name="x.ods")
        from_xlsx = read(workbook_bytes(data, data["version"]), name="x.xlsx")
        assert same_json(from_ods.data, from_xlsx.data)
        assert [i.code for i in from_ods.issues] == [i.code for i in from_xlsx.issues]


def test_ods_cells_as_written():
    """Repeated rows and cells, empty rows and columns before the data, covered cells,
    kept spaces and line breaks, notes, and every value type."""
    body = (
        '<table:table table:name="Sheet one">'
        '<table:table-row><table:table-cell office:value-type="string">'
        '<office:annotation><text:p>a note</text:p></office:annotation>'
        "<text:p>Name</text:p></table:table-cell>"
        '<table:table-cell table:number-columns-repeated="2"/>'
        '<table:table-cell office:value-type="string"><text:p>Far</text:p></table:table-cell>'
        "</table:table-row>"
        '<table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>'
        '<table:table-row table:number-rows-repeated="2">'
        '<table:table-cell office:value-type="string"><text:p><text:s text:c="2"/>a'
        '<text:s text:c="2"/>b<text:tab/>c</text:p><text:p>line two</text:p>'
        "</table:table-cell>"
        '<table:covered-table-cell table:number-columns-repeated="2"/>'
        '<table:table-cell office:value-type="float" office:value="2.5"/>'
        "</table:table-row>"
        '<table:table-row><table:table-cell office:value-type="date" '
        'office:date-value="2025-03-31"/><table:table-cell office:value-type="date" '
        'office:date-value="2025-03-31T14:00:00"/><table:table-cell office:value-type='
        '"time" office:time-value="PT14H05M00S"/><table:table-cell office:value-type='
        '"boolean" office:boolean-value="true"/><table:table-cell office:value-type="float" '
        'office:value="0" table:formula="of:=FALSE()"/><table:table-cell office:value-type='
        '"float" office:value="7" table:formula="of:=3+4"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row>'
        "</table:table>")
    [table] = ods_tables(ods(body), "x.ods", Limits())
    rows = list(table.grid())
    assert rows[0] == ["Name", None, None, "Far"]
    assert rows[1:4] == [[], [], []]
    assert rows[4] == rows[5] == ["  a  b\tc\nline two", None, None, 2.5]
    assert rows[6] == [datetime(2025, 3, 31), datetime(2025, 3, 31, 14), time(14, 5), True,
                       False, 7]
    assert len(rows) == 7
    assert table.formulas == [("F", 7)] and table.formula_count == 1


def test_ods_formula_is_reported_with_its_cell():
    body = ('<table:table table:name="Dataset"><table:table-row><table:table-cell '
            'office:value-type="string"><text:p>Standard version</text:p></table:table-cell>'
            '<table:table-cell office:value-type="string"><text:p>Dataset title</text:p>'
            "</table:table-cell></table:table-row><table:table-row><table:table-cell "
            'office:value-type="string"><text:p>1.1</text:p></table:table-cell>'
            '<table:table-cell office:value-type="string" table:formula="of:=&quot;A&quot;&amp;'
            '&quot;B&quot;"><text:p>AB</text:p></table:table-cell></table:table-row>'
            "</table:table>")
    report = validate(ods(body), name="x.ods")
    [formula] = [i for i in report.issues if i.code == "formula-cell"]
    where = formula.location
    assert (where.sheet, where.row, where.column_letter, where.column_title) == (
        "Dataset", 2, "B", "Dataset title")


def test_libreoffice_boolean_formulas_in_xlsx_are_not_formulas():
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData><row r="2"><c r="A2" t="b"><f aca="false">TRUE()</f><v>1</v></c>'
             '<c r="B2" t="b"><f>FALSE()</f><v>0</v></c><c r="C2"><f>1+1</f><v>2</v></c>'
             '<c r="D2"><f>TRUE()</f><v>1</v></c></row></sheetData></worksheet>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("sheet.xml", sheet)
    with zipfile.ZipFile(buffer) as archive:
        assert list(formula_cells(archive, "sheet.xml")) == [("C", 2), ("D", 2)]


def test_ods_writer_structure():
    data = workbook_ods(None)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype").decode() == MIMETYPE
        names = set(archive.namelist())
        assert {"META-INF/manifest.xml", "content.xml", "styles.xml"} <= names
        content = archive.read("content.xml").decode()
    assert "table:content-validation " in content
    assert "of:cell-content-is-in-list([$Codes." in content
    assert 'of:cell-content-is-in-list("TRUE";"FALSE")' in content
    assert 'table:name="Codes"' in content  # the visible Codes sheet the dropdowns use
    assert "style:column-width=" in content and "office:annotation" in content
    assert data[:len(b"PK")] == b"PK" and data[30:38] == b"mimetype"


def test_ods_booleans_and_dates_have_types():
    with zipfile.ZipFile(io.BytesIO(workbook_ods(CLUB, CLUB["version"]))) as archive:
        content = archive.read("content.xml").decode()
    assert 'office:value-type="boolean" office:boolean-value="false"' in content
    assert 'office:value-type="date" office:date-value="2023-09-01"' in content


def test_template_and_convert_write_ods(tmp_path):
    result = run_coprod("template", tmp_path / "t.ods")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "t.ods") as archive:
        assert archive.read("mimetype").decode() == MIMETYPE
    assert render(CLUB, CLUB["version"], "ods")[30:38] == b"mimetype"
    result = run_coprod("convert", ROOT / "examples" / "dementia-club.json", tmp_path / "c.ods")
    assert result.returncode == 0, result.stdout + result.stderr
    expected = read(workbook_bytes(CLUB, CLUB["version"])).data
    assert same_json(read(tmp_path / "c.ods").data, expected)
    result = run_coprod("template", "--kind", "responses", tmp_path / "r.ods")
    assert result.returncode == 0 and zipfile.ZipFile(tmp_path / "r.ods").read("mimetype")


HOSTILE = {
    "not a zip": ods("")[:60],
    "no content": ods(None),
    "not a spreadsheet": ods("<table:table/>", "application/vnd.oasis.opendocument.text"),
    "password": ods("x", extra={"META-INF/manifest.xml": "<m><encryption-data/></m>"}),
    "not XML": ods(b"<office:document-content><<<"),
    "entities": ods(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">'
                    b'<!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>'),
    "too deep": ods(b"<?xml version='1.0'?>" + b"<a>" * 200 + b"</a>" * 200),
    "too wide": ods('<table:table table:name="S"><table:table-row><table:table-cell '
                    'table:number-columns-repeated="16384"/><table:table-cell office:value-type'
                    '="float" office:value="1"/></table:table-row></table:table>'),
    "huge": ods('<table:table table:name="S"><table:table-row table:number-rows-repeated='
                '"1000000"><table:table-cell table:number-columns-repeated="16000" '
                'office:value-type="float" office:value="1"/></table:table-row></table:table>'),
    "zip bomb": ods(" " * 5_000_000),
}
SPACES = ('<table:table table:name="S"><table:table-row><table:table-cell><text:p>'
          + '<text:s text:c="40000"/>' * 50 + "</text:p></table:table-cell></table:table-row>"
          "</table:table>")


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_hostile_ods_is_refused_plainly(case, tmp_path):
    with pytest.raises(Unreadable) as caught:
        read(HOSTILE[case], name="x.ods")
    assert caught.value.issue.code in ("damaged-file", "unsafe-workbook")
    path = tmp_path / "x.ods"
    path.write_bytes(HOSTILE[case])
    result = run_coprod("validate", path)
    assert result.returncode == 3
    assert "Traceback" not in result.stdout + result.stderr
    assert "x.ods" in result.stdout


def test_ods_spaces_cannot_fill_memory():
    """A few bytes asking for millions of spaces: the cell is cut just past the longest a
    cell may be, and reported as too long, with its place."""
    [table] = ods_tables(ods(SPACES), "x.ods", Limits())
    assert len(table.rows[0][1][0]) == Limits().max_cell + 1
    body = ('<table:table table:name="Dataset"><table:table-row><table:table-cell '
            'office:value-type="string"><text:p>Dataset title</text:p></table:table-cell>'
            "</table:table-row><table:table-row><table:table-cell><text:p>"
            + '<text:s text:c="40000"/>' * 50 + "x</text:p><text:p>more</text:p>"
            "</table:table-cell></table:table-row></table:table>")
    with pytest.raises(Unreadable) as caught:
        read(ods(body), name="x.ods")
    assert caught.value.issue.code == "cell-too-long"
    assert caught.value.issue.location.column_title == "Dataset title"


def test_huge_ods_names_the_limit():
    with pytest.raises(Unreadable) as caught:
        read(HOSTILE["huge"], name="x.ods")
    assert f"{MOST_CELLS:,}" in caught.value.issue.message


@pytest.mark.parametrize("data", [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
                                  b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 9])
def test_broken_xls_is_refused_plainly(data, tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(data)
    result = run_coprod("validate", path)
    assert result.returncode == 3
    assert "Traceback" not in result.stdout + result.stderr
    assert "save it as .xlsx or .ods" in " ".join(result.stdout.split())


def test_csv_files_named_after_sheets(tmp_path):
    """Each sheet saved as CSV, named as Excel users save them ("Participant groups.csv")
    and as LibreOffice does ("club-Participant groups.csv"): read as the standard's."""
    from coprod_standard.tabular.rules import tables

    titles = {t.file_name: t.name for t in tables(CLUB["version"])}
    texts = csv_texts(CLUB, CLUB["version"])
    standard = tmp_path / "standard"
    standard.mkdir()
    for name, text in texts.items():
        (standard / name).write_text(text, encoding="utf-8")
    expected = read(standard).data
    for pattern in ("{}.csv", "club-{}.csv"):
        folder = tmp_path / pattern[:4]
        folder.mkdir()
        for name, text in texts.items():
            (folder / pattern.format(titles[name])).write_text(text, encoding="utf-8")
        (folder / pattern.format("Read me")).write_text("Notes\n", encoding="utf-8")
        result = read(folder)
        assert [i.message for i in result.issues if i.code == "unknown-sheet"] == []
        assert "Participant groups.csv" in str(sorted(p.name for p in folder.iterdir()))
        assert same_json(result.data, expected)


def test_windows_1252_note_is_on_its_file(tmp_path):
    for name, text in csv_texts(CLUB, CLUB["version"]).items():
        encoding = "cp1252" if name == "projects.csv" else "utf-8"
        (tmp_path / name).write_bytes(text.replace("Brightwater", "Brightwater café")
                                      .encode(encoding))
    report = validate(tmp_path)
    [note] = [i for i in report.issues if i.code == "legacy-encoding"]
    assert note.location.sheet == "projects.csv" and note.location.row is None


def test_ods_dropdowns_from_names_and_quoted_sheets():
    """A dropdown whose codes are on a sheet with a space in its name, given by cells or
    by a defined name, stays a dropdown in the .ods."""
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    from coprod_standard.writers.ods_out import ods_bytes

    book = openpyxl.Workbook()
    book.active.title = "Data"
    codes = book.create_sheet("Codes sheet")
    for row, code in enumerate(["a", "b", "c"], start=1):
        codes.cell(row, 1, code)
    book.defined_names["letters"] = DefinedName("letters",
                                                attr_text="'Codes sheet'!$A$1:$A$3")
    for formula, cells in (("=letters", "A2:A10"), ("'Codes sheet'!$A$1:$A$3", "B2:B10")):
        check = DataValidation(type="list", formula1=formula)
        check.add(cells)
        book.active.add_data_validation(check)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(io.BytesIO(ods_bytes(buffer.getvalue()))) as archive:
        content = archive.read("content.xml").decode()
    assert content.count("of:cell-content-is-in-list([$'Codes sheet'.$A$1:.$A$3])") == 2
    assert content.count('table:content-validation-name="val') == 2  # runs of 9 cells each
