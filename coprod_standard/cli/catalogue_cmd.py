"""coprod checks: the catalogue of every issue the toolkit can report."""

from __future__ import annotations

import json

import click

from ..issues import catalogue


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def checks(fmt: str) -> None:
    """List every issue code with its severity, category and title."""
    items = catalogue()
    if fmt == "json":
        click.echo(json.dumps([
            {"code": t.code, "severity": t.severity.value, "category": t.category,
             "title": t.title, "description": t.description} for t in items], indent=2))
        return
    for t in items:
        click.echo(f"{t.code:<28} {t.severity.value:<9} {t.category:<12} {t.title}")
