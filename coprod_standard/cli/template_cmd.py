"""coprod template OUT: an empty workbook (or CSV files) to fill in."""

from __future__ import annotations

from pathlib import Path

import click

from ..writers import write
from .schema_cmd import check_version


@click.command()
@click.argument("target", type=click.Path(), default="coprod-template.xlsx")
@click.option("--version", "version", help="Which version (default: the current one).")
@click.option("--to", "to", type=click.Choice(["xlsx", "csv"]), default="xlsx",
              show_default=True, help="An Excel workbook, or CSV (a folder of CSV files for "
                                      "a dataset; one CSV file for responses).")
@click.option("--force", is_flag=True, help="Replace the file if it already exists.")
@click.option("--kind", type=click.Choice(["dataset", "responses"]), default="dataset",
              show_default=True,
              help="dataset: the standard's tables; responses: questionnaire answers to "
                   "score and aggregate.")
def template(target: str, version: str | None, to: str, force: bool, kind: str) -> None:
    """Write an empty template to TARGET: a "Read me" sheet, one sheet per table, notes on
    every heading and dropdowns for every code list."""
    version = check_version(version)
    out = Path(target)
    if out.exists() and not force:
        raise click.UsageError(f"'{out}' already exists; use --force to replace it")
    from ..writers.responses_out import responses_csv, responses_workbook
    from ..writers.xlsx_out import workbook_bytes

    if kind == "responses":
        out.parent.mkdir(parents=True, exist_ok=True)
        if to == "xlsx":
            out.write_bytes(responses_workbook())
        else:
            out.write_text(responses_csv(), encoding="utf-8")
        click.echo(f"Wrote the responses template to {out}.")
        return
    if to == "xlsx":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(workbook_bytes(None, version))
    else:
        write({"version": version}, version, "csv", out)
    click.echo(f"Wrote the version {version} template to {out}.")
