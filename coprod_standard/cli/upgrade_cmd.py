"""coprod upgrade IN OUT --to VERSION: move a dataset to a later version of the standard."""

from __future__ import annotations

import sys

import click

from ..convert import TABLES, ConvertError, output_target, write_output
from ..readers import Unreadable, read
from ..schemas import latest_version, version_names
from ..upgrade import UpgradeError
from ..upgrade import upgrade as upgrade_dataset


@click.command()
@click.argument("source", type=click.Path())
@click.argument("target", type=click.Path())
@click.option("--to", "to", type=click.Choice(version_names()), default=latest_version(),
              show_default=True, help="The version to upgrade to.")
@click.option("--allow-loss", is_flag=True,
              help="Write the result even if some values have no place in the new version.")
@click.option("--force", is_flag=True, help="Replace the output if it already exists (only "
              "the files this command writes; nothing else in a folder is touched).")
def upgrade(source: str, target: str, to: str, allow_loss: bool, force: bool) -> None:
    """Upgrade the dataset in SOURCE to a later version and write it to TARGET (any format
    'coprod convert' writes). Every field changed or moved is listed; nothing is lost
    silently.

    Exit status: 0 upgraded, 1 refused because data would be lost, 2 usage error,
    3 unreadable input.
    """
    try:
        fmt, out = output_target(source, target, None, force)
    except ConvertError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        dataset = read(source).data
    except Unreadable as exc:
        click.echo(f"COULD NOT READ {source}\n  {exc.issue.message}\n  How to fix: "
                   f"{exc.issue.fix}")
        sys.exit(3)
    if not isinstance(dataset, dict):
        raise click.UsageError("the input is not a dataset (a JSON object)")
    try:
        result, changes = upgrade_dataset(dataset, to, allow_loss)
    except UpgradeError as exc:
        click.echo(f"NOT UPGRADED: {exc}.")
        sys.exit(1 if "lost" in str(exc) else 2)
    from ..tabular.left_out import left_out_issues

    left = left_out_issues(result, to) if fmt in TABLES else []
    if left and not allow_loss:
        click.echo("NOT UPGRADED: some values would be lost in tables, which have no column "
                   "for them; write JSON instead, or use --allow-loss to leave them out.")
        for issue in left:
            click.echo(f"  {issue.message}")
        sys.exit(1)
    try:
        write_output(result, to, fmt, out, source, force)
    except ConvertError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Upgraded {source} from version {dataset.get('version')} to {to}: "
               f"{len(changes)} change{'s' if len(changes) != 1 else ''}, written to {out}.")
    for change in changes:
        click.echo(f"  {change.describe()}")
    for issue in left:
        click.echo(f"  left out: {issue.message}")
