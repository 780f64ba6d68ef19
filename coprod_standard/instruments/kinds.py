"""What a file given as questionnaire responses holds when it is something else: a
dataset (JSON, a workbook or ODS file made from the dataset template, a data package or a
zip of its tables), figures already aggregated, or a table without the columns responses
need. Such a file gets one message that says what it is and where to take it, instead of
"no respondent reference" on every row. Also: the sheets of any workbook people save
responses in (.xlsx, .ods, .xls)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from ..issues import IssueType, Severity, register
from ..limits import Limits
from ..readers import Unreadable, unreadable
from ..tabular.sheets import Sheet

register(IssueType(
    "not-responses", "Not a file of questionnaire responses", Severity.ERROR, "reading",
    "Scoring and aggregating need questionnaire responses: one row per person and time "
    "they answered, with a pseudonymous respondent reference, the instrument, the "
    "timepoint, the date and the answers. A dataset, an aggregate or another table is "
    "told apart and named, rather than reported row by row.",
    "{file} is {what}, so nothing was scored: scoring needs questionnaire responses.",
    "{where} To score and aggregate answers, give a file with one row per person and time "
    "they answered (the columns Respondent, Instrument, Timepoint, Date, then Item 1, "
    "Item 2 and so on), as in the questionnaire responses template ('coprod template "
    "responses.xlsx --kind responses').",
    unreadable=True))

DATASET = ("a co-production dataset", "Check a dataset with 'coprod validate' instead.")
AGGREGATE = ("figures already scored and added up (an aggregate)",
             "These figures go into a dataset's outcomes as they are; to add them up again, "
             "give the responses file they came from.")
OTHER_JSON = ("a JSON object", "Responses in JSON are a list of rows, each an object such "
              "as {\"respondent\": \"R0042\", \"instrument\": \"swemwbs\", ...}.")
TABLE = ("a table with none of the columns of responses (Respondent, Instrument, "
         "Timepoint, Date, Item 1 ...)", "Check that you chose the right file or sheet.")
CSV_ZIP = ("a zip of CSV files", "Questionnaire responses are one CSV file: give that file "
           "itself. A dataset's tables in a zip are checked with 'coprod validate'.")
DATASET_SHEETS = frozenset({"dataset", "projects", "participant groups", "outcomes",
                            "indicators", "results", "costs"})
NEEDED = ("respondent", "instrument", "timepoint", "date")
XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a Compound File, as .xls is


def not_responses(name: str, kind: tuple[str, str]) -> Unreadable:
    """The refusal; its ``where`` is the advice for this kind of file alone."""
    what, where = kind
    refusal = unreadable("not-responses", name, what=what, where=where)
    refusal.where = where
    return refusal


def json_object(data: bytes, name: str) -> Unreadable:
    """The refusal for a JSON object (responses in JSON are a list), naming what it is."""
    try:
        found = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        found = None  # too broken to tell: still not responses
    keys = set(found) if isinstance(found, dict) else set()
    if keys & {"projects", "publisher", "version"}:
        return not_responses(name, DATASET)
    if "indicators" in keys:
        return not_responses(name, AGGREGATE)
    return not_responses(name, OTHER_JSON)


def check_headings(columns: dict[str, int], items: int, name: str) -> None:
    """Refuse a sheet with none of the columns responses need and no item columns."""
    if not items and not any(key in columns for key in NEEDED):
        raise not_responses(name, TABLE)


@contextmanager
def responses_sheets(data: bytes, name: str, limits: Limits
                     ) -> Iterator[dict[str, Sheet]]:
    """The sheets of a workbook (.xlsx, .ods or .xls); a dataset's workbook, data package
    or zip of tables is refused as not responses."""
    from ..tabular.ods import is_ods, ods_sheets, ods_tables
    from ..tabular.workbook import workbook_sheets
    from ..tabular.zips import open_zip

    if data.startswith(XLS):
        from ..tabular.xls import xls_tables

        sheets = ods_sheets(xls_tables(data, name, limits), name, limits)
    else:
        with open_zip(data, name, limits) as archive:  # the zip-bomb checks first
            members, ods = archive.namelist(), is_ods(archive)
        if "xl/workbook.xml" in members:
            with workbook_sheets(data, name, limits) as (sheets, _):
                _refuse_dataset(sheets, name)
                yield sheets
            return
        if ods:
            sheets = ods_sheets(ods_tables(data, name, limits), name, limits)
        elif any(m.endswith("datapackage.json") for m in members):
            raise not_responses(name, DATASET)
        elif any(m.lower().endswith(".csv") for m in members):
            _refuse_dataset({m.rsplit("/", 1)[-1][:-4].replace("-", " ").replace("_", " ")
                             for m in members}, name)
            raise not_responses(name, CSV_ZIP)
        else:
            raise unreadable("damaged-file", name, reason=(
                "it is a zip file but not a workbook"))
    _refuse_dataset(sheets, name)
    yield sheets


def _refuse_dataset(sheets: Iterable[str], name: str) -> None:
    if len(DATASET_SHEETS & {n.strip().lower() for n in sheets}) >= 2:
        raise not_responses(name, DATASET)
