"""For researchers: combine published datasets into one analysis-ready store (DuckDB, with
CSV and Parquet exports), and compare the projects in it (a report with meta-analyses)."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """The store could not be opened as one made by 'coprod combine'."""


def compare_report(store: str | Path, out: str | Path, *, force: bool = False,
                   selection=None, settings=None):
    """Compare the projects in STORE (only those SELECTION keeps, under SETTINGS: see
    findings.py) and write the report into the folder OUT (with FORCE, replacing the files
    of an earlier report; nothing else in OUT is touched)."""
    import duckdb

    from .compare import compare
    from .page import write_report

    path = Path(store)
    if not path.is_file():
        raise StoreError(f"'{store}' does not exist; make it with 'coprod combine'")
    try:
        found = compare(path, selection, settings)
    except (duckdb.Error, OSError) as exc:  # not a DuckDB file, or not one we made
        raise StoreError(f"'{store}' could not be read as a store made by 'coprod combine' "
                         f"({str(exc).splitlines()[0]})") from None
    return found, write_report(found, Path(out), str(store), force=force)
