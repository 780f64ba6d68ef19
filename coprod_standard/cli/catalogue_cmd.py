"""coprod checks: the catalogue of checks beyond the schema, and every other issue code."""

from __future__ import annotations

import json

import click

from ..checks import CATEGORIES
from ..checks.listing import catalogue_rows


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people, json for programs.")
@click.option("--category", type=click.Choice(CATEGORIES),
              help="Only the checks in this category.")
@click.option("--all", "show_all", is_flag=True,
              help="Also list the issues found by reading files and by the JSON Schema.")
def checks(fmt: str, category: str | None, show_all: bool) -> None:
    """List every check with its code, severity, category and what it serves."""
    rows = catalogue_rows(category, show_all)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['code']:<40} {row['severity']:<9} {row['category']:<11} "
                   f"{row['title']}")
