"""One docs page for every issue and check code: what it means, why it matters, how to fix
it in a spreadsheet and in JSON, and a real example: the message the validator gives on a
case from the test fixtures, in JSON and (where the data converts) in a workbook."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from ..checks import catalogue as checks_catalogue
from ..issues import IssueType, as_written, catalogue

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SEVERITY_WORDS = {"error": "an **error**: it must be fixed before the file is valid",
                  "warning": "a **warning**: it should be fixed before the file is published",
                  "advisory": "**advice**: worth a look, and it never makes a file invalid"}
SPREADSHEET_ONLY = {"blank-column-heading", "duplicate-column", "duplicate-row",
                    "empty-workbook", "extra-dataset-row", "legacy-encoding", "malformed-csv",
                    "missing-link", "orphan-row", "unknown-column", "unknown-sheet",
                    "unsafe-workbook", "cell-too-long", "formula-cell",
                    "date-in-another-form"}


def _cell(text: str) -> str:
    return " ".join(str(text).split())


@cache
def _fixture_cases() -> dict[str, Path]:
    """For each code, the first fixture case whose expected issues include it."""
    found: dict[str, Path] = {}
    for expected in sorted(FIXTURES.glob("*/**/expected.json")):
        for issue in json.loads(expected.read_text(encoding="utf-8")).get("issues", []):
            found.setdefault(issue["code"], expected.parent)
    return found


@cache
def _examples(code: str) -> tuple[str | None, str | None]:
    """The issue as the validator reports it on the fixture: in the JSON file, and in the
    same data written as a workbook (when it converts and gives the same code)."""
    from ..validate import validate

    case = _fixture_cases().get(code)
    if case is None:
        return None, None
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    source = next(case.glob("input*"))
    options = {"level": expected.get("level", "publish"),
               "disclosure": expected.get("disclosure", "nhs-digital")}
    report = validate(source, name=source.name, **options)
    issue = next((i for i in report.issues if i.code == code), None)
    if issue is None:
        return None, None
    in_json = _describe(issue)
    if source.suffix != ".json" or not isinstance(report.data, dict) or not report.version:
        return in_json, None
    try:
        from ..schemas import base_version
        from ..writers import render

        book = render(report.data, base_version(report.version), "xlsx")
    except Exception:  # noqa: BLE001 - data too broken to write as a workbook
        return in_json, None
    sheet = validate(book, name="dataset.xlsx", **options)
    same = next((i for i in sheet.issues if i.code == code and i.location
                 and i.location.sheet), None)
    return in_json, _describe(same) if same else None


def _describe(issue) -> str:
    where = issue.location.describe() if issue.location else ""
    path = f" (at `{issue.path}`)" if issue.path and not (issue.location and
                                                          issue.location.sheet) else ""
    return f"{where}{path}: {issue.message}" if where else f"`{issue.path or '/'}`: " \
        f"{issue.message}"


def _how_to_fix(kind: IssueType) -> list[str]:
    if kind.code.startswith("response-"):
        return ["In a questionnaire responses file, the message names the row and the "
                "column. Correct the answer there, or leave the response out, and run "
                "`coprod score` or `coprod aggregate` again."]
    if kind.unreadable:
        return ["The file could not be read at all, so nothing else was checked. Fix this "
                "first, then check the file again."]
    sheet = ("**In a spreadsheet**: the message names the sheet, the cell (its column "
             "letter and row number) and the column's heading. Go to that cell, make the "
             "change, save the workbook and check it again.")
    if kind.code in SPREADSHEET_ONLY:
        return [sheet]
    return [sheet, "**In JSON**: the message gives the path to the value, such as "
            "`/projects/0/startDate` (the `startDate` of the first project; lists count "
            "from 0). Open the file in a text editor, find that value, change it and check "
            "the file again."]


def code_page(kind: IssueType) -> str:
    from .docs import GENERATED

    check = next((c for c in checks_catalogue() if c.code == kind.code), None)
    lines = [GENERATED, f"# `{kind.code}`: {kind.title}", "",
             f"This is {SEVERITY_WORDS[kind.severity.value]}. Category: {kind.category}."]
    if check:
        lines[-1] += f" It is a check beyond the schema, run at the {' and '.join(check.levels)}" \
                     f" level{'s' if len(check.levels) > 1 else ''}."
    if kind.unreadable:
        lines[-1] += " When it happens, the file cannot be read (exit status 3)."
    lines += ["", "## What it means", "", _cell(check.explanation if check else
                                                 kind.description), ""]
    serves = f"This check serves: {_cell(check.serves).rstrip('.')}." if check else ""
    lines += ["## Why it matters", "", serves if check else
              ("A file that cannot be read cannot be checked or used." if kind.unreadable
               else "The standard is only useful if every file says things the same way: "
               "the JSON Schema is that shared definition, and a value that breaks it "
               "cannot be compared, combined or trusted."), ""]
    lines += ["## The message", "", f"> {_cell(as_written(kind.message))}", ""]
    if kind.params:
        lines += ["Words in braces are filled in with the field, value or place concerned.", ""]
    lines += ["## How to fix it", "", _cell(as_written(kind.fix)), "", *[f"- {p}" for p in
                                                              _how_to_fix(kind)], ""]
    in_json, in_sheet = _examples(kind.code)
    if in_json or in_sheet:
        lines += ["## Example", "", "What the validator says on a case from the test "
                  "fixtures:", ""]
        if in_json:
            lines += [f"- In a JSON file: {_cell(in_json)}"]
        if in_sheet:
            lines += [f"- The same data as a workbook: {_cell(in_sheet)}"]
        lines.append("")
    lines += ["See [every issue code](../issue-codes.md)."]
    return "\n".join(lines) + "\n"


def code_pages() -> dict[str, str]:
    return {f"reference/codes/{kind.code}.md": code_page(kind)
            for kind in sorted(catalogue(), key=lambda k: k.code)}
