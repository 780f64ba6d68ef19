"""coprod codelists [NAME]: list the codelists, or the codes in one."""

from __future__ import annotations

import json

import click

from ..codelists import find_codelist, load_codelists
from ..fields import fields
from ..suggest import did_you_mean
from .schema_cmd import check_version


def _users(version: str) -> dict[str, list[str]]:
    users: dict[str, list[str]] = {}
    for fld in fields(version).values():
        if fld.path and fld.path[-1] == "*":
            continue
        for name in fld.codelists:
            users.setdefault(name, []).append(fld.dotted)
    return users


@click.command()
@click.argument("name", required=False)
@click.option("--version", "version", help="Which version (default: the current one).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people, json for programs.")
def codelists(name: str | None, version: str | None, fmt: str) -> None:
    """List the codelists, or with NAME the codes in one (for example: coprod codelists stage)."""
    version = check_version(version)
    lists = load_codelists(version)
    users = _users(version)
    if name is None:
        rows = [{"name": c.name, "codes": len(c.codes), "usedBy": users.get(c.filename, [])}
                for c in lists.values()]
        if fmt == "json":
            click.echo(json.dumps(rows, indent=2))
            return
        for row in rows:
            click.echo(f"{row['name']:<28} {row['codes']:>3} codes  {', '.join(row['usedBy'])}")
        return
    found = find_codelist(version, name)
    if found is None:
        hint = did_you_mean(name, [c.name for c in lists.values()])
        raise click.BadParameter(f"there is no codelist {name!r}.{hint} "
                                 "Run 'coprod codelists' to see them all.", param_hint="NAME")
    if fmt == "json":
        click.echo(json.dumps([c.__dict__ for c in found.codes], indent=2, ensure_ascii=False))
        return
    for code in found.codes:
        click.echo(f"{code.code}\t{code.title}\t{code.description}")
