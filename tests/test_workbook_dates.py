"""Dates as people type them in workbooks and CSV files: real spreadsheet dates and
date-times, year-month-day text, UK text (accepted with an advisory), and messages that name
the form and give the exact text to type for what cannot be read as one date. JSON stays
strict."""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
import subprocess
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from coprod_standard import validate
from coprod_standard.dates import uk_offset
from coprod_standard.limits import Limits
from coprod_standard.readers import read
from coprod_standard.writers import write
from coprod_standard.writers.xlsx_out import workbook_bytes
from tests.conftest import ROOT

MINIMAL = json.loads((ROOT / "examples" / "minimal.json").read_text())


def _book() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(MINIMAL, "1.0")))


def _cell(book, sheet, heading, row=2):
    ws = book[sheet]
    return ws.cell(row, [c.value for c in ws[1]].index(heading) + 1)


def _filled(tmp_path, **cells):
    """The minimal example as a workbook, with CELLS ({"Sheet/Heading": value}) changed."""
    book = _book()
    for where, value in cells.items():
        sheet, heading = where.split("/")
        _cell(book, sheet, heading).value = value
    path = tmp_path / "dates.xlsx"
    book.save(path)
    return path


def _only(report, code):
    found = [i for i in report.issues if i.code == code]
    assert len(found) == 1, [(i.code, i.message) for i in report.issues]
    return found[0]


def test_real_dates_date_times_and_text_are_read_as_the_standard_wants(tmp_path):
    path = _filled(tmp_path, **{
        "Dataset/Date published": datetime(2026, 4, 1),  # a real date
        "Dataset/Last changed": datetime(2025, 3, 31, 14, 0),  # a real date and time
        "Projects/Start date": "2025-09-01",  # text, year-month-day
        "Projects/End date": datetime(2026, 3, 31, 0, 0)})  # a date-time at midnight
    report = validate(path)
    assert report.valid and report.errors == []
    assert not [i for i in report.issues if i.category == "dates"]
    data = read(path).data
    assert data["publishedDate"] == "2026-04-01"
    assert data["modified"] == "2025-03-31T14:00:00+01:00"  # UK summer time
    assert data["projects"][0]["startDate"] == "2025-09-01"
    assert data["projects"][0]["endDate"] == "2026-03-31"


@pytest.mark.parametrize("typed,expected", [
    (datetime(2025, 1, 15, 9, 30), "2025-01-15T09:30:00+00:00"),  # winter: GMT
    (datetime(2025, 3, 31), "2025-03-31T00:00:00+01:00"),  # a real date: its start
    ("2025-03-31", "2025-03-31T00:00:00+01:00"),
    ("2025-03-31 14:00", "2025-03-31T14:00:00+01:00"),
    ("2025-03-31T14:30:00Z", "2025-03-31T14:30:00Z"),  # already the standard's form
    ("2025-10-26T01:30:00+00:00", "2025-10-26T01:30:00+00:00"),
])
def test_last_changed_takes_dates_and_times_as_uk_time_silently(tmp_path, typed, expected):
    path = _filled(tmp_path, **{"Dataset/Last changed": typed})
    report = validate(path)
    assert read(path).data["modified"] == expected
    assert report.valid and not [i for i in report.issues if i.category == "dates"]


@pytest.mark.parametrize("typed,form", [
    ("31/03/2025", "a UK date (day/month/year)"),
    ("31-03-2025", "a UK date (day-month-year)"),
    ("31.3.2025", "a UK date (day.month.year)"),
    ("31 March 2025", "a date written in words"),
    ("31 Mar 2025", "a date written in words"),
    ("2025/03/31", "a date written year/month/day"),
])
def test_uk_text_dates_are_read_with_an_advisory_at_their_cell(tmp_path, typed, form):
    path = _filled(tmp_path, **{"Projects/Start date": typed})
    report = validate(path)
    assert report.valid
    assert read(path).data["projects"][0]["startDate"] == "2025-03-31"
    advice = _only(report, "date-in-another-form")
    assert advice.severity == "advisory"
    assert advice.location.describe() == "sheet Projects, cell J2 (Start date)"
    assert advice.message == f"Start date is '{typed}', {form}; it was read as 2025-03-31."
    assert "type it as 2025-03-31" in advice.fix


def test_a_uk_date_and_time_in_last_changed_is_read_as_uk_time(tmp_path):
    path = _filled(tmp_path, **{"Dataset/Last changed": "31/03/2025 14:00"})
    report = validate(path)
    assert report.valid
    assert read(path).data["modified"] == "2025-03-31T14:00:00+01:00"
    advice = _only(report, "date-in-another-form")
    assert advice.location.describe() == "sheet Dataset, cell J2 (Last changed)"
    assert advice.message == ("Last changed is '31/03/2025 14:00', a UK date and time "
                              "(day/month/year hours:minutes); it was read as "
                              "2025-03-31T14:00:00+01:00.")


@pytest.mark.parametrize("typed,message,fix", [
    ("03/04/2025",
     "could be 3 April 2025 (day/month/year, as in the UK) or 4 March 2025 "
     "(month/day/year, as in the US)",
     "Type the date as year-month-day: 2025-04-03 if it means 3 April 2025, or 2025-03-04 "
     "if it means 4 March 2025."),
    ("03/31/2025", "looks like a US date (month/day/year)",
     "Type the date as year-month-day: 2025-03-31 if it means 31 March 2025."),
    ("31/02/2025", "is not a day that exists: February 2025 has 28 days",
     "Type the date as year-month-day, for example 2025-03-31. Check the day and the month."),
    ("31/03/25", "has a two-digit year, so the century is not certain",
     "Type the date as year-month-day with the year in full: 2025-03-31 if it means "
     "31 March 2025."),
    (datetime(2025, 3, 31, 14, 30), "holds a time of day (14:30) as well as the date; "
     "only the date belongs here",
     "Type the date as year-month-day without the time: 2025-03-31. In a spreadsheet, a "
     "cell's format can hide the time it holds."),
    ("soon", "is not a date written as year-month-day",
     "Type the date as year-month-day, for example 2025-03-31."),
])
def test_dates_that_are_not_one_date_say_why_and_what_to_type(tmp_path, typed, message, fix):
    path = _filled(tmp_path, **{"Projects/Start date": typed})
    report = validate(path)
    assert not report.valid
    issue = _only(report, "invalid-date")
    assert issue.location.describe() == "sheet Projects, cell J2 (Start date)"
    assert issue.message.endswith(f", which {message}.")
    assert issue.fix == fix
    assert not [i for i in report.issues if i.code == "date-in-another-form"]


def test_an_ambiguous_last_changed_gives_both_readings_with_their_offsets(tmp_path):
    report = validate(_filled(tmp_path, **{"Dataset/Last changed": "03/04/2025 09:00"}))
    issue = _only(report, "invalid-date-time")
    assert issue.location.describe() == "sheet Dataset, cell J2 (Last changed)"
    assert "could be 3 April 2025 (day/month/year, as in the UK)" in issue.message
    assert issue.fix.endswith(": 2025-04-03T09:00:00+01:00 if it means 3 April 2025, or "
                              "2025-03-04T09:00:00+00:00 if it means 4 March 2025.")


def test_following_the_advice_makes_the_workbook_valid(tmp_path):
    """Each message's exact text, typed into its cell, fixes it."""
    book = _book()
    _cell(book, "Projects", "Start date").value = "03/04/2025"
    _cell(book, "Dataset", "Last changed").value = "31/02/2025 10:00"
    book.save(tmp_path / "before.xlsx")
    report = validate(tmp_path / "before.xlsx")
    assert {i.code for i in report.errors} == {"invalid-date", "invalid-date-time"}
    start = _only(report, "invalid-date")
    typed = start.fix.split(": ", 1)[1].split(" if it means ")[0]  # the UK reading
    assert typed == "2025-04-03"
    _cell(book, "Projects", "Start date").value = typed
    _cell(book, "Dataset", "Last changed").value = "2025-02-28T10:00:00+00:00"
    book.save(tmp_path / "after.xlsx")
    assert validate(tmp_path / "after.xlsx").valid


def test_many_uk_dates_in_a_column_give_one_advisory_read_whole_or_streamed(tmp_path):
    book = _book()
    ws = book["Projects"]
    first = [c.value for c in ws[2]]
    start = [c.value for c in ws[1]].index("Start date")
    for number, typed in enumerate(["30/09/2025", "1 October 2025"], start=2):
        row = list(first)
        row[0] = f"{first[0]}-{number}"
        row[start] = typed
        ws.append(row)
    _cell(book, "Projects", "Start date").value = "31/08/2025"
    book.save(tmp_path / "many.xlsx")
    for options in ({}, {"limits": Limits(stream_from=0), "stream": True}):
        report = validate(tmp_path / "many.xlsx", level="schema", **options)
        advice = _only(report, "date-in-another-form")
        assert advice.location.describe() == "sheet Projects, cell J2 (Start date)"
        assert advice.message == ("Start date is '31/08/2025', a UK date (day/month/year); "
                                  "it was read as 2025-08-31. 2 more cells in this column "
                                  "were read the same way.")
    starts = [p["startDate"] for p in read(tmp_path / "many.xlsx").data["projects"]]
    assert starts == ["2025-08-31", "2025-09-30", "2025-10-01"]


def test_csv_files_get_the_same_reading_and_messages(tmp_path):
    write(MINIMAL, "1.0", "csv", tmp_path / "tables")
    projects = tmp_path / "tables" / "projects.csv"
    rows = list(csv.reader(projects.open(encoding="utf-8-sig", newline="")))
    column = rows[0].index("Start date")
    rows.append(list(rows[1]))
    rows[2][0] += "-2"
    rows[1][column], rows[2][column] = "1 Sept 2025", "09/10/2025"
    with projects.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    report = validate(tmp_path / "tables", level="schema")
    advice = _only(report, "date-in-another-form")
    assert advice.location.describe() == "file projects.csv, cell J2 (Start date)"
    ambiguous = _only(report, "invalid-date")
    assert ambiguous.location.describe() == "file projects.csv, cell J3 (Start date)"
    assert "could be 9 October 2025 (day/month/year, as in the UK)" in ambiguous.message
    assert read(tmp_path / "tables").data["projects"][0]["startDate"] == "2025-09-01"


def test_json_stays_strict_but_its_messages_name_the_form(tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["projects"][0]["startDate"] = "31/03/2025"
    data["modified"] = "2025-03-31T14:00:00"
    report = validate(data)
    start = _only(report, "invalid-date")
    assert start.message == ("Start date ('startDate') is '31/03/2025', which looks like a "
                             "UK date (day/month/year), not year-month-day.")
    assert start.fix == "Type the date as year-month-day: 2025-03-31."
    modified = _only(report, "invalid-date-time")
    assert modified.message.endswith("which has no time zone.")
    assert modified.fix.endswith(": 2025-03-31T14:00:00+01:00 (UK summer time).")


def test_the_uk_offset_follows_the_uk_clock_rules():
    london = ZoneInfo("Europe/London")
    moment = datetime(2020, 1, 1)
    while moment < datetime(2031, 1, 1):  # every half hour, through every change of clocks
        assert uk_offset(moment) == moment.replace(tzinfo=london).utcoffset(), moment
        moment += timedelta(minutes=30)


def test_the_template_makes_typed_dates_and_times_real_ones(tmp_path):
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(None, "1.0")))
    ws = book["Dataset"]
    letter = openpyxl.utils.get_column_letter([c.value for c in ws[1]].index(
        "Last changed") + 1)
    assert ws.column_dimensions[letter].number_format == "yyyy-mm-dd hh:mm"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_dates_typed_into_libreoffice_in_the_uk_are_read(tmp_path):
    """A Dataset sheet typed as CSV text and opened by LibreOffice set to English (UK): it
    turns the typed dates and times into real ones, and saves them in an XLSX file."""
    source = tmp_path / "Dataset.csv"
    source.write_text("Dataset title,Date published,Last changed\n"
                      "Dates typed in LibreOffice,03/04/2025,31/10/2025 14:00\n",
                      encoding="utf-8")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--headless", "--infilter=Text - txt - csv (StarCalc):44,34,76,1,,2057",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"), str(source)],
                   check=True, capture_output=True, timeout=180)
    saved = tmp_path / "out" / "Dataset.xlsx"
    cells = openpyxl.load_workbook(saved)["Dataset"][2]
    assert [c.is_date for c in cells] == [False, True, True]  # real dates, not text
    data = read(saved).data
    assert data["publishedDate"] == "2025-04-03"  # the UK reading LibreOffice made
    assert data["modified"] == "2025-10-31T14:00:00+00:00"  # after the clocks went back
    report = validate(saved, level="schema")
    assert not [i for i in report.issues if i.category == "dates"]
    assert date.fromisoformat(data["publishedDate"]).month == 4


def test_questionnaire_responses_take_uk_dates_and_explain_the_rest(tmp_path):
    from coprod_standard.instruments.responses import read_responses

    source = tmp_path / "responses.csv"
    source.write_text("respondent,instrument,timepoint,date,item1,item2,item3,item4,item5,"
                      "item6,item7\nR1,swemwbs,baseline,31/03/2025,3,3,3,3,3,3,3\n"
                      "R2,swemwbs,baseline,03/04/2025,3,3,3,3,3,3,3\n", encoding="utf-8")
    reader, responses = read_responses(source)
    assert [r.day for r in responses] == [date(2025, 3, 31)]
    issue = _only(reader, "response-bad-value")
    assert issue.location.describe() == "file responses.csv, cell D3 (date)"
    assert "could be 3 April 2025 (day/month/year, as in the UK)" in issue.message
    assert issue.fix.endswith("year-month-day: 2025-04-03 if it means 3 April 2025, or "
                              "2025-03-04 if it means 4 March 2025.")
