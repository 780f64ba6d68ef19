"""The responses template: a workbook (or CSV heading row) for questionnaire answers."""

from __future__ import annotations

import csv
import io

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..instruments.registry import instruments
from ..instruments.responses import TIMEPOINTS
from ..tabular.cells import neutralise

MAX_ITEMS = 14
COLUMNS = [
    ("Respondent reference", "A pseudonymous code for the person, such as R0042. Never a "
     "name, email address or NHS number; keep the key to the codes safely elsewhere."),
    ("Instrument", "The questionnaire: one of the instrument codes, or your bespoke one."),
    ("Timepoint", "When: baseline, interim, end or follow-up."),
    ("Date", "The date the questionnaire was answered, as year-month-day."),
    *[(f"Item {n}", f"The score for item {n}, as the instrument's scoring guide says "
       "(the answer's number, not its words). Leave it empty if unanswered.")
      for n in range(1, MAX_ITEMS + 1)],
    ("Total", "Only if you have a total but not the items (as for PAM). Otherwise leave it "
     "empty: the toolkit adds up the items."),
    ("Scale", "With a total: which score it is, for example raw or metric for SWEMWBS, or "
     "pam-score."),
    ("Role", "Optional: the person's role, from the participant role codes."),
    ("Ethnicity", "Optional: the person's ethnic group code."),
    ("Age band", "Optional: the person's age band code."),
    ("Sex", "Optional: female, male, not-stated or not-known."),
    ("Disability", "Optional: disabled, not-disabled, not-stated or not-known."),
]
READ_ME = [
    "Questionnaire responses for the Co-production Data Standard",
    "",
    "One row per person, per questionnaire, per timepoint. These answers are about "
    "individuals: keep this file private and never publish it.",
    "Use a pseudonymous reference for each person (such as R0042) and the same reference "
    "at every timepoint, so that change can be measured.",
    "Then score and add up the answers. If your organisation runs the checking web page, "
    "open its page 'Score and aggregate questionnaires' in your web browser, choose this "
    "file and press 'Score and aggregate': it shows the results and lets you download them, "
    "and nothing you upload is kept.",
    "If you use the coprod command instead, type: coprod aggregate this-file.xlsx --into "
    "your-dataset.json --project PROJECT-ID --out results.json",
    "The toolkit scores each response by the instrument's published rules, leaves out "
    "incomplete ones (and counts them), and suppresses and rounds small numbers before "
    "anything is written.",
    "No item wording is included here: use the questionnaire you are licensed to use.",
]


def responses_workbook() -> bytes:
    book = openpyxl.Workbook(write_only=True)
    read_me = book.create_sheet("Read me")
    for line in READ_ME:
        read_me.append([line])
    read_me.column_dimensions["A"].width = 110
    ws = book.create_sheet("Responses")
    ws.freeze_panes = "A2"
    headings = []
    for number, (heading, note) in enumerate(COLUMNS, start=1):
        cell = WriteOnlyCell(ws, value=heading)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F3864")
        cell.comment = Comment(note, "Co-production Data Standard", width=300, height=120)
        headings.append(cell)
        letter = get_column_letter(number)
        ws.column_dimensions[letter].width = max(len(heading) + 2, 10)
        if heading in ("Respondent reference", "Scale", "Instrument", "Timepoint"):
            ws.column_dimensions[letter].number_format = "@"
        if heading == "Date":
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
    for heading, values in (("Instrument", sorted(instruments())), ("Timepoint", TIMEPOINTS)):
        letter = get_column_letter([c[0] for c in COLUMNS].index(heading) + 1)
        check = DataValidation(type="list", formula1=f'"{",".join(values)}"', allow_blank=True)
        check.add(f"{letter}2:{letter}20000")
        ws.data_validations.append(check)
    ws.append(headings)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def responses_csv() -> str:
    """The heading row as CSV, written (as every CSV of the toolkit) through the one
    formula neutraliser."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow([neutralise(h) for h, _ in COLUMNS])
    return buffer.getvalue()
