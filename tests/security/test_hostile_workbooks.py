"""No workbook or zip, however small or hostile, takes a process down (issue 16).

Each hostile file is a real workbook (the minimal example, with one project id made
invalid so that a correct reading is exit status 1 and reports it) with one part changed.
It goes through `coprod validate` in its own process, under a memory ceiling and a CPU
time limit: the process must end with status 1 or 3 (never a signal), say so in plain
words (no traceback), and stay small. The same files go through the Python API, and
through `coprod combine` beside a good dataset (the good one is stored, the bad one
recorded). Before the fix, the shared-strings file aborted the process (SIGABRT) and a
cell at XFD1048576 written with a tab before `r=` did too.
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coprod_standard import validate
from coprod_standard.instruments.responses import read_responses
from coprod_standard.readers import Unreadable
from coprod_standard.tabular.fast_workbook import fallback_reason
from coprod_standard.writers import render
from tests.conftest import ROOT
from tests.peak import RUN_COPROD
from tests.security import with_part_changed, zip_of

CEILING = 1024**3  # bytes of address space for the command
MOST_MEMORY = 400 * 1024**2  # its peak resident memory: about 100 MB when all is well
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DATASET_SHEET = "xl/worksheets/sheet2.xml"
HUGE = "4000000000000"


def _dataset() -> dict:
    data = json.loads((ROOT / "examples" / "minimal.json").read_text())
    data["projects"][0]["id"] = 5  # read correctly, this is reported: exit status 1
    return data


BOOK = render(_dataset(), "1.0", "xlsx")


def _bounded(*args: str, ceiling: int = CEILING) -> tuple[int, str, int]:
    """coprod ARGS in its own process, under the ceilings: (exit status, or minus the
    signal that ended it; everything it printed; its peak resident memory in bytes)."""
    def ceilings() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
        resource.setrlimit(resource.RLIMIT_CPU, (120, 120))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryDirectory() as folder:
        peak_file = Path(folder) / "peak"
        child = subprocess.run([sys.executable, "-c", RUN_COPROD, *args], stdout=out,
                               stderr=subprocess.STDOUT, preexec_fn=ceilings, cwd=ROOT,
                               env={**os.environ, "COPROD_TEST_PEAK": str(peak_file)})
        out.seek(0)
        peak = int(peak_file.read_text()) if peak_file.exists() else 0
        return child.returncode, out.read().decode(errors="replace"), peak


def _survives(tmp_path, data: bytes, name: str = "hostile.xlsx") -> str:
    """DATA validated by the command and through the API: read correctly (exit status 1,
    the invalid id reported) or refused in plain words (3); the command's output."""
    path = tmp_path / name
    path.write_bytes(data)
    status, output, peak = _bounded("validate", str(path))
    assert status in (1, 3), (status, output[-2000:])
    assert "Traceback" not in output and peak < MOST_MEMORY, (peak, output[-2000:])
    report = validate(data, name=name)
    assert report.status in ("invalid", "unreadable")
    if status == 1:
        assert "invalid-project-id" in {i.code for i in report.issues}
    return output


def _with_part(part: str, xml: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(BOOK))
    return zip_of({**{i.filename: source.read(i) for i in source.infolist()}, part: xml})


def _with_rows(rows: str, sheet: str = DATASET_SHEET) -> bytes:
    return with_part_changed(BOOK, sheet, lambda xml: xml.replace(
        b"</sheetData>", rows.encode() + b"</sheetData>"))


# Shared strings that claim four trillion (calamine reserved 96 TB and aborted) -------------

STRINGS = {
    "plain": f'<sst xmlns="{MAIN}" count="1" uniqueCount="{HUGE}">',
    "tab": f'<sst xmlns="{MAIN}"\tuniqueCount="{HUGE}">',
    "newline-and-spaces-around-equals": f'<sst xmlns="{MAIN}"\nuniqueCount = "{HUGE}">',
    "single-quotes": f"<sst xmlns='{MAIN}' uniqueCount='{HUGE}'>",
    "prefix": f'<x:sst xmlns:x="{MAIN}" uniqueCount="{HUGE}">',
    "leading-zeros-and-count": f'<sst xmlns="{MAIN}" count="{HUGE}" uniqueCount="0{HUGE}">',
}


@pytest.mark.parametrize("head", STRINGS.values(), ids=STRINGS.keys())
def test_shared_strings_claiming_four_trillion_do_not_take_the_process_down(tmp_path, head):
    prefix = "x:" if head.startswith("<x:") else ""
    xml = f"{head}<{prefix}si><{prefix}t>a</{prefix}t></{prefix}si></{prefix}sst>"
    book = _with_part("xl/sharedStrings.xml", xml.encode())
    assert len(book) < 80_000  # a template-sized file (its Codes sheet included)
    assert fallback_reason(zipfile.ZipFile(io.BytesIO(book))) is not None  # not calamine
    _survives(tmp_path, book)


# A cell far away, in every spelling XML allows -----------------------------------------------

CELLS = {  # a cell at REF holding 1, written as a spreadsheet program would not write it
    "tab": '<c\tr="{ref}"><v>1</v></c>',
    "newline": '<c\nr="{ref}"><v>1</v></c>',
    "carriage-return": '<c\rr="{ref}"><v>1</v></c>',
    "several-spaces": '<c   r="{ref}"><v>1</v></c>',
    "attributes-in-another-order": '<c t="n" r="{ref}"><v>1</v></c>',
    "single-quotes": "<c r='{ref}'><v>1</v></c>",
    "spaces-around-equals": '<c r = "{ref}"><v>1</v></c>',
    "prefix": f'<x:c xmlns:x="{MAIN}" r="{{ref}}"><x:v>1</x:v></x:c>',
    "character-reference": '<c r="&#{first};{rest}"><v>1</v></c>',
    "second-place": '<c r="A9" s="0" r="{ref}"><v>1</v></c>',
}


def _cell(spelling: str, ref: str) -> str:
    return CELLS[spelling].format(ref=ref, first=ord(ref[0]), rest=ref[1:])


@pytest.mark.parametrize("row", [1_048_576, 100_000])
@pytest.mark.parametrize("spelling", sorted(CELLS))
def test_a_far_cell_in_any_spelling_does_not_take_the_process_down(tmp_path, spelling, row):
    book = _with_rows(f'<row\tr="{row}">{_cell(spelling, f"XFD{row}")}</row>')
    assert fallback_reason(zipfile.ZipFile(io.BytesIO(book))) is not None
    _survives(tmp_path, book)


def test_a_far_cell_in_the_plain_spelling_is_measured(tmp_path):
    book = _with_rows('<row r="1048576"><c r="ZZ1048576"><v>1</v></c></row>')
    assert "spread far apart" in fallback_reason(zipfile.ZipFile(io.BytesIO(book)))
    _survives(tmp_path, book)


_space = st.text(" \t\r\n", min_size=1, max_size=3)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=_space, around=st.tuples(st.text(" \t\r\n", max_size=2),
                                       st.text(" \t\r\n", max_size=2)),
       quote=st.sampled_from(['"', "'"]), prefix=st.sampled_from(["", "x:"]),
       style_first=st.booleans(), row=st.integers(100_000, 1_048_576),
       column=st.sampled_from(["ZZ", "XFD"]))
def test_the_scan_sends_any_spelling_of_a_far_cell_to_openpyxl(before, around, quote, prefix,
                                                                style_first, row, column):
    """Whatever the spelling (the plain one included), a far cell keeps calamine away."""
    place = f"r{around[0]}={around[1]}{quote}{column}{row}{quote}"
    attributes = f's="0"{before}{place}' if style_first else place
    namespace = f' xmlns:x="{MAIN}"' if prefix else ""
    tag = f"<{prefix}c{namespace}{before}{attributes}><{prefix}v>1</{prefix}v></{prefix}c>"
    book = _with_rows(f'<row r="{row}">{tag}</row>')
    assert fallback_reason(zipfile.ZipFile(io.BytesIO(book))) is not None


# Numbers calamine 0.9 does not reserve from today: they stay harmless ------------------------

CLAIMS = {  # part, text, and the text put in its place
    "dimension": ("xl/worksheets/sheet3.xml", b"<sheetPr",
                  b'<dimension ref="A1:XFD1048576"/><sheetPr'),
    "columns": (DATASET_SHEET, b"<cols>", b'<cols><col min="1" max="16384" width="9"/>'),
    "merged-cells": (DATASET_SHEET, b"</sheetData>",
                     b'</sheetData><mergeCells count="4000000000"><mergeCell '
                     b'ref="A3:XFD1048576"/></mergeCells>'),
    "sheet-format": (DATASET_SHEET, b"<sheetFormatPr ",
                     b'<sheetFormatPr baseColWidth="' + HUGE.encode() + b'" '),
    "style-counts": ("xl/styles.xml", b'<cellXfs count="',
                     b'<cellXfs count="' + HUGE.encode() + b'" x="'),
    "defined-names": ("xl/workbook.xml", b"</workbook>",
                      b'<definedNames><definedName name="all">Dataset!$A$1:$XFD$1048576'
                      b"</definedName></definedNames></workbook>"),
}


@pytest.mark.parametrize("claim", sorted(CLAIMS))
def test_other_numbers_a_workbook_states_stay_harmless(tmp_path, claim):
    part, old, new = CLAIMS[claim]
    book = with_part_changed(BOOK, part, lambda xml: xml.replace(old, new, 1))
    assert book != BOOK
    _survives(tmp_path, book)


# Read by openpyxl, streamed: bounded by what the parts hold ---------------------------------

def _styles(count: int) -> bytes:
    """COUNT cell formats that do not compress like a zip bomb."""
    numbers = random.Random(16)
    return b"".join(b'<xf numFmtId="%d" fontId="%d"/>' % (numbers.randrange(10**6),
                                                          numbers.randrange(10**6))
                    for _ in range(count))


OPENPYXL = {
    "far-cell": _with_rows('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
    "huge-dimension": with_part_changed(BOOK, "xl/worksheets/sheet3.xml", lambda xml: xml.replace(
        b"<sheetPr", b'<dimension ref="A1:XFD1048576"/><sheetPr', 1)),
    "rows-past-the-last": _with_rows("".join(
        f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(3, 2_000_000, 9_000))),
    "deep-nesting": _with_rows("<x>" * 100_000 + "</x>" * 100_000),
    "styles-of-600000-formats": with_part_changed(BOOK, "xl/styles.xml", lambda xml: xml.replace(
        b"</cellXfs>", _styles(600_000) + b"</cellXfs>")),
    "300000-merged-cells": with_part_changed(BOOK, DATASET_SHEET, lambda xml: xml.replace(
        b"</sheetData>", b"</sheetData><mergeCells>" + b"".join(
            b'<mergeCell ref="A%d:B%d"/>' % (n, n) for n in range(3, 300_000))
        + b"</mergeCells>")),
}


@pytest.mark.parametrize("case", sorted(OPENPYXL))
def test_a_hostile_workbook_read_whole_or_streamed_stays_small(tmp_path, case):
    """Streamed, a workbook is read by openpyxl; whole, by calamine if the scan allows."""
    path = tmp_path / f"{case}.xlsx"
    path.write_bytes(OPENPYXL[case])
    code = ("import resource, sys\n"
            f"resource.setrlimit(resource.RLIMIT_AS, ({CEILING}, {CEILING}))\n"
            "from coprod_standard import Limits, validate\n"
            "for stream in (True, False):\n"
            "    report = validate(sys.argv[1], stream=stream, limits=Limits(stream_from=0))\n"
            "    print(report.status, sorted({i.code for i in report.issues}))\n"
            "from tests.peak import own_peak\n"
            "print(own_peak())\n")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    *reports, peak = done.stdout.split("\n")[:-1]
    assert int(peak) < MOST_MEMORY
    for line in reports:
        assert line.startswith(("invalid", "unreadable")), line
        assert "invalid-project-id" in line or "damaged-file" in line or "unsafe-workbook" in line


# Formula cells in every spelling are reported ------------------------------------------------

FORMULAS = {  # a formula cell at Z2, in the Dataset sheet's data row
    "plain": '<c r="Z2"><f>1+1</f><v>2</v></c>',
    "tab": '<c\tr="Z2"><f>1+1</f><v>2</v></c>',
    "newline": '<c\nr="Z2"><f\n>1+1</f><v>2</v></c>',
    "carriage-return": '<c\rr="Z2"><f>1+1</f><v>2</v></c>',
    "several-spaces": '<c   r="Z2"  ><f  >1+1</f><v>2</v></c>',
    "attributes-in-another-order": '<c t="n" s="0" r="Z2"><f>1+1</f><v>2</v></c>',
    "single-quotes": "<c r='Z2'><f t='normal'>1+1</f><v>2</v></c>",
    "prefix": f'<x:c xmlns:x="{MAIN}" r="Z2"><x:f>1+1</x:f><x:v>2</x:v></x:c>',
    "character-reference": '<c r="&#90;2"><f>1+1</f><v>2</v></c>',
    "shared-formula": '<c r="Z2"><f t="shared" si="0"/><v>2</v></c>',
    "unplaced": '<c r="Y2"/><c><f>1+1</f><v>2</v></c>',
}


@pytest.mark.parametrize("spelling", sorted(FORMULAS))
def test_a_formula_cell_in_any_spelling_is_reported(tmp_path, spelling):
    book = with_part_changed(BOOK, DATASET_SHEET, lambda xml: xml.replace(
        b"</row></sheetData>", FORMULAS[spelling].encode() + b"</row></sheetData>"))
    path = tmp_path / "formula.xlsx"
    path.write_bytes(book)
    for source in (book, path):
        cells = {i.location.describe() for i in validate(source, name="formula.xlsx").issues
                 if i.code == "formula-cell"}
        assert any("cell Z2" in place for place in cells), (spelling, cells)
    status, output, _ = _bounded("validate", str(path))
    assert status == 1 and "Z2" in output


# Damaged zips: one plain message, exit status 3 ----------------------------------------------

def _entry(data: bytes, name: str) -> tuple[int, int]:
    """Where the zip's directory lists NAME, and where its local header is."""
    at = 0
    while (at := data.find(b"PK\x01\x02", at + 1)) >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + length] == name.encode():
            return at, struct.unpack_from("<I", data, at + 42)[0]
    raise KeyError(name)


def _damaged(data: bytes, name: str, damage: str) -> bytes:
    out = bytearray(data)
    listed, local = _entry(data, name)
    size = struct.unpack_from("<I", data, listed + 20)[0]
    start = local + 30 + sum(struct.unpack_from("<HH", data, local + 26))
    both = [(listed, 0), (local, -2)]  # the same field, in the directory and the header
    if damage == "size-understated":
        for at, shift in both:
            struct.pack_into("<I", out, at + 24 + shift, 10)
    elif damage == "compressed-size-understated":
        for at, shift in both:
            struct.pack_into("<I", out, at + 20 + shift, max(size // 3, 1))
    elif damage == "checksum-wrong":
        for at, shift in both:
            struct.pack_into("<I", out, at + 16 + shift, 12345)
    elif damage == "data-corrupt":
        out[start + size // 2] ^= 0xFF
    elif damage in ("unknown-compression", "bzip2-claimed"):
        for at, shift in both:
            struct.pack_into("<H", out, at + 10 + shift, 99 if damage[0] == "u" else 12)
    elif damage == "password":
        for at, shift in both:
            out[at + 8 + shift] |= 1
    elif damage == "names-differ":
        out[local + 30] ^= 0x20
    elif damage == "header-misplaced":
        struct.pack_into("<I", out, listed + 42, local + 7)
    elif damage == "cut-short":
        return bytes(out[:len(out) * 2 // 3])
    return bytes(out)


DAMAGES = ["size-understated", "compressed-size-understated", "checksum-wrong", "data-corrupt",
           "unknown-compression", "bzip2-claimed", "password", "names-differ",
           "header-misplaced", "cut-short"]
CSVS = render(json.loads((ROOT / "examples" / "minimal.json").read_text()), "1.0", "csv")
PACKAGE = render(json.loads((ROOT / "examples" / "minimal.json").read_text()), "1.0",
                 "datapackage")
ZIPS = {  # a file, and the part of it that is damaged
    "workbook": (BOOK, "xl/worksheets/sheet3.xml"),
    "workbook-comments": (BOOK, "xl/comments/comment1.xml"),
    "csv-zip": (zip_of(CSVS), "projects.csv"),
    "data-package-zip": (zip_of(PACKAGE), "datapackage.json"),
}


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("kind", sorted(ZIPS))
def test_a_damaged_zip_is_one_plain_message(tmp_path, kind, damage):
    data, part = ZIPS[kind]
    broken = _damaged(data, part, damage)
    name = "broken.xlsx" if kind.startswith("workbook") else "broken.zip"
    for stream in (False, True):
        path = tmp_path / name
        path.write_bytes(broken)
        report = validate(path if stream else broken, name=name, stream=stream)
        assert [i.code for i in report.issues] == ["damaged-file"], (damage, report.issues)
        message = report.issues[0].message
        assert message.startswith(f"The file {name} cannot be read: ") and "Error" not in message
    if kind.startswith("workbook"):
        with pytest.raises(Unreadable):
            list(read_responses(broken, name=name)[1])


@pytest.mark.parametrize("damage", ["size-understated", "password", "unknown-compression"])
def test_the_command_says_a_damaged_zip_cannot_be_read(tmp_path, damage):
    path = tmp_path / "broken.zip"
    path.write_bytes(_damaged(ZIPS["csv-zip"][0], "projects.csv", damage))
    status, output, _ = _bounded("validate", str(path))
    assert status == 3 and "cannot be read" in output and "Traceback" not in output


# A zip that another zip reader could read otherwise is not given to calamine -----------------

def _renamed_by_an_extra_field(book: bytes) -> bytes:
    """BOOK with a copy of a sheet under another name, that an Info-ZIP Unicode Path
    extra field (which some zip readers follow, Python's does not) names as the sheet."""
    source = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item.filename, source.read(item))
        alias = zipfile.ZipInfo("xl/media/image9.png")
        path = DATASET_SHEET.encode()
        alias.extra = struct.pack("<HHBI", 0x7075, 5 + len(path), 1, 0) + path
        archive.writestr(alias, source.read(DATASET_SHEET), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_a_zip_laid_out_oddly_is_read_by_openpyxl_only(tmp_path):
    hostile = _with_rows('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    for odd in (b"junk before" + BOOK, BOOK + b"junk after", BOOK + hostile,
                BOOK[:-2] + b"\x05\x00hello", _renamed_by_an_extra_field(BOOK)):
        reason = fallback_reason(zipfile.ZipFile(io.BytesIO(odd)))
        assert reason is not None and "zip" in reason, reason
    status, _, peak = _bounded("validate", str(_write(tmp_path / "two.xlsx", BOOK + hostile)))
    assert status in (1, 3) and peak < MOST_MEMORY


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


# combine: a hostile file is recorded, the good datasets beside it are stored -----------------

def hostile_book(kind: str) -> bytes:
    """The issue's workbooks: shared strings claiming four trillion, a cell at XFD1048576
    written with a tab, and a part whose checksum is wrong."""
    return {
        "strings": lambda: _with_part("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}" '
                                      f'uniqueCount="{HUGE}"><si><t>a</t></si></sst>'.encode()),
        "far-cell": lambda: _with_rows(f'<row r="1048576">{_cell("tab", "XFD1048576")}</row>'),
        "damaged": lambda: _damaged(BOOK, "xl/worksheets/sheet3.xml", "checksum-wrong"),
    }[kind]()


@pytest.mark.parametrize("hostile", ["strings", "far-cell", "damaged"])
def test_combine_records_a_hostile_workbook_and_stores_the_others(tmp_path, hostile):
    import duckdb

    good = _write(tmp_path / "good.json", (ROOT / "examples" / "minimal.json").read_bytes())
    bad = _write(tmp_path / "bad.xlsx", hostile_book(hostile))
    store = tmp_path / "study.duckdb"
    status, output, _ = _bounded("combine", str(good), str(bad), "--out", str(store),
                                 ceiling=4 * CEILING)  # DuckDB sets aside address space
    assert status == 1 and "Traceback" not in output, output[-2000:]
    with duckdb.connect(str(store), read_only=True) as con:
        statuses = dict(con.execute("SELECT source, status FROM datasets").fetchall())
        projects = con.execute("SELECT count(*) FROM projects").fetchone()[0]
    assert statuses == {str(good): "valid",
                        str(bad): "unreadable" if hostile == "damaged" else "invalid"}
    assert projects >= 1
