"""Read spreadsheets and tables (XLSX, ODS, XLS, a folder or zip of CSV files, a data package) into
the same records as a JSON dataset, with a locator from JSON paths to cells."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from ..issues import Issue
from ..limits import Limits
from ..lockfiles import lock_file
from ..schemas import latest_version, version_names
from ..tabular import issues as _  # noqa: F401 - registers the spreadsheet issues
from ..tabular.rules import sheet_tables
from ..tabular.rules import tables as table_rules
from ..tabular.sheets import (
    Opener,
    Sheet,
    csv_sheets,
    detect_encoding,
    package_resources,
    zip_members,
)
from ..tabular.unflatten import assemble
from ..tabular.workbook import openpyxl_book, refused, workbook_sheets
from ..tabular.zips import opened
from . import ReadResult, unreadable
from .json_reader import records

KINDS = ("xlsx", "ods", "xls", "csv-folder", "csv-zip", "datapackage")


def _version(sheets: dict[str, Sheet], file: str, epoch) -> str:
    """The version declared on the Dataset sheet (or dataset.csv), or the current one."""
    root = table_rules(latest_version())[0]
    known = sheet_tables(latest_version(), sheets)
    found = [v.uncounted() for k, v in sheets.items() if known[k] and known[k].name == root.name]
    probe = assemble({root.name: found[0]} if found else {}, latest_version(), file, epoch)
    declared = probe.dataset.get("version")
    return declared if declared in version_names() else latest_version()


def _result(sheets: dict[str, Sheet], file: str, issues: list[Issue], epoch=None,
            fetch=None, stream: Callable[[], None] | None = None, size: int = 0
            ) -> ReadResult:
    """The dataset read whole; with STREAM (called when the reading is over), one project at
    a time when that can be done."""
    version = _version(sheets, file, epoch)
    if stream is not None:
        streamed = _streamed(sheets, version, file, issues, epoch, fetch, stream, size)
        if streamed is not None:
            return streamed
    assembler = assemble(sheets, version, file, epoch)
    if not assembler.layouts:
        raise unreadable("empty-workbook", file)
    dataset = assembler.dataset
    return ReadResult(name=file, records=records(dataset), version=dataset.get("version"),
                      has_version="version" in dataset, is_object=True,
                      issues=issues + assembler.issues, locate=assembler.locate,
                      data=dataset, fetch=fetch, tabular=True)


def _streamed(sheets: dict[str, Sheet], version: str, file: str, issues: list[Issue], epoch,
              fetch, done: Callable[[], None], size: int) -> ReadResult | None:
    from ..tabular.streaming import TableStream

    tables = TableStream(sheets, version, file, epoch, issues)
    if not tables.layouts:
        raise unreadable("empty-workbook", file)
    if not tables.streamable:
        return None
    details = tables.details

    def records():
        try:
            yield from tables.records()
        finally:
            done()

    return ReadResult(name=file, records=records(), version=details.get("version"),
                      has_version="version" in details, is_object=True, issues=issues,
                      locate=tables.locate, details=details, fetch=fetch, size=size,
                      tabular=True)


class _Headings(dict):
    """Each sheet's headings, read only for a sheet that is asked about (a sheet read by
    calamine is read when its headings are first needed)."""

    def __init__(self, sheets: dict[str, Sheet]):
        super().__init__()
        self.sheets = sheets

    def get(self, name, default=None):
        return self.sheets[name].headings if name in self.sheets else default


def _xlsx_fetch(data: bytes | Path, file: str):
    """The cells of some rows of a sheet, to show around its issues: read by calamine when
    its scan allows (decided once), else by openpyxl; none if the workbook cannot give them
    (it was read through before, so that would be a surprise, not a reason to stop)."""
    fast: list[bool] = []

    def cells(sheet: str, rows: set[int]):
        from ..tabular.fast_workbook import calamine_reason, fast_rows

        if not fast:
            fast.append(isinstance(data, bytes) and calamine_reason(
                zipfile.ZipFile(opened(data)), data, file) is None)
        stream = fast_rows(data, sheet) if fast[0] else None
        if stream is not None:
            yield from enumerate(stream, start=1)
            return
        book, reader = openpyxl_book(data, file)
        try:
            if sheet in book.sheetnames:
                yield from enumerate(book[sheet].iter_rows(
                    min_row=1, max_row=max(rows), values_only=True), start=1)
        finally:
            book.close()
            if hasattr(reader.shared_strings, "close"):
                reader.shared_strings.close()

    def fetch(sheet: str, rows: set[int]):
        try:
            for number, row in cells(sheet, rows):
                if number in rows:
                    yield number, list(row)
                if number >= max(rows):
                    return
        except Exception:  # noqa: BLE001 - no cells shown, rather than no report
            return
    return fetch


def _csv_fetch(files: dict[str, Opener]):
    def fetch(sheet: str, rows: set[int]):
        for path, opener in files.items():
            if Path(path).name != sheet:
                continue
            with io.TextIOWrapper(opener(), encoding=detect_encoding(opener),
                                  errors="replace", newline="") as text:
                for number, row in enumerate(csv.reader(text), 1):
                    if number in rows:
                        yield number, row
                    if number >= max(rows):
                        return
    return fetch


def _size(data: bytes | Path) -> int:
    return data.stat().st_size if isinstance(data, Path) else len(data)


def read_xlsx(data: bytes | Path, file: str, limits: Limits, stream: bool = False
              ) -> ReadResult:
    """A workbook (its bytes, or its path when it is streamed); with STREAM, one of
    ``limits.stream_from`` bytes or more is read one project at a time (the workbook stays
    open until its records have all been taken)."""
    from ..tabular.formulas import formula_issues

    streamed = stream and _size(data) >= limits.stream_from
    with ExitStack() as stack:  # read whole, fast; streamed, by openpyxl a row at a time
        sheets, epoch = stack.enter_context(workbook_sheets(data, file, limits,
                                                            fast=not streamed))
        try:
            with zipfile.ZipFile(opened(data)) as archive:
                issues = formula_issues(archive, {n: s.part for n, s in sheets.items()
                                                  if s.part}, _Headings(sheets), file)
        except Exception as exc:  # noqa: BLE001 - XML a parser refuses, or an attack
            raise refused(exc, file, "part of a sheet is damaged") from None
        later = stack.pop_all() if streamed else None
        try:
            return _result(sheets, file, issues, epoch, _xlsx_fetch(data, file),
                           later.close if later else None, _size(data))
        except BaseException:
            if later:
                later.close()
            raise


def read_tables(tables, epoch, file: str, limits: Limits) -> ReadResult:
    """Sheets read whole from an .ods or .xls file (``tabular.ods.OdsTable``), with their
    formula cells reported as a workbook's are."""
    from ..tabular.formulas import formula_cell_issues
    from ..tabular.ods import ods_fetch, ods_sheets

    sheets = ods_sheets(tables, file, limits)
    issues = formula_cell_issues(
        {t.name: (t.formulas, t.formula_count) for t in tables if t.formula_count},
        {n: s.headings for n, s in sheets.items()}, file)
    return _result(sheets, file, issues, epoch, ods_fetch(tables))


def read_ods(data: bytes, file: str, limits: Limits, stream: bool = False) -> ReadResult:
    """An OpenDocument spreadsheet (.ods), read whole."""
    from ..tabular.ods import EPOCH, ods_tables

    return read_tables(ods_tables(data, file, limits), EPOCH, file, limits)


def read_xls(data: bytes, file: str, limits: Limits, stream: bool = False) -> ReadResult:
    """An old-style Excel workbook (.xls), read whole."""
    from ..tabular.xls import EPOCH, xls_tables

    return read_tables(xls_tables(data, file, limits), EPOCH, file, limits)


def read_csv_files(files: dict[str, Opener], file: str, limits: Limits,
                   stream: bool = False, size: int = 0) -> ReadResult:
    """CSV files by name; with STREAM, SIZE bytes or more of them (``limits.stream_from``)
    are read one project at a time."""
    issues: list[Issue] = []
    csvs = {path: opener for path, opener in files.items() if path.lower().endswith(".csv")}
    later = (lambda: None) if stream and size >= limits.stream_from else None
    return _result(csv_sheets(csvs, file, limits, issues), file, issues,
                   fetch=_csv_fetch(csvs), stream=later, size=size)


def read_zip(data: bytes, file: str, limits: Limits, stream: bool = False) -> ReadResult:
    members = zip_members(data, file, limits)
    descriptor = next((p for p in members if p.endswith("datapackage.json")), None)
    if descriptor:
        base = descriptor[: -len("datapackage.json")]
        with members[descriptor]() as stream:
            text = stream.read(limits.max_bytes + 1)
        files = package_resources(text, lambda p: members.get(base + p), file)
        return read_csv_files(files, file, limits, stream, len(data))
    return read_csv_files(members, file, limits, stream, len(data))


def _opener(path: Path, limits: Limits) -> Opener:
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise unreadable("file-too-large", str(path), size=Limits.describe_bytes(size),
                         limit=Limits.describe_bytes(limits.max_bytes))
    return lambda: path.open("rb")


def read_folder(folder: Path, file: str, limits: Limits, stream: bool = False
                ) -> ReadResult:
    descriptor = folder / "datapackage.json"
    if descriptor.is_file():
        def member(relative: str) -> Opener | None:
            target = (folder / relative).resolve()
            if folder.resolve() not in target.parents or not target.is_file():
                return None
            return _opener(target, limits)
        with _opener(descriptor, limits)() as stream:
            files = package_resources(stream.read(), member, file)
    else:
        files = {p.name: _opener(p, limits) for p in sorted(folder.glob("*.csv"))
                 if not lock_file(p)}  # Excel's ~$name.csv beside an open file
    if not files:
        raise unreadable("is-a-folder", file)
    size = sum(p.stat().st_size for p in folder.rglob("*.csv") if p.is_file())
    return read_csv_files(files, file, limits, stream, size)


def read_csv_file(data: bytes, file: str, limits: Limits, stream: bool = False
                  ) -> ReadResult:
    return read_csv_files({Path(file).name: lambda: io.BytesIO(data)}, file, limits,
                          stream, len(data))
