"""convert(source, out): between JSON, an Excel workbook, an OpenDocument spreadsheet, CSV
files (a folder or a zip) and a Frictionless Data Package; and to JSON-LD (linked data).
Reading problems that lose data (unknown columns, rows without their parent) are reported,
and so is what the tables have no column for (fields the standard does not have);
the input is never changed, and an existing output is replaced only when asked."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .issues import Issue, Severity
from .limits import Limits
from .output import OutputRefused
from .readers import Source, Unreadable, read, source_name
from .schemas import latest_version, version_names
from .writers import FORMATS, check, write

TABLES = ("xlsx", "ods", "csv", "csv-zip", "datapackage", "datapackage-zip")
SUFFIXES = {".json": "json", ".xlsx": "xlsx", ".ods": "ods", ".zip": "csv-zip",
            ".jsonld": "jsonld"}


class ConvertError(Exception):
    """The conversion was not attempted: a usage problem, said in plain words."""


@dataclass
class Conversion:
    source: str
    target: str
    fmt: str
    projects: int = 0
    issues: list[Issue] = field(default_factory=list)
    unreadable: bool = False
    level: str = "publish"
    status: str = ""  # what 'coprod validate' says of the input: valid or invalid
    found: dict[str, int] = field(default_factory=dict)  # issues by severity

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]


def output_format(out: Path, to: str | None) -> tuple[str, Path]:
    """The format to write, and where: a data package goes in a folder (or a zip)."""
    if to:
        if to not in FORMATS:
            raise ConvertError(f"'{to}' is not a format; choose one of {', '.join(FORMATS)}")
        return to, out
    if out.name == "datapackage.json":
        return "datapackage", out.parent
    return SUFFIXES.get(out.suffix.lower(), "csv" if not out.suffix else ""), out


def output_target(source: Source, out: str | os.PathLike, to: str | None, force: bool
                  ) -> tuple[str, Path]:
    """The format and place of the output, checked before anything is read: a usage
    problem (an existing output without FORCE, the input itself, a file where a folder is
    wanted or the reverse) raises ConvertError."""
    fmt, target = output_format(Path(out), to)
    if not fmt:
        raise ConvertError(f"cannot tell the format from '{out}': end the name with .json, "
                           ".xlsx, .ods, .zip or .jsonld, give a folder, or use --to")
    try:
        check(target, fmt, force=force, inputs=[source])
    except OutputRefused as exc:
        raise ConvertError(str(exc)) from None
    return fmt, target


def write_output(dataset: dict, version: str, fmt: str, target: Path, source: Source,
                 force: bool) -> None:
    """Write the converted (or upgraded) dataset; see ``writers.write``."""
    try:
        write(dataset, version, fmt, target, force=force, inputs=[source])
    except OutputRefused as exc:
        raise ConvertError(str(exc)) from None


def convert(source: Source, out: str | os.PathLike, *, to: str | None = None,
            force: bool = False, limits: Limits | None = None,
            level: str = "publish") -> Conversion:
    """Convert SOURCE to OUT. Only the output's own files are written: with FORCE, files of
    the same names are replaced, and every other file in a folder output is left alone.
    The data is also checked at LEVEL (``status`` and ``found``): an invalid dataset is
    still converted, so that it can be fixed in the form the user prefers."""
    from .tabular.fast_workbook import scans_remembered

    with scans_remembered():  # the check after converting reads the workbook again
        return _convert(source, out, to, force, limits, level)


def _convert(source: Source, out: str | os.PathLike, to: str | None, force: bool,
             limits: Limits | None, level: str) -> Conversion:
    fmt, target = output_target(source, out, to, force)
    name = source_name(source)
    conversion = Conversion(name, str(target), fmt)
    try:
        result = read(source, limits or Limits())
    except Unreadable as exc:
        conversion.unreadable = True
        conversion.issues.append(exc.issue)
        return conversion
    dataset = result.data
    if not isinstance(dataset, dict):
        raise ConvertError("the input is not a dataset (a JSON object), so it cannot be "
                           "turned into tables")
    conversion.issues = list(result.issues)
    projects = dataset.get("projects")
    conversion.projects = len(projects) if isinstance(projects, list) else 0
    if fmt in ("xlsx", "ods"):
        _refuse_what_a_workbook_cannot_hold(dataset)
    version = dataset.get("version")
    version = version if version in version_names() else latest_version()
    write_output(dataset, version, fmt, target, source, force)
    if fmt in TABLES:  # said, never lost silently
        from .tabular.left_out import left_out_issues

        conversion.issues += left_out_issues(dataset, version)
    from .validate import validate

    report = validate(source, limits=limits, level=level)
    conversion.level, conversion.status = level, report.status
    conversion.found = dict(report.counts())
    return conversion


def _refuse_what_a_workbook_cannot_hold(dataset: dict) -> None:
    """A workbook is XML, which cannot hold most control characters (codes 0 to 31 other
    than tab and line breaks): say where one is, rather than write a damaged file."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    stack: list[tuple[object, str]] = [(dataset, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            stack.extend((v, f"{pointer}/{k}") for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{pointer}/{i}") for i, v in enumerate(node))
        elif isinstance(node, str) and (found := ILLEGAL_CHARACTERS_RE.search(node)):
            raise ConvertError(
                f"the text at {pointer} holds a control character (code {ord(found.group())})"
                " that a workbook cannot hold; remove it, or convert to CSV or JSON instead")
