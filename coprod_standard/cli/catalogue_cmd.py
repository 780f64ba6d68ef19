"""coprod checks: the catalogue of checks beyond the schema, and every other issue code."""

from __future__ import annotations

import json

import click

from ..checks import CATEGORIES
from ..checks import catalogue as checks_catalogue
from ..issues import catalogue as issue_catalogue


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--category", type=click.Choice(CATEGORIES),
              help="Only the checks in this category.")
@click.option("--all", "show_all", is_flag=True,
              help="Also list the issues found by reading files and by the JSON Schema.")
def checks(fmt: str, category: str | None, show_all: bool) -> None:
    """List every check with its code, severity, category and what it serves."""
    rows = [{"code": c.code, "severity": c.severity.value, "category": c.category,
             "title": c.title, "serves": c.serves, "levels": list(c.levels),
             "explanation": c.explanation}
            for c in checks_catalogue() if category in (None, c.category)]
    if show_all and category is None:
        known = {row["code"] for row in rows}
        rows += [{"code": t.code, "severity": t.severity.value, "category": t.category,
                  "title": t.title, "serves": "The JSON Schema" if t.category != "reading"
                  else "Reading the file", "levels": ["schema", "draft", "publish"],
                  "explanation": t.description}
                 for t in issue_catalogue() if t.code not in known]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['code']:<40} {row['severity']:<9} {row['category']:<11} "
                   f"{row['title']}")
