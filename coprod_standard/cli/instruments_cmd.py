"""coprod score and coprod aggregate: questionnaire responses to scores, and to
disclosure-safe aggregate results."""

from __future__ import annotations

import csv
import itertools
import sys
from contextlib import nullcontext

import click

from .. import __version__
from ..checks import POLICIES
from ..instruments.disclosure import Policy
from ..instruments.publish import MergeError, control, merge, standalone
from ..instruments.registry import InstrumentError
from ..instruments.run import Run, aggregate_responses, score_responses
from ..output import OutputRefused, check_file, write_file, writing
from ..readers import Unreadable, read
from ..suggest import printable
from ..tabular.cells import neutralise
from ..writers import json_bytes

POPULATIONS = ["co-producers", "service-users", "unpaid-carers", "staff", "wider-community",
               "mixed"]
BY = ["role", "ethnicity", "ageBand", "sex", "disability"]
PRIVATE = ("These scores are for each person (under pseudonymous references): keep them "
           "private. Publish only aggregates, made with 'coprod aggregate'.")
NATIONAL = ("--national: no small number was suppressed or rounded. This is only for figures "
            "about a nation's population (a national survey), never for a group of "
            "participants. 'coprod validate' exempts a result only if its 'population' is "
            "'wider-community' and every area of its project is national; any other result "
            "with small numbers will fail to publish.")


HEADINGS = ["row", "respondent", "instrument", "timepoint", "date", "scoreType", "score",
            "band", "status"]


def _summary(run: Run) -> list[str]:
    lines = [f"{run.responses} responses read: {run.scored} scored, "
             f"{sum(run.excluded.values())} excluded."]
    for reason, count in sorted(run.excluded.items()):
        lines.append(f"  excluded, {reason}: {count}")
    for issue in run.issues:
        where = issue.location.describe() if issue.location else ""
        lines.append(f"  {issue.severity.value}: {where}: {issue.message}")
    hidden = sum(run.counts.values()) - len(run.issues)
    if hidden > 0:
        lines.append(f"  ... and {hidden} more issues of the same kinds.")
    return [printable(line) for line in lines]


def _fail(exc: Exception, code: int) -> None:
    message = exc.issue.message if isinstance(exc, Unreadable) else str(exc)
    click.echo(f"Error: {printable(message)}", err=True)
    if isinstance(exc, Unreadable) and exc.issue.code == "not-responses":
        click.echo(f"How to fix: {printable(exc.issue.fix)}", err=True)  # where to take it
    sys.exit(code)


def _writable(out: str | None, force: bool, inputs: list) -> None:
    """Refuse, as a usage error, an output that exists (without --force) or is an input."""
    try:
        if out:
            check_file(out, force=force, inputs=inputs)
    except OutputRefused as exc:
        raise click.UsageError(str(exc)) from None


def _cells(values: list, terminal: bool) -> list[str]:
    """A row of the scores: no cell can run as a formula in a spreadsheet and, shown in a
    terminal, none can carry a control character or escape sequence."""
    texts = ["" if v is None else str(v) for v in values]
    return [neutralise(printable(t) if terminal else t) for t in texts]


@click.command()
@click.argument("responses", type=click.Path())
@click.option("--instrument", "bespoke", multiple=True, type=click.Path(),
              help="A file defining a bespoke instrument (can be given more than once).")
@click.option("--out", type=click.Path(), help="Write the scores to this CSV file.")
@click.option("--force", is_flag=True, help="Replace the output file if it already exists.")
def score(responses: str, bespoke: tuple[str, ...], out: str | None, force: bool) -> None:
    """Score each response in RESPONSES (CSV, XLSX or JSON), with its scale stated.

    Exit status: 0 every response scored or fairly excluded, 1 some responses have
    errors, 2 usage error, 3 the file could not be read.
    """
    _writable(out, force, [responses, *bespoke])
    try:
        with writing(out, text=True) if out else nullcontext(sys.stdout) as stream:
            run, scored = score_responses(responses, bespoke=bespoke)
            first = next(scored, None)  # a file that is not responses: refused before a row
            scored = itertools.chain([first] if first is not None else [], scored)
            writer = csv.writer(stream, lineterminator="\r\n")
            writer.writerow(HEADINGS)
            for item in scored:
                r = item.response
                base = [r.row, r.respondent, r.instrument, r.timepoint, r.day.isoformat()]
                if item.excluded:
                    writer.writerow(_cells([*base, "", "", "", f"excluded: {item.excluded}"],
                                           not out))
                instrument = run.instruments[r.instrument]
                for score_type, value in item.scores.items():
                    band = instrument.score(score_type).band(value) or ""
                    writer.writerow(_cells([*base, score_type, f"{value:g}", band, "scored"],
                                           not out))
    except (Unreadable, InstrumentError) as exc:
        _fail(exc, 3 if isinstance(exc, Unreadable) else 2)
    except OutputRefused as exc:
        raise click.UsageError(str(exc)) from None
    click.echo("\n".join(_summary(run) + [PRIVATE]), err=not out)
    sys.exit(1 if run.errors else 0)


@click.command()
@click.argument("responses", type=click.Path())
@click.option("--instrument", "bespoke", multiple=True, type=click.Path(),
              help="A file defining a bespoke instrument (can be given more than once).")
@click.option("--by", type=click.Choice(BY), help="Also break the results down by this.")
@click.option("--disclosure", type=click.Choice(sorted(POLICIES)), default="nhs-digital",
              show_default=True, help="The small-numbers policy applied before writing.")
@click.option("--national", is_flag=True,
              help="Only for figures that describe a nation's population (a national "
                   "survey): small numbers are not suppressed or rounded. Never for a group "
                   "of participants, even one that works nationally.")
@click.option("--into", "into", type=click.Path(), help="A dataset to merge the results into.")
@click.option("--project", help="With --into: the identifier of the project to merge into.")
@click.option("--outcome", help="With --into: the outcome a new indicator goes under, when "
                                "the project measures the instrument nowhere yet and has "
                                "more than one outcome.")
@click.option("--population", type=click.Choice(POPULATIONS),
              help="With --into: whose outcome the results describe (version 1.2 on). "
                   "Default: what the indicator's earlier results said.")
@click.option("--applied-by", help="The organisation or role applying the disclosure policy, "
                                   "recorded with it (never a person's name). Default: with "
                                   "--into, the dataset's publisher.")
@click.option("--out", type=click.Path(), help="Write the results (or merged dataset) here.")
@click.option("--force", is_flag=True, help="Replace the output file if it already exists.")
def aggregate(responses: str, bespoke: tuple[str, ...], by: str | None, disclosure: str,
              national: bool, into: str | None, project: str | None, outcome: str | None,
              population: str | None, applied_by: str | None, out: str | None,
              force: bool) -> None:
    """Turn RESPONSES into indicator reports per instrument and timepoint, with the paired
    change since baseline, after disclosure control. The output records the policy
    applied (disclosureControl); a dataset of version 1.2 or later given with --into
    records it too, and one that records another policy is refused. With --into, an
    instrument the project does not measure yet gets a new indicator (instrument, score
    type, unit, direction, meaningful change and licence from the registry).

    Exit status: 0 done, 1 done but some responses have errors (they are counted and
    left out) or the results could not be merged, 2 usage error, 3 unreadable input.
    """
    if into and not project:
        raise click.UsageError("--into needs --project: the project to put the results in")
    _writable(out, force, [responses, into, *bespoke])
    try:
        run = aggregate_responses(responses, bespoke=bespoke, by=by,
                                  policy=Policy(disclosure, national))
        notes: list[str] = []
        record = control(disclosure, applied_by=applied_by,
                         tool=f"coprod aggregate {__version__}")
        if into:
            dataset = read(into).data
            document, notes = merge(dataset, project, run, record, outcome=outcome,
                                   population=population)
        else:
            document = standalone(run, record)
    except (Unreadable, InstrumentError) as exc:
        _fail(exc, 3 if isinstance(exc, Unreadable) else 2)
    except MergeError as exc:
        _fail(exc, 1)
    data = json_bytes(document)
    if out:
        try:
            write_file(out, data)
        except OutputRefused as exc:
            raise click.UsageError(str(exc)) from None
    else:
        sys.stdout.write(data.decode("utf-8"))
    if national:
        notes.append(NATIONAL)
    click.echo("\n".join(_summary(run) + [printable(n) for n in notes]), err=not out)
    sys.exit(1 if run.errors else 0)

