"""Make broken-workbook.xlsx: the dementia club example as a workbook, with three mistakes
that people make in spreadsheets. It is made from the example's version 1.0 form (kept in
tests/fixtures/earlier-examples), whose workbook layout the docs and tests describe. The
docs and the web validator's tests use it.

    python docs/examples/make_broken_workbook.py
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from openpyxl import load_workbook

from coprod_standard.writers import render

HERE = Path(__file__).resolve().parent
MISTAKES = [  # sheet, heading, row, the value typed
    ("Projects", "Start date", 2, "31/02/2024"),
    ("Projects", "Level of participation", 2, "co-producton"),
    ("Participant groups", "Number of people", 2, "about 45"),
]


def main() -> None:
    earlier = HERE.parent.parent / "tests" / "fixtures" / "earlier-examples"
    data = json.loads((earlier / "dementia-club.json").read_text(encoding="utf-8"))
    book = load_workbook(io.BytesIO(render(data, data["version"], "xlsx")))
    for sheet, heading, row, value in MISTAKES:
        ws = book[sheet]
        column = [c.value for c in ws[1]].index(heading) + 1
        ws.cell(row=row, column=column, value=value)
    book.save(HERE / "broken-workbook.xlsx")


if __name__ == "__main__":
    main()
