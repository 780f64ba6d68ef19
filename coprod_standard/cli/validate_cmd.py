"""coprod validate FILE...: check datasets and report in plain language or JSON."""

from __future__ import annotations

import os
import sys

import click

from ..checks import LEVELS, POLICIES
from ..limits import MB, Limits
from ..lockfiles import without_locks
from ..reporters import REPORTERS, render
from ..validate import validate as validate_source
from .progress import progress_for

extension_dirs_option = click.option(
    "--extension-dir", "extension_dirs", multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="A folder holding extensions of your own (each a folder with an extension.json) "
         "that datasets may name in 'extensions', besides the packaged ones; can be given "
         "more than once. A dataset can name an extension only by its name, never by a "
         "path.")


def exit_code(statuses: list[str]) -> int:
    """3 if any file could not be read, else 1 if any is invalid, else 0."""
    if "unreadable" in statuses:
        return 3
    return 1 if "invalid" in statuses else 0


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(sorted(REPORTERS)), default="text",
              show_default=True, help="text for people, json for programs.")
@click.option("--level", type=click.Choice(LEVELS), default="publish", show_default=True,
              help="schema: the JSON Schema only; draft: also the checks that matter while "
                   "writing (small numbers are warnings); publish: everything, as before a "
                   "file goes public.")
@click.option("--disclosure", type=click.Choice(sorted(POLICIES)), default=None,
              help="Small-numbers policy: nhs-digital suppresses 1 to 7 and rounds to the "
                   "nearest 5; threshold-10 suppresses 1 to 9. Default: the policy the "
                   "dataset records (disclosureControl, version 1.2 on), else nhs-digital.")
@click.option("--max-examples", type=click.IntRange(min=1), default=3, show_default=True,
              help="How many examples of each kind of issue the text report shows.")
@click.option("--max-size", type=click.IntRange(min=1), default=Limits().max_bytes // MB,
              show_default=True,
              help=f"The largest file read whole, in megabytes. JSON files of "
                   f"{Limits().stream_from // MB} MB or more and JSON Lines files are read "
                   f"one project at a time, in little memory, up to "
                   f"{Limits().max_stream_bytes // MB} MB.")
@click.option("--jobs", type=click.IntRange(min=0), default=0, show_default=True,
              help="How many processes check a large file (one read a project at a time); "
                   "0 means one for each core, up to 4. The report is the same whatever the "
                   "number.")
@extension_dirs_option
def validate(files: tuple[str, ...], fmt: str, level: str, disclosure: str | None,
             max_examples: int, max_size: int, jobs: int,
             extension_dirs: tuple[str, ...]) -> None:
    """Check one or more dataset FILES against the standard.

    Exit status: 0 all valid, 1 some data invalid, 3 some file could not be read.
    Lock files that Excel or LibreOffice make beside an open workbook (~$name.xlsx,
    .~lock.name.xlsx#) are skipped with a note.
    """
    notes: list[str] = []
    kept = without_locks(list(files), notes)
    if kept:  # a lock file given alone is reported as unreadable, with the reason
        files = tuple(kept)
        for line in notes:
            click.echo(line, err=True)
    limits = Limits(max_bytes=max_size * MB)
    jobs = jobs or min(os.cpu_count() or 1, 4)
    reports = []
    for path in files:
        progress = progress_for(path)
        try:
            reports.append(validate_source(path, limits=limits, level=level,
                                           disclosure=disclosure, progress=progress,
                                           stream=True, jobs=jobs,
                                           extension_dirs=extension_dirs))
        finally:
            if progress:
                progress.close()
    click.echo(render(fmt, reports, max_examples=max_examples))
    sys.exit(exit_code([r.status for r in reports]))
