"""coprod schema versions | show: the standard's versions and schemas."""

from __future__ import annotations

import json

import click

from ..schemas import ROOT_SCHEMA, latest_version, load_schemas, version_names, versions


def check_version(version: str | None) -> str:
    if version is None:
        return latest_version()
    if version not in version_names():
        raise click.BadParameter(
            f"there is no version {version!r}. Versions: {', '.join(version_names())}.",
            param_hint="--version")
    return version


@click.group()
def schema() -> None:
    """The standard's versions and their JSON Schemas."""


@schema.command("versions")
def schema_versions() -> None:
    """List the versions of the standard this toolkit supports."""
    for info in versions():
        released = f"released {info.released}" if info.released else "not released yet"
        click.echo(f"{info.version}\t{info.status}\t{released}")


@schema.command("show")
@click.option("--version", "version", help="Which version (default: the current one).")
@click.option("--component", default=ROOT_SCHEMA,
              help="Which schema file, for example project.schema.json.")
def schema_show(version: str | None, component: str) -> None:
    """Print a schema as JSON."""
    version = check_version(version)
    schemas = load_schemas(version)
    name = component if component.endswith(".schema.json") else f"{component}.schema.json"
    if name not in schemas:
        raise click.BadParameter(
            f"there is no schema {component!r}. Schemas: {', '.join(schemas)}.",
            param_hint="--component")
    click.echo(json.dumps(schemas[name], indent=2, ensure_ascii=False))
