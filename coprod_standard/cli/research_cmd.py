"""coprod combine and coprod compare: published datasets into one analysis-ready store, and
a report comparing the projects in it."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from ..limits import MB, Limits
from ..output import OutputRefused
from ..suggest import printable
from .validate_cmd import extension_dirs_option

LEVELS = ["schema", "draft", "publish"]


@click.command()
@click.argument("sources", nargs=-1, type=str)
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="The DuckDB file to write (for example study.duckdb).")
@click.option("--registry", multiple=True, type=click.Path(),
              help="A CSV or JSON file listing datasets (a 'url' or 'path' column, and "
                   "'publisher'); can be given more than once.")
@click.option("--fetch", "allow_web", is_flag=True,
              help="Fetch web addresses (only from hosts given with --allow-host).")
@click.option("--allow-host", "hosts", multiple=True,
              help="A host that may be fetched from, such as data.example.org.")
@click.option("--timeout", default=20.0, show_default=True, type=click.FloatRange(0.1, 600),
              help="Seconds each download may take in all, from connecting to the last "
                   "byte; a download still going then is stopped and its dataset recorded "
                   "as unavailable.")
@click.option("--max-size", default=Limits().max_bytes // MB, show_default=True,
              type=click.IntRange(1, 10_000), help="The largest dataset to read, in MB.")
@click.option("--level", type=click.Choice(LEVELS), default="publish", show_default=True,
              help="How strictly each dataset is checked before it is let in.")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False),
              help="Also export every table as CSV into this folder.")
@click.option("--parquet", "parquet_dir", type=click.Path(file_okay=False),
              help="Also export every table as Parquet, partitioned by publisher.")
@click.option("--jobs", default=0, type=click.IntRange(0, 64),
              help="Processes to use (default: one per core, up to 4).")
@click.option("--force", is_flag=True, help="Replace the output if it already exists (only "
              "the files this command writes; nothing else in a folder is touched).")
@extension_dirs_option
def combine(sources: tuple[str, ...], out: str, registry: tuple[str, ...], allow_web: bool,
            hosts: tuple[str, ...], timeout: float, max_size: int, level: str,
            csv_dir: str | None, parquet_dir: str | None, jobs: int, force: bool,
            extension_dirs: tuple[str, ...]) -> None:
    """Combine the datasets in SOURCES (files, folders or web addresses) into one DuckDB
    file of analysis-ready tables. Invalid or unavailable datasets are kept out of the
    analysis tables and listed, with their reasons, in the 'datasets' and 'issues' tables.

    Exit status: 0 every dataset combined, 1 some were kept out, 2 usage error,
    3 no dataset could be read.
    """
    from ..research.combine import check_outputs
    from ..research.combine import combine as combine_sources
    from ..research.sources import SourceError, expand

    if not sources and not registry:
        raise click.UsageError("name at least one file, folder, web address or --registry")
    if allow_web and not hosts:
        raise click.UsageError("--fetch needs at least one --allow-host")
    target = Path(out)
    try:
        found = expand(list(sources), list(registry))
        check_outputs(target, Path(csv_dir) if csv_dir else None,
                      Path(parquet_dir) if parquet_dir else None, force=force,
                      inputs=[*registry, *(s.location for s in found)])
    except (SourceError, OutputRefused) as exc:
        raise click.UsageError(str(exc)) from None
    with click.progressbar(length=len(found), label="Combining", file=sys.stderr,
                           show_pos=True, show_percent=True) as bar:
        result = combine_sources(
            found, target, level=level, allow_web=allow_web, allowed=set(hosts),
            timeout=timeout, max_bytes=max_size * MB, jobs=jobs,
            csv_dir=Path(csv_dir) if csv_dir else None,
            parquet_dir=Path(parquet_dir) if parquet_dir else None, progress=bar.update,
            extension_dirs=extension_dirs)
    used = result.count("valid")
    click.echo(f"Combined {used} of {len(result.datasets)} datasets into {target}: "
               + ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in
                           result.rows.items() if n) + ".")
    policies = _policies([d for d in result.datasets if d["status"] == "valid"])
    if policies:
        click.echo(policies)
    if used and level != "publish":
        click.echo(f"  Checked at {level} level only: 'coprod compare' will not pool their "
                   "results as if publishable. Rebuild with --level publish to include them.")
    kept_out = [d for d in result.datasets if d["status"] != "valid"]
    for record in kept_out:
        click.echo(f"  kept out ({record['status']}): {printable(record['source'])}: "
                   f"{printable(record['reason'], 1000)}")
    if kept_out:
        click.echo("  The 'datasets' and 'issues' tables in the store list every reason.")
    for path in result.left_in_place:
        click.echo(f"  left in place, from an earlier export (not part of this one): {path}")
    sys.exit(0 if not kept_out else 1 if used or any(d["status"] == "invalid"
                                                      for d in kept_out) else 3)


def _policies(valid: list[dict]) -> str:
    """One line: the disclosure policy each combined dataset was checked under."""
    recorded = Counter(d["disclosure_policy"] for d in valid
                       if d["disclosure_policy_from"] == "dataset")
    assumed = len(valid) - sum(recorded.values())
    if not valid:
        return ""
    if not recorded:
        which = "it was" if assumed == 1 else "each was"
        return f"  None records its disclosure policy, so {which} checked under " \
               "nhs-digital, the default."
    line = "  Checked under the disclosure policy each records: " + ", ".join(
        f"{policy} {n}" for policy, n in sorted(recorded.items()))
    if assumed:
        line += (f"; {assumed} record{'s' if assumed == 1 else ''} none and "
                 f"{'was' if assumed == 1 else 'were'} checked under nhs-digital, the default")
    return line + "."


@click.command()
@click.argument("store", type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="The folder to write the report into.")
@click.option("--force", is_flag=True, help="Replace a report already in the folder (only "
              "the report's own files; nothing else in the folder is touched).")
def compare(store: str, out: str, force: bool) -> None:
    """Compare the projects in STORE (made by 'coprod combine') and write a report into
    OUT: index.html (a self-contained page), tables/*.csv and charts/*.png and *.svg,
    including forest plots of random-effects meta-analyses.

    Exit status: 0 written, 2 usage error, 3 the store could not be read.
    """
    from ..research import StoreError, compare_report

    folder = Path(out)
    try:
        found, written = compare_report(store, folder, force=force)
    except StoreError as exc:
        click.echo(f"COULD NOT READ {store}\n  {exc}", err=True)
        sys.exit(3)
    except OutputRefused as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Compared {found.summary()}. Report written to {written.page}, with "
               f"{len(written.tables)} tables and {len(written.charts)} chart files; "
               f"{len(found.analyses)} meta-analyses.")
    for note in found.not_pooled:
        click.echo(f"  not pooled: {note}")
    for title in written.not_drawn:
        click.echo(f"  not drawn (the figures are in the tables): {title}")
    for path in written.left_in_place:
        click.echo(f"  left in place, from an earlier report (not part of this one): {path}")
