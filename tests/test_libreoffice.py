"""LibreOffice itself (headless, Debian's libreoffice-calc-nogui, installed by tests/run.sh)
opens the template and an example workbook and saves them as XLSX, ODS and XLS: each reads
back to the same dataset, with the same report and no formula warning; an .ods written by
the toolkit opens in LibreOffice. Each run has its own LibreOffice profile."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from coprod_standard import validate
from coprod_standard.readers import read
from coprod_standard.writers.ods_out import workbook_ods
from coprod_standard.writers.xlsx_out import workbook_bytes
from tests.conftest import ROOT, run_coprod
from tests.test_ods import invalid_club, places
from tests.test_tabular import same_json

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed; tests/run.sh installs "
                            "Debian's libreoffice-calc-nogui")
CLUB = json.loads((ROOT / "examples" / "dementia-club.json").read_text())
VERSION = CLUB["version"]


def saved_by_libreoffice(sources: list[Path], fmt: str, work: Path) -> dict[str, Path]:
    """SOURCES opened by LibreOffice and saved as FMT (xlsx, ods or xls), in one run, with
    a profile of its own, so that runs never share one; the saved files by source name."""
    out = work / f"saved-{fmt}"
    subprocess.run([SOFFICE, f"-env:UserInstallation={(work / 'profile').as_uri()}",
                    "--headless", "--convert-to", fmt, "--outdir", str(out),
                    *map(str, sources)], check=True, capture_output=True, timeout=600)
    saved = {source.name: out / f"{source.stem}.{fmt}" for source in sources}
    missing = [p.name for p in saved.values() if not p.is_file()]
    assert not missing, f"LibreOffice did not save {missing}"
    return saved


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """The template, the example, the invalid example and the example with a formula as
    workbooks; the toolkit's own .ods files; and LibreOffice's saves of them all."""
    folder = tmp_path_factory.mktemp("libreoffice")
    (folder / "template.xlsx").write_bytes(workbook_bytes(None, VERSION))
    (folder / "club.xlsx").write_bytes(workbook_bytes(CLUB, VERSION))
    (folder / "invalid.xlsx").write_bytes(workbook_bytes(invalid_club(), VERSION))
    (folder / "ours.ods").write_bytes(workbook_ods(CLUB, VERSION))
    (folder / "ours-template.ods").write_bytes(workbook_ods(None, VERSION))
    book = openpyxl.load_workbook(folder / "club.xlsx")
    sheet = book["Projects"]
    [cell] = [c for c in sheet[1] if c.value == "Payment for lived experience: Hourly rate (£)"]
    sheet.cell(2, cell.column).value = "=10+2.5"  # the hourly rate, as a formula
    book.save(folder / "formula.xlsx")
    result = run_coprod("template", "--version", VERSION, folder / "t.ods")
    assert result.returncode == 0, result.stderr
    books = [folder / f"{n}.xlsx" for n in ("template", "club", "invalid", "formula")]
    ours = [folder / n for n in ("ours.ods", "ours-template.ods", "t.ods")]
    saved = {**{("xlsx", k): v for k, v in saved_by_libreoffice(books + ours, "xlsx",
                                                               folder).items()},
             **{("ods", k): v for k, v in saved_by_libreoffice(books, "ods", folder).items()},
             **{("xls", k): v for k, v in saved_by_libreoffice(books[2:3], "xls",
                                                              folder).items()}}
    return folder, saved


def codes(report) -> list[str]:
    return sorted(i.code for i in report.issues)


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@pytest.mark.parametrize("name", ["template", "club"])
def test_saved_by_libreoffice_reads_the_same(work, name, fmt):
    """The round trip keeps every value and gives the same report, with no formula
    warning (LibreOffice stores each TRUE and FALSE as a formula)."""
    folder, saved = work
    original = folder / f"{name}.xlsx"
    saved = saved[fmt, original.name]
    assert same_json(read(saved).data, read(original).data)
    before, after = validate(original), validate(saved)
    assert "formula-cell" not in codes(after)
    assert codes(after) == codes(before)
    assert after.valid == before.valid


def test_libreoffice_writes_booleans_as_formulas(work):
    """What the test above guards against is real: LibreOffice's XLSX holds TRUE() and
    FALSE() formulas where the example has booleans."""
    saved = work[1]["xlsx", "club.xlsx"]
    with zipfile.ZipFile(saved) as archive:
        sheets = b"".join(archive.read(n) for n in archive.namelist()
                          if n.startswith("xl/worksheets/"))
    assert re.search(rb"<f[^>]*>(TRUE|FALSE)\(\)</f>", sheets)
    data = read(saved).data
    assert data["projects"][0]["evaluation"]["facilitation"]["skilledFacilitator"] is True


def test_a_real_formula_is_still_reported(work):
    folder, saved = work
    heading = "Payment for lived experience: Hourly rate (£)"
    for fmt in ("xlsx", "ods"):
        [formula] = [i for i in validate(saved[fmt, "formula.xlsx"]).issues
                     if i.code == "formula-cell"]
        where = formula.location
        assert (where.sheet, where.column_title, where.row) == ("Projects", heading, 2)


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_issues_keep_their_cells_through_libreoffice(work, fmt):
    """.xls and .ods saved by LibreOffice give every issue the same sheet, row, column
    letter and heading as the workbook it came from."""
    folder, saved = work
    saved = saved[fmt, "invalid.xlsx"]
    before, after = validate(folder / "invalid.xlsx"), validate(saved)
    assert places(after) == places(before)
    assert any(p[1] == "Projects" and p[2] == 2 and p[4] == "Start date"
               for p in places(after))
    assert same_json(read(saved).data, read(folder / "invalid.xlsx").data)


@pytest.mark.parametrize("name", ["ours", "ours-template"])
def test_our_ods_opens_in_libreoffice(work, name):
    """An .ods the toolkit writes is opened by LibreOffice (saved again as XLSX) with its
    values, its Codes sheet, its dropdowns and its column widths."""
    folder, saved = work
    ours = folder / f"{name}.ods"
    saved = saved["xlsx", ours.name]
    assert same_json(read(saved).data, read(ours).data)
    assert codes(validate(saved)) == codes(validate(ours))
    original = folder / ("club.xlsx" if name == "ours" else "template.xlsx")
    assert same_json(read(saved).data, read(original).data)
    book = openpyxl.load_workbook(saved)
    first = openpyxl.load_workbook(original)
    assert book.sheetnames == first.sheetnames
    assert [book[s].sheet_state for s in book.sheetnames] == \
        [first[s].sheet_state for s in first.sheetnames]
    for title in ("Dataset", "Projects", "Participant groups"):
        lists = {(str(v.sqref).split(":")[0], v.formula1.lstrip("=").replace("'", ""))
                 for v in book[title].data_validations.dataValidation}
        wanted = {(str(v.sqref).split(":")[0], v.formula1.lstrip("=").replace("'", ""))
                  for v in first[title].data_validations.dataValidation}
        assert lists == wanted and lists
        width = book[title].column_dimensions["B"].width
        assert abs(width - first[title].column_dimensions["B"].width) < 1.5
    assert book["Dataset"]["A1"].font.b and book["Dataset"]["A1"].comment is not None


def test_template_command_writes_a_real_ods(work):
    """`coprod template t.ods` (made in the fixture) is an .ods LibreOffice opens."""
    folder, saved = work
    with zipfile.ZipFile(folder / "t.ods") as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    assert same_json(read(saved["xlsx", "t.ods"]).data, read(folder / "template.xlsx").data)
    assert codes(validate(folder / "t.ods")) == codes(validate(folder / "template.xlsx"))


def _read_in_daemon(path, answer):
    try:
        answer.put(("read", sorted(read(path).data)))
    except Exception as exc:  # noqa: BLE001 - the test says what went wrong
        answer.put(("failed", repr(exc)))


def test_xls_is_read_inside_a_daemonic_process(work):
    """The web service checks a file in a daemonic process, which multiprocessing forbids
    to have children: the .xls reader forks by itself."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    answer = context.Queue()
    process = context.Process(target=_read_in_daemon,
                              args=(work[1]["xls", "invalid.xlsx"], answer), daemon=True)
    process.start()
    kind, found = answer.get(timeout=120)
    process.join(10)
    assert kind == "read" and "projects" in found, found


def test_xls_reader_that_runs_out_of_memory_says_so_plainly(work):
    """Read in a fresh process, whose heap has no free memory left over from other tests
    for calamine to reuse, with far less headroom than calamine needs."""
    import sys

    code = ("import sys\n"
            "from coprod_standard.readers import Unreadable, read\n"
            "from coprod_standard.tabular import xls\n"
            "xls.HEADROOM = 1 << 20\n"
            "try:\n"
            "    read(sys.argv[1])\n"
            "except Unreadable as exc:\n"
            "    print('CODE', exc.issue.code)\n")
    done = subprocess.run([sys.executable, "-c", code, str(work[1]["xls", "invalid.xlsx"])],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert re.search(r"^CODE (unsafe-workbook|damaged-file)$", done.stdout, re.M), done
    assert "Fatal" not in done.stderr + done.stdout and "alloc" not in done.stderr
    assert "Traceback" not in done.stderr
