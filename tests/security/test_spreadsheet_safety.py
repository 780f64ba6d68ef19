"""Hostile workbooks and zips are refused with a plain message, before they can do harm."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl.xml
import pytest

from coprod_standard import Limits, validate
from coprod_standard.writers import render
from tests.conftest import ROOT
from tests.security import with_part_changed

MINIMAL = json.loads((ROOT / "examples" / "minimal.json").read_text())
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">'
                    for i in range(1, 10)).replace("&lol0;", "&lol;")
          + ']>')


def test_defusedxml_is_active_for_openpyxl():
    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet2.xml"])
def test_a_billion_laughs_workbook_is_refused(part, coprod, tmp_path):
    book = render(MINIMAL, "1.0", "xlsx")
    assert part in zipfile.ZipFile(io.BytesIO(book)).namelist()

    def attack(xml: bytes) -> bytes:
        text = xml.decode()
        body = text.split("?>", 1)[1] if text.startswith("<?xml") else text
        return (LAUGHS + body.replace("><", ">&lol9;<", 1)).encode()

    path = tmp_path / "laughs.xlsx"
    path.write_bytes(with_part_changed(book, part, attack))
    report = validate(path)
    assert report.status == "unreadable"
    [issue] = report.issues
    assert issue.code == "unsafe-workbook" and "XML entity" in issue.message
    result = coprod("validate", path)
    assert result.returncode == 3 and "Traceback" not in result.stdout + result.stderr


def _bomb(size: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * size)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_opened():
    data = _bomb(20_000_000)
    assert len(data) < 100_000
    report = validate(data, name="bomb.xlsx")
    assert [i.code for i in report.issues] == ["unsafe-workbook"]
    assert "zip bomb" in report.issues[0].message


def test_a_zip_that_would_unpack_past_the_limit_is_refused():
    report = validate(_bomb(900_000), name="big.zip", limits=Limits(max_unzipped_bytes=500_000))
    assert [i.code for i in report.issues] == ["unsafe-workbook"]
    assert "would unpack to" in report.issues[0].message


def test_too_many_files_in_a_zip_are_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(2_500):
            archive.writestr(f"f{n}.csv", "a")
    report = validate(out.getvalue(), name="many.zip")
    assert [i.code for i in report.issues] == ["unsafe-workbook"]


def test_size_and_row_limits_apply_to_spreadsheets(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(render(MINIMAL, "1.0", "xlsx"))
    assert [i.code for i in validate(path, limits=Limits(max_bytes=1000)).issues] == [
        "file-too-large"]
    assert [i.code for i in validate(path, limits=Limits(max_rows=1)).issues] == [
        "too-many-records"]
    folder = tmp_path / "tables"
    folder.mkdir()
    for name, data in render(MINIMAL, "1.0", "csv").items():
        (folder / name).write_bytes(data)
    assert [i.code for i in validate(folder, limits=Limits(max_bytes=100)).issues] == [
        "file-too-large"]


def test_a_damaged_workbook_says_so(tmp_path):
    book = render(MINIMAL, "1.0", "xlsx")
    path = tmp_path / "cut.xlsx"
    path.write_bytes(book[: len(book) // 2])
    report = validate(path)
    assert [i.code for i in report.issues] == ["damaged-file"]


def test_a_data_package_cannot_read_outside_its_folder(tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("Project identifier\nleak\n")
    package = tmp_path / "package"
    package.mkdir()
    (package / "datapackage.json").write_text(json.dumps({"resources": [
        {"name": "projects", "path": "../secret.csv"},
        {"name": "dataset", "path": "/etc/passwd"},
        {"name": "remote", "path": "https://example.org/projects.csv"}]}))
    report = validate(package)
    assert report.status == "unreadable"  # nothing it may read is one of the tables
    assert "leak" not in json.dumps(report.to_dict())


def test_formulas_are_read_as_their_values_and_flagged_at_their_cells(tmp_path):
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(render(MINIMAL, "1.0", "xlsx")))
    sheet = book["Projects"]
    headings = [c.value for c in sheet[1]]
    column = headings.index("Description") + 1
    sheet.cell(row=2, column=column, value='=HYPERLINK("http://example.org/x","click")')
    sheet.cell(row=2, column=column + 1, value="=1+1")
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    report = validate(path)
    flagged = [i for i in report.issues if i.code == "formula-cell"]
    assert len(flagged) == 2 and all(i.severity.value == "warning" for i in flagged)
    first = flagged[0].location
    assert (first.sheet, first.row, first.column_title) == ("Projects", 2, "Description")
    assert "HYPERLINK" not in json.dumps([i.to_dict() for i in report.issues])
    # never calculated (openpyxl does not), so the value read is empty, not the formula
    assert "description" not in report.data["projects"][0]
