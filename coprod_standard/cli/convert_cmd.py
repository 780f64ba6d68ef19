"""coprod convert IN OUT: between JSON, XLSX, ODS, CSV (a folder or zip) and data packages."""

from __future__ import annotations

import json
import sys

import click

from ..convert import ConvertError
from ..convert import convert as convert_files
from ..limits import MB, Limits
from ..writers import FORMATS


@click.command()
@click.argument("source", type=click.Path())
@click.argument("target", type=click.Path())
@click.option("--to", "to", type=click.Choice(FORMATS),
              help="The output format, when the name does not say: json, xlsx, ods, csv "
                   "(a folder), csv-zip, datapackage (a folder) or datapackage-zip.")
@click.option("--force", is_flag=True, help="Replace the output if it already exists (only "
              "the files this command writes; nothing else in a folder is touched).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to report.")
@click.option("--max-size", type=click.IntRange(min=1), default=Limits().max_bytes // MB,
              show_default=True, help="The largest input to read, in megabytes.")
def convert(source: str, target: str, to: str | None, force: bool, fmt: str,
            max_size: int) -> None:
    """Convert a dataset from SOURCE to TARGET; the format is chosen from TARGET's name
    (.json, .xlsx, .ods, .zip, a folder for CSV files, or datapackage.json).

    Exit status: 0 converted, 1 converted but some input could not be carried over,
    2 usage error, 3 the input could not be read.
    """
    try:
        result = convert_files(source, target, to=to, force=force,
                               limits=Limits(max_bytes=max_size * MB))
    except ConvertError as exc:
        raise click.UsageError(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps({"source": result.source, "target": result.target,
                               "format": result.fmt, "projects": result.projects,
                               "converted": not result.unreadable,
                               "issues": [i.to_dict() for i in result.issues]}, indent=2))
    elif result.unreadable:
        issue = result.issues[0]
        click.echo(f"COULD NOT READ {source}\n  {issue.message}\n  How to fix: {issue.fix}")
    else:
        click.echo(f"Converted {source} to {result.target} ({result.fmt}): "
                   f"{result.projects} project{'s' if result.projects != 1 else ''}.")
        for issue in result.issues:
            where = issue.location.describe() if issue.location else issue.path
            click.echo(f"  {issue.severity.value}: {where}: {issue.message}")
        if result.errors:
            click.echo("  Some of the input was not carried over; fix the problems above and "
                       "convert again.")
    sys.exit(3 if result.unreadable else 1 if result.errors else 0)
