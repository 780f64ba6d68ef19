"""coprod compile: the schema as a validator sees it, with extensions applied."""

from __future__ import annotations

import json

import click

from ..bundle import bundled_schema
from ..extensions import ExtensionError, compile_set
from ..schemas import ROOT_SCHEMA, load_schemas
from .schema_cmd import check_version
from .validate_cmd import extension_dirs_option


@click.command(name="compile")
@click.option("--version", "version", help="Which version (default: the current one).")
@click.option("--extension", "extensions", multiple=True,
              help="An extension to apply, by name: a packaged one or one in a folder given "
                   "with --extension-dir (can be given more than once).")
@extension_dirs_option
@click.option("--separate", is_flag=True,
              help="Print the dataset schema file as it is, with its references, instead of "
                   "one self-contained schema.")
def compile_schema(version: str | None, extensions: tuple[str, ...],
                   extension_dirs: tuple[str, ...], separate: bool) -> None:
    """Print the resolved dataset schema (every reference inlined) with any extensions
    applied, for tools that cannot follow references between files."""
    version = check_version(version)
    try:
        key = compile_set(version, list(extensions), extension_dirs)
    except ExtensionError as exc:
        raise click.UsageError(str(exc)) from None
    schema = load_schemas(key)[ROOT_SCHEMA] if separate else bundled_schema(key)
    click.echo(json.dumps(schema, indent=2, ensure_ascii=False))
