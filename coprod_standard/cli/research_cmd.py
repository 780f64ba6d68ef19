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
        skipped: list[str] = []
        found = expand(list(sources), list(registry), skipped)
        for line in skipped:
            click.echo(printable(line), err=True)
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


def _codes(codelist: str):
    """A click callback: every value given must be a code in CODELIST (of the store's
    version); an unknown one is a usage error naming the codes to choose from."""
    def check(ctx, param, values):
        from ..codelists import find_codelist
        from ..research.tables import store_version

        found = find_codelist(store_version(), codelist)
        known = found.code_values() if found else []
        extra = ["not-stated"] if codelist == "population.csv" else []
        for value in values:
            if value not in known + extra:
                raise click.BadParameter(f"'{value}' is not a code in {codelist}; choose "
                                         f"from: {', '.join(known + extra)}")
        return tuple(values)
    return check


def _windows(ctx, param, value: str) -> tuple[float, ...]:
    try:
        bounds = tuple(float(v) for v in value.split(",") if v.strip())
    except ValueError:
        raise click.BadParameter("give months as numbers separated by commas, for example "
                                 "12,24,60") from None
    if not bounds or any(b <= 0 for b in bounds) or list(bounds) != sorted(set(bounds)):
        raise click.BadParameter("give increasing numbers of months above 0, separated by "
                                 "commas, for example 12,24,60")
    return bounds


@click.command()
@click.argument("store", type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="The folder to write the report into.")
@click.option("--force", is_flag=True, help="Replace a report already in the folder (only "
              "the report's own files; nothing else in the folder is touched).")
@click.option("--method", type=click.Choice(["DL", "REML"], case_sensitive=False),
              default="DL", show_default=True,
              help="How the between-project variance (tau squared) is estimated: "
                   "DerSimonian-Laird or restricted maximum likelihood.")
@click.option("--hksj", is_flag=True, help="Use the Hartung-Knapp-Sidik-Jonkman interval "
              "(a t interval, wider and better with few projects) for pooled estimates.")
@click.option("--windows", default="12,24,60", show_default=True, callback=_windows,
              help="The windows of months since baseline, as their upper bounds: results "
                   "are pooled only with others in the same window.")
@click.option("--intervention-type", "interventions", multiple=True,
              callback=_codes("intervention-type.csv"),
              help="Only projects of this intervention type (a code; can be repeated).")
@click.option("--setting", "settings", multiple=True, callback=_codes("setting.csv"),
              help="Only projects in this setting (a code; can be repeated).")
@click.option("--client-group", "client_groups", multiple=True,
              callback=_codes("client-group.csv"),
              help="Only projects for this client group (a code; can be repeated).")
@click.option("--ladder-level", "levels", multiple=True,
              callback=_codes("participation-level.csv"),
              help="Only projects at this level of the ladder (a code; can be repeated).")
@click.option("--design", "designs", multiple=True,
              type=click.Choice(["randomised", "non-randomised", "before-after"]),
              help="Only results of this design (can be repeated).")
@click.option("--population", "populations", multiple=True,
              callback=_codes("population.csv"),
              help="Only results for this population (a code, or not-stated; can be "
                   "repeated).")
@click.option("--from-year", type=click.IntRange(1900, 2200),
              help="Only results measured (the end of their period) in this year or later.")
@click.option("--to-year", type=click.IntRange(1900, 2200),
              help="Only results measured in this year or earlier.")
def compare(store: str, out: str, force: bool, method: str, hksj: bool,
            windows: tuple[float, ...], interventions: tuple[str, ...],
            settings: tuple[str, ...], client_groups: tuple[str, ...],
            levels: tuple[str, ...], designs: tuple[str, ...],
            populations: tuple[str, ...], from_year: int | None,
            to_year: int | None) -> None:
    """Compare the projects in STORE (made by 'coprod combine') and write a report into
    OUT: index.html (a self-contained page), tables/*.csv and charts/*.png and *.svg,
    including forest plots of random-effects meta-analyses made separately for each
    design, population measured and window of months since baseline. Every result not
    pooled is listed with its reason (tables/not-pooled.csv).

    Exit status: 0 written, 2 usage error, 3 the store could not be read.
    """
    from ..research import StoreError, compare_report
    from ..research.findings import REASONS, Selection, Settings

    if from_year and to_year and from_year > to_year:
        raise click.UsageError("--from-year is later than --to-year")
    selection = Selection(interventions, settings, client_groups, levels, designs,
                          populations, (from_year, to_year))
    folder = Path(out)
    try:
        found, written = compare_report(store, folder, force=force, selection=selection,
                                        settings=Settings(method.upper(), hksj, windows))
    except StoreError as exc:
        click.echo(f"COULD NOT READ {store}\n  {exc}", err=True)
        sys.exit(3)
    except OutputRefused as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Compared {found.summary()}. Report written to {written.page}, with "
               f"{len(written.tables)} tables and {len(written.charts)} chart files; "
               f"{len(found.analyses)} meta-analyses.")
    reasons = Counter(item.reason for item in found.left_out)
    if reasons:
        click.echo(f"  {len(found.left_out)} results not pooled (every one, with its "
                   "reason, is in tables/not-pooled.csv):")
        for reason, n in sorted(reasons.items(), key=lambda r: (-r[1], r[0])):
            click.echo(f"    {n} {REASONS[reason]}")
    for note in found.not_pooled:
        click.echo(f"  note: {note}")
    for title in written.not_drawn:
        click.echo(f"  not drawn (the figures are in the tables): {title}")
    for path in written.left_in_place:
        click.echo(f"  left in place, from an earlier report (not part of this one): {path}")
