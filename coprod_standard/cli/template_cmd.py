"""coprod template OUT: an empty workbook (or CSV files) to fill in."""

from __future__ import annotations

from pathlib import Path

import click

from ..writers import write
from ..writers.xlsx_out import workbook_bytes
from .schema_cmd import check_version


@click.command()
@click.argument("target", type=click.Path(), default="coprod-template.xlsx")
@click.option("--version", "version", help="Which version (default: the current one).")
@click.option("--to", "to", type=click.Choice(["xlsx", "csv"]), default="xlsx",
              show_default=True, help="An Excel workbook, or a folder of CSV files.")
@click.option("--force", is_flag=True, help="Replace the file if it already exists.")
def template(target: str, version: str | None, to: str, force: bool) -> None:
    """Write an empty template to TARGET: a "Read me" sheet, one sheet per table, notes on
    every heading and dropdowns for every code list."""
    version = check_version(version)
    out = Path(target)
    if out.exists() and not force:
        raise click.UsageError(f"'{out}' already exists; use --force to replace it")
    if to == "xlsx":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(workbook_bytes(None, version))
    else:
        write({"version": version}, version, "csv", out)
    click.echo(f"Wrote the version {version} template to {out}.")
