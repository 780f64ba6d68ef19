"""The fast workbook reader (calamine) reads exactly the cells openpyxl reads, on every
fixture and on generated workbooks; anything it would read differently, or that would make
it build a huge grid, goes to openpyxl instead."""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import zipfile
from datetime import date, datetime, time

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coprod_standard import Limits, validate
from coprod_standard.tabular.fast_workbook import fallback_reason
from coprod_standard.tabular.workbook import workbook_sheets
from coprod_standard.writers import render
from tests.conftest import ROOT
from tests.security import with_part_changed, zip_of
from tests.test_streaming import INPUTS
from tests.test_streaming_tables import _tables

MINIMAL = json.loads((ROOT / "examples" / "minimal.json").read_text())


def _trimmed(row: list) -> list:
    """A row without its empty cells at the end (openpyxl stops at the last cell written,
    calamine at the grid's edge: the same row to the assembler)."""
    while row and row[-1] is None:
        row = row[:-1]
    return row


def _cells(data: bytes, fast: bool) -> dict:
    """Every sheet's headings and rows, as one reader or the other gives them."""
    with workbook_sheets(data, "book.xlsx", Limits(), fast=fast) as (sheets, epoch):
        return {"epoch": epoch, **{
            name: (sheet.headings, [(n, _trimmed(row)) for n, row in sheet.rows()])
            for name, sheet in sheets.items()}}


def test_every_fixture_as_a_workbook_reads_the_same_both_ways(tmp_path):
    read_fast = compared = 0
    for number, source in enumerate(INPUTS):
        path = _tables(source, tmp_path / f"{number}.xlsx", "xlsx")
        if path is None:
            continue
        compared += 1
        book = path.read_bytes()
        assert _cells(book, fast=True) == _cells(book, fast=False), source
        read_fast += fallback_reason(zipfile.ZipFile(io.BytesIO(book))) is None
    assert compared > 200 and read_fast >= compared - 2  # fast was really used


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12) | \
    st.sampled_from(["  x ", "_x000D_", "_x005F_x0041_", "#N/A", "'007", "a\nb", " ", "true"])
_value = st.none() | _text | st.integers(-10**12, 10**12) | st.integers(2**52, 10**20) | \
    st.floats(allow_nan=False, allow_infinity=False, width=32) | st.booleans() | \
    st.dates(date(1904, 1, 2), date(2100, 1, 1)) | \
    st.datetimes(datetime(1904, 1, 2), datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0)) | st.just(time(10, 30))


# Dates from 1904-01-02: a workbook on the 1904 date system (mac) cannot hold an earlier
# one (Excel has no dates before its epoch; the two readers then disagree on nonsense).
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=st.lists(st.lists(_value, max_size=6), max_size=6),
       top=st.integers(0, 3), left=st.integers(0, 3), mac=st.booleans())
def test_generated_workbooks_read_the_same_both_ways(grid, top, left, mac):
    book = openpyxl.Workbook()
    if mac:
        book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = book.active
    for r, row in enumerate(grid, start=1 + top):
        for c, value in enumerate(row, start=1 + left):
            if isinstance(value, str) and value.startswith("="):
                value = "'" + value  # a formula would not be a value
            sheet.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    assert _cells(data, fast=True) == _cells(data, fast=False)


# Hand-made sheets: what calamine would read differently, or blow up on -----------------------

def _with_sheet(cells: str) -> bytes:
    def rows_replaced(xml: bytes) -> bytes:
        text = xml.decode()
        start, end = text.index("<sheetData>") + len("<sheetData>"), text.index("</sheetData>")
        return (text[:start] + cells + text[end:]).encode()

    return with_part_changed(render(MINIMAL, "1.0", "xlsx"), "xl/worksheets/sheet2.xml",
                             rows_replaced)


HEAD = '<row r="1"><c r="A1" t="inlineStr"><is><t>Version</t></is></c></row>'


@pytest.mark.parametrize("cells, reason", [
    (HEAD + '<row r="1000000"><c r="Z1000000" t="inlineStr"><is><t>x</t></is></c></row>',
     "spread far apart"),
    (HEAD + '<row r="2"><c r="Z900000" t="inlineStr"><is><t>x</t></is></c></row>',
     "past the last row"),
    (HEAD + '<row r="2"><c r="ABC2" t="inlineStr"><is><t>x</t></is></c></row>', "past ZZ"),
    (HEAD + '<row r="2"><c r="A2" t="e"><v>#N/A</v></c></row>', "error cells"),
    (HEAD + '<row r="2"><c r="A2" t="inlineStr"><is><t> 1.0 </t></is></c></row>',
     "spaces at either end"),
    (HEAD + '<row r="2"><c t="inlineStr"><is><t>1.0</t></is></c></row>', "unplaced"),
    (HEAD + '<row><c r="A2" t="inlineStr"><is><t>1.0</t></is></c></row>', "unplaced"),
    # The same cells written in other spellings XML allows: counted, never measured wrong
    (HEAD + '<row r="2"><c\tr="B2" t="inlineStr"><is><t>1.0</t></is></c></row>', "another way"),
    (HEAD + '<row r="2"><c t="inlineStr" r="B2"><is><t>1.0</t></is></c></row>', "another way"),
    (HEAD + "<row r='2'><c r='B2' t='inlineStr'><is><t>1.0</t></is></c></row>", "unplaced"),
    (HEAD + '<row r="2"><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/'
     'main" r="B2" t="inlineStr"><x:is><x:t>1.0</x:t></x:is></x:c></row>', "another way"),
    (HEAD + '<row r="2"><c r="B2" t = "e"><v>#N/A</v></c></row>', "another way"),
    (HEAD + '<row r="2"><c r="B2" t="inlineStr"><is><t\n>1.0</t></is></c></row>',
     "text written in another way"),
    # calamine reads a whole number as a float: past 2**53 it would lose digits
    (HEAD + '<row r="2"><c r="B2"><v>9007199254740993</v></c></row>', "every digit"),
    (HEAD + '<row r="2"><c r="B2"><v>9007199254740992</v></c></row>', "every digit"),
    (HEAD + '<row r="2"><c r="B2"><v> -123456789012345678901</v></c></row>', "every digit"),
    (HEAD + '<row r="2"><c r="B2"><x:v xmlns:x="http://schemas.openxmlformats.org/'
     'spreadsheetml/2006/main">0009007199254740993</x:v></c></row>', "every digit"),
])
def test_what_calamine_would_read_differently_or_blow_up_on_goes_to_openpyxl(cells, reason):
    book = _with_sheet(cells)
    assert reason in fallback_reason(zipfile.ZipFile(io.BytesIO(book)))
    assert _cells(book, fast=True) == _cells(book, fast=False)


def test_a_whole_number_past_2_to_the_53_keeps_every_digit():
    book = _with_sheet(HEAD + '<row r="2"><c r="A2"><v>9007199254740993</v></c></row>')
    assert _cells(book, fast=True)["Dataset"][1] == [(2, [9007199254740993])]


def test_an_error_cell_is_reported_as_openpyxl_reads_it(tmp_path):
    path = tmp_path / "error.xlsx"
    path.write_bytes(_with_sheet(HEAD + '<row r="2"><c r="A2" t="e"><v>#N/A</v></c></row>'))
    report = validate(path)
    version = next(i for i in report.issues if i.path == "/version")
    assert "#N/A" in version.message and version.location.row == 2


def test_a_sheet_spread_far_apart_stays_small(tmp_path):
    """One cell at A1 and one at Z1000000: calamine would build a grid of 26 million cells
    (800 MB); the file is read by openpyxl instead, in a process capped at 600 MB."""
    path = tmp_path / "far.xlsx"
    path.write_bytes(_with_sheet(
        HEAD + '<row r="1000000"><c r="Z1000000" t="inlineStr"><is><t>x</t></is></c></row>'))
    code = ("import resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_AS, (600 * 2**20, 600 * 2**20))\n"
            "from coprod_standard import validate\n"
            "print(validate(sys.argv[1]).status)\n")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() in ("valid", "invalid")
    assert resource.RLIMIT_AS  # the cap is what the child ran under


def test_shared_strings_kept_on_disk_read_as_openpyxl_reads_them():
    from openpyxl.reader.strings import read_string_table

    from coprod_standard.tabular.lean_openpyxl import SpilledStrings

    table = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats'
             '.org/spreadsheetml/2006/main"><si><t>plain</t></si><si><t/></si>'
             '<si><r><t>ri</t></r><r><rPr><b/></rPr><t xml:space="preserve">ch </t></r></si>'
             '<si><t>_x005F_x0041_ and 𝄞 and é</t></si><si><t>a&amp;b&#10;c</t></si>'
             '</sst>').encode()
    spilled = SpilledStrings(io.BytesIO(table))
    try:
        expected = read_string_table(io.BytesIO(table))
        assert list(spilled) == expected and len(spilled) == 5
        assert spilled[-1] == expected[-1]
        with pytest.raises(IndexError):
            spilled[5]
    finally:
        spilled.close()


def test_the_cells_shown_around_an_issue_are_the_same_from_either_reader(tmp_path):
    from coprod_standard.readers.tabular_reader import _xlsx_fetch

    path = _tables(ROOT / "examples" / "befriending-scheme.json", tmp_path / "b.xlsx", "xlsx")
    wanted = {1, 2, 4, 40}
    for sheet in ("Projects", "Results", "No such sheet"):
        fast = [(n, _trimmed(list(r)))
                for n, r in _xlsx_fetch(path.read_bytes(), "b.xlsx")(sheet, wanted)]
        careful = [(n, _trimmed(list(r))) for n, r in _xlsx_fetch(path, "b.xlsx")(sheet, wanted)]
        assert fast == careful
        assert (sheet == "No such sheet") == (fast == [])


def _excel_style_workbook() -> bytes:
    """A workbook spelled as Excel writes one: shared strings with counts, rows with spans
    and x14ac attributes, cells with styles and types, text marked to keep its spaces."""
    main = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships"')
    x14ac = 'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml."
    rows = "".join(
        f'<row r="{n}" spans="1:3" x14ac:dyDescent="0.25"><c r="A{n}" s="1" t="s"><v>{n % 3}'
        f'</v></c><c r="B{n}" s="2"><v>{n * 1.5}</v></c><c r="C{n}" t="b"><v>{n % 2}</v></c>'
        "</row>" for n in range(2, 40))
    return zip_of({
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Types xmlns="http://'
            'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default '
            'Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.'
            f'xml" ContentType="{kind}sheet.main+xml"/><Override PartName="/xl/worksheets/'
            f'sheet1.xml" ContentType="{kind}worksheet+xml"/><Override PartName="/xl/styles.xml"'
            f' ContentType="{kind}styles+xml"/><Override PartName="/xl/sharedStrings.xml" '
            f'ContentType="{kind}sharedStrings+xml"/></Types>').encode(),
        "_rels/.rels": ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                        f'relationships"><Relationship Id="rId1" Type="{rel}officeDocument" '
                        'Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (f'<workbook {main}><workbookPr defaultThemeVersion="164011"/><sheets>'
                            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
                            ).encode(),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{rel}sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>").encode(),
        "xl/styles.xml": (
            f'<styleSheet {main}><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/>'
            '</numFmts><fonts count="1"><font><sz val="11"/></font></fonts><fills count="1">'
            '<fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/>'
            '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0"/></cellStyleXfs>'
            '<cellXfs count="3"><xf numFmtId="0" fontId="0" xfId="0"/><xf numFmtId="49" '
            'fontId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" xfId="0"'
            ' applyNumberFormat="1"/></cellXfs></styleSheet>').encode(),
        "xl/sharedStrings.xml": (
            f'<sst {main} count="41" uniqueCount="4"><si><t>name</t></si><si><t xml:space="'
            'preserve"> kept </t></si><si><r><rPr><b/></rPr><t>rich</t></r><r><t xml:space="'
            'preserve"> text</t></r></si><si><t>value</t></si></sst>').encode(),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet {main} {x14ac}><dimension ref="A1:C39"/><sheetData><row r="1" '
            'spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>3</v></c><c r="C1" '
            f't="str"><f>"flag"</f><v>flag</v></c></row>{rows}</sheetData></worksheet>'
        ).encode()})


def test_a_workbook_spelled_as_excel_writes_one_is_read_fast_and_the_same():
    book = _excel_style_workbook()
    assert fallback_reason(zipfile.ZipFile(io.BytesIO(book))) is None
    fast, careful = _cells(book, fast=True), _cells(book, fast=False)
    assert fast == careful and fast["Data"][1][2] == (4, [" kept ", 6, False])
