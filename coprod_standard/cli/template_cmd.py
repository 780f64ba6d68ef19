"""coprod template OUT: an empty workbook (or CSV files) to fill in."""

from __future__ import annotations

import click

from ..output import OutputRefused, check_file, write_file
from ..writers import write
from .schema_cmd import check_version


@click.command()
@click.argument("target", type=click.Path(), default="coprod-template.xlsx")
@click.option("--version", "version", help="Which version (default: the current one).")
@click.option("--to", "to", type=click.Choice(["xlsx", "ods", "csv"]),
              help="An Excel workbook, an OpenDocument spreadsheet (LibreOffice), or CSV (a "
                   "folder of CSV files for a dataset; one CSV file for responses). Default: "
                   "from TARGET's name (.ods or .csv), else xlsx.")
@click.option("--force", is_flag=True, help="Replace the file if it already exists (only the "
              "files this command writes; nothing else in a folder is touched).")
@click.option("--kind", type=click.Choice(["dataset", "responses"]), default="dataset",
              show_default=True,
              help="dataset: the standard's tables; responses: questionnaire answers to "
                   "score and aggregate.")
def template(target: str, version: str | None, to: str | None, force: bool, kind: str
             ) -> None:
    """Write an empty template to TARGET: a "Read me" sheet, one sheet per table, notes on
    every heading and dropdowns for every code list. TARGET's name says the format:
    .xlsx (Excel), .ods (LibreOffice) or .csv."""
    version = check_version(version)
    from ..writers.ods_out import ods_bytes
    from ..writers.responses_out import responses_csv, responses_workbook
    from ..writers.xlsx_out import workbook_bytes

    suffix = target.lower().rpartition(".")[2]
    to = to or (suffix if suffix in ("ods", "csv") else "xlsx")
    try:
        if kind == "responses":
            check_file(target, force=force)
            book = responses_workbook()
            write_file(target, book if to == "xlsx" else ods_bytes(book) if to == "ods"
                       else responses_csv())
            click.echo(f"Wrote the responses template to {target}.")
            return
        if to in ("xlsx", "ods"):
            check_file(target, force=force)
            book = workbook_bytes(None, version)
            write_file(target, book if to == "xlsx" else ods_bytes(book))
        else:
            write({"version": version}, version, "csv", target, force=force)
    except OutputRefused as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Wrote the version {version} template to {target}.")
