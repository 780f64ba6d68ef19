"""coprod convert IN OUT: between JSON, XLSX, ODS, CSV (a folder or zip) and data packages;
and to JSON-LD."""

from __future__ import annotations

import json
import sys

import click

from ..checks import LEVELS
from ..convert import ConvertError
from ..convert import convert as convert_files
from ..limits import MB, Limits
from ..writers import FORMATS


@click.command()
@click.argument("source", type=click.Path())
@click.argument("target", type=click.Path())
@click.option("--to", "to", type=click.Choice(FORMATS),
              help="The output format, when the name does not say: json, xlsx, ods, csv "
                   "(a folder), csv-zip, datapackage (a folder), datapackage-zip or jsonld "
                   "(linked data).")
@click.option("--force", is_flag=True, help="Replace the output if it already exists (only "
              "the files this command writes; nothing else in a folder is touched).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to report.")
@click.option("--max-size", type=click.IntRange(min=1), default=Limits().max_bytes // MB,
              show_default=True, help="The largest input to read, in megabytes.")
@click.option("--level", type=click.Choice(LEVELS), default="publish", show_default=True,
              help="The level the data is checked at, as 'coprod validate --level'.")
def convert(source: str, target: str, to: str | None, force: bool, fmt: str,
            max_size: int, level: str) -> None:
    """Convert a dataset from SOURCE to TARGET; the format is chosen from TARGET's name
    (.json, .xlsx, .ods, .zip, a folder for CSV files, datapackage.json, or .jsonld for
    linked data). The data is also
    checked, as 'coprod validate' would: data that does not meet the standard is still
    converted, and said to be not valid.

    Exit status: 0 converted and valid, 1 converted but not valid (or some input could not
    be carried over), 2 usage error, 3 the input could not be read.
    """
    try:
        result = convert_files(source, target, to=to, force=force,
                               limits=Limits(max_bytes=max_size * MB), level=level)
    except ConvertError as exc:
        raise click.UsageError(str(exc)) from None
    found = result.found
    if fmt == "json":
        click.echo(json.dumps({"source": result.source, "target": result.target,
                               "format": result.fmt, "projects": result.projects,
                               "converted": not result.unreadable,
                               "valid": result.status == "valid", "level": result.level,
                               "errors": found.get("error", 0),
                               "warnings": found.get("warning", 0),
                               "issues": [i.to_dict() for i in result.issues]}, indent=2))
    elif result.unreadable:
        issue = result.issues[0]
        click.echo(f"COULD NOT READ {source}\n  {issue.message}\n  How to fix: {issue.fix}")
    else:
        click.echo(f"Converted {source} to {result.target} ({result.fmt}): "
                   f"{result.projects} project{'s' if result.projects != 1 else ''}.")
        for issue in result.issues:
            where = issue.location.describe() if issue.location else issue.path
            click.echo(f"  {issue.severity.value}: {f'{where}: ' if where else ''}"
                       f"{issue.message}")
        if result.errors:
            click.echo("  Some of the input was not carried over; fix the problems above and "
                       "convert again.")
        click.echo(_verdict(source, result.level, result.status, found))
    sys.exit(3 if result.unreadable else
             1 if result.errors or result.status != "valid" else 0)


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"


def _verdict(source: str, level: str, status: str, found: dict[str, int]) -> str:
    """One sentence on the data's validity, and how to see its problems."""
    errors, warnings = found.get("error", 0), found.get("warning", 0)
    option = "" if level == "publish" else f"--level {level} "
    see = f"see where and how to fix them with 'coprod validate {option}{source}'"
    if status != "valid":
        extra = f" and {_count(warnings, 'warning')}" if warnings else ""
        return (f"NOT VALID at the {level} level: {_count(errors, 'error')}{extra}. The "
                f"output was written all the same; {see}.")
    if warnings:
        return f"VALID at the {level} level, with {_count(warnings, 'warning')}: {see}."
    return f"VALID at the {level} level."
