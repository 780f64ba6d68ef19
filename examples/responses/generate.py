"""Make the example questionnaire responses: invented, seeded, the same every time.

    python examples/responses/generate.py

Sixty invented people (R001 to R060) at the club modelled in dementia-club.json: unpaid
carers and volunteers, answering SWEMWBS (seven items, each 1 to 5) at baseline in autumn
2023 and again in autumn 2025. A few answers are missing, some people did not answer the
second time, as in real files. No real data.
"""

from __future__ import annotations

import csv
import random
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
HEADINGS = ["Respondent reference", "Instrument", "Timepoint", "Date", *[
    f"Item {n}" for n in range(1, 8)], "Role"]


def rows() -> list[list]:
    rng = random.Random(2023)
    out = []
    for number in range(1, 61):
        person = f"R{number:03d}"
        role = "unpaid-carer" if number <= 35 else "community-member"
        level = rng.choice([2, 3, 3, 3, 4])
        for timepoint, start, lift in (("baseline", date(2023, 10, 2), 0),
                                       ("interim", date(2025, 10, 6), 1)):
            if timepoint == "interim" and number % 9 == 0:
                continue  # did not answer again
            day = start + timedelta(days=rng.randrange(0, 55))
            items = [min(5, max(1, level + rng.choice([-1, 0, 0, 1]) +
                                (lift if rng.random() < 0.45 else 0))) for _ in range(7)]
            if number in (7, 23, 41) and timepoint == "baseline":
                items[rng.randrange(7)] = None  # an unanswered item
            out.append([person, "swemwbs", timepoint, day.isoformat(), *items, role])
    return out


def main() -> None:
    data = rows()
    with (HERE / "club-wellbeing-responses.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADINGS)
        writer.writerows([["" if v is None else v for v in row] for row in data])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Responses"
    sheet.append(HEADINGS)
    for row in data:
        sheet.append(row[:3] + [date.fromisoformat(row[3])] + row[4:])
        sheet.cell(sheet.max_row, 4).number_format = "yyyy-mm-dd"
    book.properties.creator = "Co-production Data Standard examples"
    book.properties.created = book.properties.modified = datetime(2026, 1, 1)
    book.save(HERE / "club-wellbeing-responses.xlsx")


if __name__ == "__main__":
    main()
