"""No export can carry a formula (issue 16). Every CSV and XLSX writer of the toolkit goes
through the one neutraliser, ``tabular.cells.neutralise``, which also knows the full-width
and other compatibility forms of = + - @ that spreadsheets take as formula starts; reading
removes exactly what it added. What ``coprod score`` prints carries no control character."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import unicodedata

import pytest

from coprod_standard.readers import read
from coprod_standard.tabular.cells import FORMULA_START, neutralise, restore
from coprod_standard.writers import render, write
from coprod_standard.writers.responses_out import responses_csv
from tests.conftest import ROOT
from tests.security.test_export_safety import _cells_csv, _cells_xlsx

MINIMAL = json.loads((ROOT / "examples" / "minimal.json").read_text(encoding="utf-8"))
ATTACKS = ['=HYPERLINK("http://evil.example","click")', "=1+1", "+1", "-1", "@SUM(A1)",
           "\t=1+1", "\r=1+1", "\n=1+1", "\uff1dHYPERLINK(\"http://evil.example\")",
           "\uff0b1", "\uff0d1", "\uff20SUM(A1)", "\ufe661+1", "'=1+1", "'\uff1d1"]
HEADINGS = ("Respondent reference,Instrument,Timepoint,Date,Item 1,Item 2,Item 3,Item 4,"
            "Item 5,Item 6,Item 7")


def test_every_compatibility_form_of_a_formula_start_is_known():
    forms = {c for c in map(chr, range(sys.maxunicode + 1))
             if c not in "\t\r\n" and unicodedata.normalize("NFKC", c) in ("=", "+", "-", "@")}
    assert set(FORMULA_START) == forms | {"\t", "\r", "\n"}
    assert {"\uff1d", "\uff0b", "\uff0d", "\uff20"} <= forms  # ＝ ＋ － ＠


@pytest.mark.parametrize("text", ATTACKS + [s + "x" for s in FORMULA_START])
def test_neutralise_adds_one_apostrophe_and_restore_removes_exactly_it(text):
    safe = neutralise(text)
    assert not safe.startswith(FORMULA_START) and safe == "'" + text
    assert restore(safe) == text


@pytest.mark.parametrize("attack", ATTACKS)
def test_dataset_exports_hold_no_formula_and_read_back_exactly(tmp_path, attack):
    data = json.loads(json.dumps(MINIMAL))
    project = data["projects"][0]
    project.update(title=attack + " title", description=attack)
    project["principles"]["equality"]["evidence"] = attack + " evidence"
    version = data["version"]
    assert not any(c.startswith(FORMULA_START) for c in _cells_csv(render(data, version,
                                                                          "csv")))
    assert not any(c.startswith(FORMULA_START) for c in _cells_xlsx(render(data, version,
                                                                           "xlsx")))
    for fmt, name in (("csv", "tables"), ("xlsx", "book.xlsx"), ("datapackage", "package"),
                      ("csv-zip", "tables.zip")):
        write(data, version, fmt, tmp_path / name)
        back = read(tmp_path / name).data["projects"][0]
        assert back["title"] == attack + " title", fmt
        assert back["description"] == attack, fmt
        assert back["principles"]["equality"]["evidence"] == attack + " evidence", fmt


def test_the_responses_template_is_written_through_the_neutraliser():
    cells = next(csv.reader(io.StringIO(responses_csv())))
    assert cells[0] == "Respondent reference" and not any(c.startswith(FORMULA_START)
                                                          for c in cells)


def _score(tmp_path, references: list[str], *args: str) -> subprocess.CompletedProcess:
    rows = [HEADINGS] + [f"{_quoted(r)},swemwbs,baseline,2025-01-01,3,3,3,3,3,3,3"
                         for r in references]
    (tmp_path / "responses.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "coprod_standard", "score",
                           str(tmp_path / "responses.csv"), *args],
                          capture_output=True, text=True, timeout=120, encoding="utf-8")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


SCORED = ['=HYPERLINK("http://evil.example","click")', "=1+1", "+441", "-R2",
          "\uff1d1+1", "\uff0b1", "\uff0d1", "\ufe661"]


def test_score_out_writes_respondent_references_as_text(tmp_path):
    done = _score(tmp_path, [*SCORED, "@SUM(A1)", "\t=1"], "--out",
                  str(tmp_path / "scores.csv"))
    assert done.returncode == 1, done.stderr  # the reference with an @ is refused
    with (tmp_path / "scores.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert rows and not any(v.startswith(FORMULA_START) for r in rows for v in r.values())
    assert {restore(r["respondent"]) for r in rows} == {*SCORED, "=1"}  # the tab is trimmed


def test_score_shows_no_control_character_or_escape_in_the_terminal(tmp_path):
    hostile = ["\x1b]0;owned\x07R1", "R2\x1b[2J", "R3\u202eevil", "\x9b31mR4"]
    done = _score(tmp_path, [*hostile, "=1+1"])
    shown = done.stdout + done.stderr
    assert done.returncode == 0, shown
    for character in ("\x1b", "\x07", "\u202e", "\x9b"):
        assert character not in shown
    assert "\\x1b]0;owned\\x07R1" in done.stdout and "\\u202e" in done.stdout
    assert "'=1+1" in done.stdout
    # a message that repeats a value from the file (an unknown instrument) is shown safely
    (tmp_path / "odd.csv").write_text(HEADINGS + "\nR1,\x1b[31mred,baseline,2025-01-01,"
                                      "3,3,3,3,3,3,3\n", encoding="utf-8")
    odd = subprocess.run([sys.executable, "-m", "coprod_standard", "score",
                          str(tmp_path / "odd.csv")], capture_output=True, text=True,
                         timeout=120)
    assert odd.returncode == 1 and "\x1b" not in odd.stdout + odd.stderr
    assert "\\x1b[31mred" in odd.stderr


def test_the_store_exports_and_the_report_tables_hold_no_formula(tmp_path):
    from coprod_standard.research import compare_report
    from coprod_standard.research.combine import combine
    from coprod_standard.research.sources import expand

    data = json.loads(json.dumps(MINIMAL))
    data["projects"][0]["title"] = '\uff1dHYPERLINK("http://evil.example")'
    (tmp_path / "hostile.json").write_text(json.dumps(data), encoding="utf-8")
    combine(expand([str(tmp_path / "hostile.json")], []), tmp_path / "s.duckdb",
            csv_dir=tmp_path / "csv")
    compare_report(tmp_path / "s.duckdb", tmp_path / "report")
    for path in [*(tmp_path / "csv").glob("*.csv"), *(tmp_path / "report").rglob("*.csv")]:
        with path.open(encoding="utf-8", newline="") as stream:
            cells = [c for row in csv.reader(stream) for c in row]
        assert not any(c.startswith(FORMULA_START) for c in cells), path
    projects = (tmp_path / "csv" / "projects.csv").read_text(encoding="utf-8")
    assert "'\uff1dHYPERLINK" in projects
