"""Export safety: text that a spreadsheet would run as a formula is neutralised in every CSV
and XLSX file written, and reading the file back gives exactly the original text."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coprod_standard.readers import read
from coprod_standard.tabular.cells import FORMULA_START, neutralise, restore
from coprod_standard.writers import render, write
from tests.conftest import ROOT

MINIMAL = json.loads((ROOT / "examples" / "minimal.json").read_text(encoding="utf-8"))
STARTS = list(FORMULA_START) + ["'", "'=", "''", "\"", ",", ";", "|", " ", "\u00a0"]
# Any text a workbook can hold: no control characters but tab and line breaks (XML has no
# place for the others; converting such text to a workbook is refused, as tested below).
PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n\r")
TEXT = st.builds(lambda start, rest: start + rest, st.sampled_from(STARTS),
                 st.text(alphabet=PRINTABLE, max_size=20))


@settings(max_examples=2000, deadline=None, database=None)
@given(st.text() | TEXT)
def test_neutralise_is_never_a_formula_and_restore_undoes_it(text):
    safe = neutralise(text)
    assert not safe.startswith(FORMULA_START)
    assert restore(safe) == text


def _cells_csv(files: dict[str, bytes]):
    for content in files.values():
        yield from (cell for row in csv.reader(io.StringIO(content.decode("utf-8")))
                    for cell in row)


def _cells_xlsx(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))  # formulas as formulas, not values
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    yield cell.value


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(title=TEXT.filter(str.strip), description=TEXT.filter(str.strip),
       evidence=TEXT.filter(str.strip))  # a blank cell is read as no value, by design
def test_exports_hold_no_formula_and_read_back_exactly(tmp_path_factory, title, description,
                                                       evidence):
    data = json.loads(json.dumps(MINIMAL))
    project = data["projects"][0]
    project.update(title=title, description=description)
    project["principles"]["equality"]["evidence"] = evidence
    version = data["version"]
    files = render(data, version, "csv")
    assert not any(c.startswith(FORMULA_START) for c in _cells_csv(files))
    assert not any(c.startswith(FORMULA_START) for c in _cells_xlsx(
        render(data, version, "xlsx")))
    work = tmp_path_factory.mktemp("export")
    for fmt, name in (("csv", "tables"), ("xlsx", "book.xlsx")):
        write(data, version, fmt, work / name)
        back = read(work / name).data["projects"][0]
        assert (back["title"], back["description"]) == (title, description), fmt
        assert back["principles"]["equality"]["evidence"] == evidence, fmt


def test_text_a_workbook_cannot_hold_is_refused_in_plain_words(tmp_path):
    from coprod_standard.convert import ConvertError, convert

    data = json.loads(json.dumps(MINIMAL))
    data["projects"][0]["description"] = "bell \x07 in the text"
    source = tmp_path / "data.json"
    source.write_text(json.dumps(data))
    try:
        convert(source, tmp_path / "book.xlsx")
    except ConvertError as exc:
        assert "/projects/0/description" in str(exc) and "code 7" in str(exc)
    else:
        raise AssertionError("a control character was written into a workbook")
    assert not (tmp_path / "book.xlsx").exists()
    convert(source, tmp_path / "tables")  # CSV holds it, and gives it back
    assert read(tmp_path / "tables").data["projects"][0]["description"] == "bell \x07 in the text"
