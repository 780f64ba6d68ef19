"""The ``coprod`` command. Each sub-command is a small module: it parses options, calls one
library function and reports. Exit codes: 0 valid, 1 invalid data, 2 usage error,
3 unreadable input."""

from __future__ import annotations

import os
import sys

import click

from .. import __version__
from ..schemas import versions
from .catalogue_cmd import checks
from .codelists_cmd import codelists
from .compile_cmd import compile_schema
from .convert_cmd import convert
from .instruments_cmd import aggregate, score
from .research_cmd import combine, compare
from .schema_cmd import schema
from .serve_cmd import serve
from .template_cmd import template
from .upgrade_cmd import upgrade
from .validate_cmd import validate

EXIT_VALID, EXIT_INVALID, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3


def version_line() -> str:
    """The toolkit's version, then the standard's versions it knows, with their status:
    'coprod, version 0.9.0; standard 1.0 (supported), 1.1 (current), 1.2 (draft)'."""
    known = ", ".join(f"{v.version} ({v.status})" for v in versions())
    return f"%(prog)s, version %(version)s; standard {known}"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coprod", message=version_line())
def cli() -> None:
    """Check, explore and publish data in the Co-production Data Standard."""


for command in (validate, convert, upgrade, template, score, aggregate, combine, compare,
                serve, schema, compile_schema, codelists, checks):
    cli.add_command(command)


def main() -> None:
    """Run the CLI; an unexpected failure gives a plain sentence, not a traceback."""
    for stream in (sys.stdout, sys.stderr):  # a file name that is not valid in the
        if hasattr(stream, "reconfigure"):   # terminal's encoding is shown escaped
            stream.reconfigure(errors="backslashreplace")
    try:
        cli.main(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence for users
        if os.environ.get("COPROD_DEBUG"):
            raise
        click.echo(
            "Sorry, something went wrong inside the toolkit and the check could not finish "
            f"({type(exc).__name__}). Your files have not been changed. Please report this, "
            "with the command you ran; set COPROD_DEBUG=1 to see the technical details.",
            err=True)
        sys.exit(EXIT_UNREADABLE)
