"""Issue 22: a workbook read by calamine reads each sheet the dataset needs once (its
headings and rows from one reading) and never reads a sheet the standard does not know; the
values and the cell source map are the same as openpyxl gives, on workbooks written by
openpyxl and by LibreOffice; and what openpyxl refuses is still refused. Real workbooks and
real calamine results throughout: calamine's sheet reads are counted, not replaced."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from collections import Counter
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest
import python_calamine

from coprod_standard import Limits
from coprod_standard.readers import Unreadable
from coprod_standard.readers.tabular_reader import read_xlsx
from coprod_standard.tabular import fast_workbook
from coprod_standard.tabular.fast_workbook import fallback_reason
from coprod_standard.tabular.unflatten import assemble
from coprod_standard.tabular.workbook import workbook_sheets
from coprod_standard.writers import render
from tests.conftest import ROOT
from tests.security import with_part_changed

EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
REAL = python_calamine.CalamineWorkbook


class _Counted:
    """calamine's own workbook, with each sheet it reads counted."""

    reads: Counter = Counter()

    def __init__(self, book):
        self.book = book

    @classmethod
    def from_filelike(cls, stream, **options):
        return cls(REAL.from_filelike(stream, **options))

    def get_sheet_by_name(self, name):
        _Counted.reads[name] += 1
        return self.book.get_sheet_by_name(name)


@pytest.fixture
def reads(monkeypatch):
    _Counted.reads = Counter()
    monkeypatch.setattr(python_calamine, "CalamineWorkbook", _Counted)
    return _Counted.reads


def _book(example: str = "dementia-club.json") -> bytes:
    return render(json.loads((ROOT / "examples" / example).read_text()), "1.0", "xlsx")


def _with_notes(data: bytes) -> bytes:
    """The workbook with a sheet of someone's own notes added (openpyxl)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    notes = book.create_sheet("My notes")
    notes.append(["Who", "What"])
    notes.append(["Sam", "rang the venue"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_each_sheet_is_read_once_and_unknown_sheets_never(reads):
    data = _with_notes(_book())
    assert fallback_reason(zipfile.ZipFile(io.BytesIO(data))) is None
    result = read_xlsx(data, "book.xlsx", Limits())
    assert result.data["projects"] and any(i.code == "unknown-sheet" for i in result.issues)
    names = openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames
    assert {"Read me", "Codes", "My notes"} <= set(names)
    assert not reads.keys() & {"Read me", "Codes", "My notes"}  # never read
    assert reads and set(reads.values()) == {1}  # every other one once
    assert {"Dataset", "Projects"} <= reads.keys()


def _both(data: bytes):
    """The dataset assembled from calamine's reading and from openpyxl's, and every
    value's cell (sheet, column letter, row, heading) in each."""
    found = []
    for fast in (True, False):
        with workbook_sheets(data, "book.xlsx", Limits(), fast=fast) as (sheets, epoch):
            made = assemble(sheets, "1.0", "book.xlsx", epoch)
            cells = {pointer: made.locate(pointer) for pointer in _pointers(made.dataset)}
            found.append((made.dataset, cells, [i.to_dict() for i in made.issues]))
    return found


def _pointers(node, at: str = ""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _pointers(value, f"{at}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _pointers(value, f"{at}/{index}")
    else:
        yield at


def test_the_same_values_and_cells_as_openpyxl():
    read_fast = 0
    for example in EXAMPLES:  # as written, and saved again by openpyxl with a sheet added
        for data in (_book(example.name), _with_notes(_book(example.name))):
            (fast, fast_cells, fast_issues), (slow, slow_cells, slow_issues) = _both(data)
            assert fast == slow and fast_issues == slow_issues, example.name
            assert fast_cells == slow_cells, example.name
            placed = [c for c in fast_cells.values() if c is not None]
            assert len(placed) > 20 and all(c.sheet and c.row and c.column_letter
                                            for c in placed)
            read_fast += fallback_reason(zipfile.ZipFile(io.BytesIO(data))) is None
    assert read_fast >= 2 * len(EXAMPLES) - 2  # calamine really read them


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_workbook_saved_by_libreoffice_reads_the_same(tmp_path):
    source = tmp_path / "in" / "book.xlsx"
    source.parent.mkdir()
    source.write_bytes(_book())
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"),
                    str(source)], check=True, capture_output=True, timeout=180)
    data = (tmp_path / "out" / "book.xlsx").read_bytes()
    (fast, fast_cells, fast_issues), (slow, slow_cells, slow_issues) = _both(data)
    assert fast == slow and fast_cells == slow_cells and fast_issues == slow_issues
    assert fast["projects"]


def test_dates_empty_text_and_large_numbers_come_back_as_openpyxl_gives_them():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Dataset"
    # (exactly 2**53 openpyxl writes without a point and reads back as int; calamine gives
    # a float, kept a float as before: the two readers part only there)
    values = [date(2024, 2, 29), datetime(2024, 2, 29, 13, 5), 3.0, -7.0, 2.5, 2 ** 53 - 1,
              1 - 2 ** 53, float(2 ** 60), -float(2 ** 60), 1e300, 0.0, -0.0, True, False,
              "text", " ", "", None, "0", 1e-9]
    sheet.append([f"h{n}" for n in range(len(values))])
    sheet.append(values)
    sheet.append(list(reversed(values)))
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    assert fallback_reason(zipfile.ZipFile(io.BytesIO(data))) is None
    rows = []
    for fast in (True, False):
        with workbook_sheets(data, "book.xlsx", Limits(), fast=fast) as (sheets, _):
            rows.append([(n, [(type(c), c) for c in row])
                         for n, row in sheets["Dataset"].rows()])
    assert rows[0] == rows[1]
    kinds = dict(zip(range(len(values)), rows[0][0][1], strict=False))
    assert kinds[0] == (datetime, datetime(2024, 2, 29)) and kinds[2] == (int, 3)
    assert kinds[5] == (int, 2 ** 53 - 1) and kinds[7] == (float, float(2 ** 60))
    assert kinds[16][1] is None


def test_the_quick_conversion_gives_what_each_cell_gave_before():
    cells = ["", "x", " ", 0.0, -0.0, 1.0, 2.5, float(2 ** 53), float(2 ** 53 - 1),
             -float(2 ** 53), float("inf"), float("nan"), 7, True, False, date(1904, 1, 2),
             datetime(2024, 1, 1, 5), time(10, 30), timedelta(hours=1)]
    quick = fast_workbook._cells(cells)
    before = [fast_workbook._value(c) for c in cells]
    assert [type(c) for c in quick] == [type(c) for c in before]
    assert repr(quick) == repr(before)  # nan too


def _sheet_of(data: bytes, title: str) -> str:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return dict(fast_workbook.worksheets(archive)[0])[title]


def test_a_known_sheet_calamine_refuses_is_refused_as_openpyxl_refuses_it(reads):
    data = _book()
    part = _sheet_of(data, "Projects")
    broken = with_part_changed(data, part, lambda xml: xml.replace(b"</sheetData>",
                                                                   b"</sheetDatum>"))
    with pytest.raises(Unreadable) as refused:
        read_xlsx(broken, "book.xlsx", Limits())
    assert refused.value.issue.code == "damaged-file"


def test_an_unknown_sheet_with_entities_is_still_refused(reads):
    data = _with_notes(_book())
    part = _sheet_of(data, "My notes")
    trick = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaa">]>'
    hostile = with_part_changed(data, part, lambda xml: xml.replace(b"<worksheet", trick +
                                                                   b"<worksheet", 1))
    assert "DOCTYPE" in fallback_reason(zipfile.ZipFile(io.BytesIO(hostile)))
    with pytest.raises(Unreadable) as refused:
        read_xlsx(hostile, "book.xlsx", Limits())
    assert refused.value.issue.code == "unsafe-workbook"
    assert not reads  # calamine never opened it


def test_a_scan_is_remembered_within_one_check_and_forgotten_after(tmp_path, monkeypatch):
    """convert reads the workbook again to check it: scanned once for both readings; and
    nothing of the workbook, not even its digest, is kept once the call ends."""
    from coprod_standard.convert import convert
    from coprod_standard.tabular import workbook_scan

    path = tmp_path / "club.xlsx"
    path.write_bytes(_book())
    scans = []
    real = fast_workbook.scan
    monkeypatch.setattr(fast_workbook, "scan", lambda *a: scans.append(1) or real(*a))
    convert(path, tmp_path / "club.json")
    assert len(scans) == 1 and fast_workbook._SCANNED.get() is None
    assert workbook_scan.scan is real  # the real scan ran; only counted here
    with fast_workbook.scans_remembered():
        convert(path, tmp_path / "again.json", force=True)
        convert(path, tmp_path / "again.json", force=True)
        assert len(fast_workbook._SCANNED.get()) == 1
    assert len(scans) == 2 and fast_workbook._SCANNED.get() is None
