"""Read spreadsheets and tables (XLSX, a folder or zip of CSV files, a data package) into
the same records as a JSON dataset, with a locator from JSON paths to cells."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..issues import Issue
from ..limits import Limits
from ..schemas import latest_version, version_names
from ..tabular import issues as _  # noqa: F401 - registers the spreadsheet issues
from ..tabular.sheets import (
    Opener,
    Sheet,
    csv_sheets,
    detect_encoding,
    package_resources,
    zip_members,
)
from ..tabular.unflatten import assemble
from ..tabular.workbook import workbook_sheets
from . import ReadResult, unreadable
from .json_reader import records

KINDS = ("xlsx", "csv-folder", "csv-zip", "datapackage")


def _version(sheets: dict[str, Sheet], file: str, epoch) -> str:
    """The version declared on the Dataset sheet, or the current one."""
    probe = assemble({k: v.uncounted() for k, v in sheets.items() if k.lower() == "dataset"},
                     latest_version(), file, epoch)
    declared = probe.dataset.get("version")
    return declared if declared in version_names() else latest_version()


def _result(sheets: dict[str, Sheet], file: str, issues: list[Issue], epoch=None,
            fetch=None) -> ReadResult:
    version = _version(sheets, file, epoch)
    assembler = assemble(sheets, version, file, epoch)
    if not assembler.layouts:
        raise unreadable("empty-workbook", file)
    dataset = assembler.dataset
    return ReadResult(name=file, records=records(dataset), version=dataset.get("version"),
                      has_version="version" in dataset, is_object=True,
                      issues=issues + assembler.issues, locate=assembler.locate,
                      data=dataset, fetch=fetch)


def _xlsx_fetch(data: bytes):
    def fetch(sheet: str, rows: set[int]):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if sheet not in book.sheetnames:
                return
            stream = book[sheet].iter_rows(min_row=1, max_row=max(rows), values_only=True)
            for number, row in enumerate(stream, start=1):
                if number in rows:
                    yield number, list(row)
        finally:
            book.close()
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


def read_xlsx(data: bytes, file: str, limits: Limits) -> ReadResult:
    import zipfile

    from ..tabular.formulas import formula_issues

    with workbook_sheets(data, file, limits) as (sheets, epoch):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            issues = formula_issues(archive, {n: s.part for n, s in sheets.items() if s.part},
                                    {n: s.headings for n, s in sheets.items()}, file)
        return _result(sheets, file, issues, epoch, _xlsx_fetch(data))


def read_csv_files(files: dict[str, Opener], file: str, limits: Limits) -> ReadResult:
    issues: list[Issue] = []
    csvs = {path: opener for path, opener in files.items() if path.lower().endswith(".csv")}
    return _result(csv_sheets(csvs, file, limits, issues), file, issues, fetch=_csv_fetch(csvs))


def read_zip(data: bytes, file: str, limits: Limits) -> ReadResult:
    members = zip_members(data, file, limits)
    descriptor = next((p for p in members if p.endswith("datapackage.json")), None)
    if descriptor:
        base = descriptor[: -len("datapackage.json")]
        with members[descriptor]() as stream:
            text = stream.read(limits.max_bytes + 1)
        files = package_resources(text, lambda p: members.get(base + p), file)
        return read_csv_files(files, file, limits)
    return read_csv_files(members, file, limits)


def _opener(path: Path, limits: Limits) -> Opener:
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise unreadable("file-too-large", str(path), size=Limits.describe_bytes(size),
                         limit=Limits.describe_bytes(limits.max_bytes))
    return lambda: path.open("rb")


def read_folder(folder: Path, file: str, limits: Limits) -> ReadResult:
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
        files = {p.name: _opener(p, limits) for p in sorted(folder.glob("*.csv"))}
    if not files:
        raise unreadable("is-a-folder", file)
    return read_csv_files(files, file, limits)


def read_csv_file(data: bytes, file: str, limits: Limits) -> ReadResult:
    return read_csv_files({Path(file).name: lambda: io.BytesIO(data)}, file, limits)
