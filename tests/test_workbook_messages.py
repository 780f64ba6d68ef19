"""Messages about a workbook speak the workbook's language: every check's failing fixture,
written as a workbook and checked, names headings (never a JSON field name), points at the
right sheet and gives a cell; one empty cell is one message."""

from __future__ import annotations

import io
import json
import re
from functools import cache
from pathlib import Path

import openpyxl
import pytest

from coprod_standard.fields import fields
from coprod_standard.reporters.text_report import render
from coprod_standard.schemas import version_names
from coprod_standard.validate import validate
from coprod_standard.writers.xlsx_out import workbook_bytes

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(FIXTURES.glob("*/checks/*/fail/input.json"))

# Issues that may concern no row, with the reason. A list with no row for this record yet
# (no costs, no outcomes) has no cell: its sheet and the column where its first row would
# go are given instead, and the text report adds which project it is for.
NO_ROW = {
    "costs-missing": "no cost rows for the project: the Costs sheet's first column",
    "outcomes-missing": "no outcome rows: the Outcomes sheet's first column",
    "impact-risks-missing": "no impact-risk rows: the Impact risks sheet's first column",
    "missing-required-field": "a required list with no rows: its sheet's first column",
    "missing-conditional-field": "a list needed (counts when people were asked) with no rows",
}

CAMEL = re.compile(r"\b[a-z]+[A-Z][A-Za-z0-9]*\b")
DOTTED = re.compile(r"\b[a-z][A-Za-z]+(?:[./][a-z][A-Za-z]+)+\b")
QUOTED = re.compile(r"'([^'\s]+)'")


@cache
def _field_names() -> frozenset[str]:
    """Every JSON field name that is not also an English word a message may quote as a
    code (a cost category 'training', a design 'evaluation')."""
    names = {part for version in version_names() for path in fields(version) for part in path
             if part != "*"}
    return frozenset(n for n in names if not n.islower() or len(n) <= 2 or n in {
        "suppressed", "composition", "population", "indicators", "outcomes", "reporting",
        "practices", "remuneration", "extensions", "perspective", "method", "role", "id",
        "change", "support", "reports", "costs"})


@cache
def _checked(case: Path):
    expected = json.loads((case.parent / "expected.json").read_text())
    data = json.loads(case.read_text())
    book = workbook_bytes(data, data.get("version"))
    return validate(book, name=f"{case.parts[-3]}.xlsx", level=expected.get("level", "publish"),
                    disclosure=expected.get("disclosure"))


def _json_names(text: str) -> set[str]:
    text = re.sub(r"https?://\S+", "", text)
    found = set(CAMEL.findall(text)) | set(DOTTED.findall(text))
    return found | {q for q in QUOTED.findall(text) if q in _field_names()}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parts[-5]}/{c.parts[-3]}")
def test_no_json_field_name_in_workbook_messages(case):
    for issue in _checked(case).issues:  # (a field the tables have no column for is not read)
        text = f"{issue.message} {issue.fix}"
        assert not _json_names(text), (issue.code, text)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parts[-5]}/{c.parts[-3]}")
def test_every_workbook_issue_has_a_cell(case):
    for issue in _checked(case).issues:
        where = issue.location
        assert where and where.sheet and where.column_letter and where.column_title, \
            (issue.code, issue.path, where)
        assert where.row or issue.code in NO_ROW, (issue.code, issue.path, where)


def test_json_messages_keep_json_names():
    case = FIXTURES / "1.0/checks/access-needs-not-recorded/fail/input.json"
    report = validate(json.loads(case.read_text()))
    issue = next(i for i in report.issues if i.code == "access-needs-not-recorded")
    assert "'accessNeeds'" in issue.fix and issue.location is None


def test_costs_training_points_at_costs():
    report = _checked(FIXTURES / "1.0/checks/costs-incomplete/fail/input.json")
    issue = next(i for i in report.issues if i.code == "costs-incomplete")
    assert (issue.location.sheet, issue.location.column_title) == ("Costs", "Category")
    assert issue.location.row == 2 and issue.location.column_letter


def test_an_empty_list_points_at_its_sheet_and_names_the_record():
    report = _checked(FIXTURES / "1.0/checks/costs-missing/fail/input.json")
    issue = next(i for i in report.issues if i.code == "costs-missing")
    assert issue.location.sheet == "Costs" and issue.location.row is None
    text = render([report])
    wanted = f"sheet Costs, column A (Project identifier), for {issue.record}:"
    assert wanted.replace(" ", "") in "".join(text.split())


def _blank(sheet: str, heading: str) -> bytes:
    data = json.loads((FIXTURES / "1.0/checks/costs-incomplete/pass/input.json").read_text())
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(data, "1.0")))
    headings = [c.value for c in book[sheet][1]]
    book[sheet].cell(2, headings.index(heading) + 1).value = None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_empty_evidence_cell_is_one_message():
    report = validate(_blank("Projects", "Equality: evidence"), name="filled.xlsx")
    about = [i for i in report.issues if i.path.endswith("/equality/evidence")]
    assert [i.code for i in about] == ["missing-required-field"]
    (issue,) = about
    assert issue.message == "'Equality: evidence' is missing."
    assert (issue.location.sheet, issue.location.row, issue.location.column_title) == \
        ("Projects", 2, "Equality: evidence")
    text = render([report])
    assert "principle-evidence-thin" not in text and "(at /projects" not in text
    assert "Equality: partly met; no evidence is given." in text  # summarised, not repeated


def test_csv_tables_speak_the_same_language(tmp_path):
    from coprod_standard.writers.csv_out import csv_texts

    data = json.loads((FIXTURES / "1.0/checks/access-needs-not-recorded/fail/input.json")
                      .read_text())
    for name, text in csv_texts(data, "1.0").items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    report = validate(tmp_path)
    issue = next(i for i in report.issues if i.code == "access-needs-not-recorded")
    assert "'accessNeeds'" not in issue.fix and "the 'Access needs' columns" in issue.fix
    assert issue.location.sheet == "projects.csv" and issue.location.row == 2
    assert issue.location.column_title.startswith("Access needs")
