"""The embedded store: a DuckDB file in a storage format that DuckDB 1.1 and later open,
its tables built from column lists through Arrow (fast, typed), and exports to CSV and to
Parquet partitioned by publisher (the publisher kept as a column in every file too)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# The oldest DuckDB the store opens in: DuckDB 2 writes a format 1.x cannot read unless
# told to write an older one (tests/test_store_compat.py opens it in DuckDB 1.1).
STORAGE_VERSION = "v1.1.0"

DATASET_COLUMNS = [
    ("dataset_id", "VARCHAR"), ("source", "VARCHAR"), ("publisher", "VARCHAR"),
    ("publisher_name", "VARCHAR"), ("version", "VARCHAR"), ("title", "VARCHAR"),
    ("license", "VARCHAR"), ("published_date", "DATE"), ("retrieved_at", "TIMESTAMP"),
    ("checksum", "VARCHAR"), ("status", "VARCHAR"), ("projects", "BIGINT"),
    ("errors", "BIGINT"), ("warnings", "BIGINT"), ("reason", "VARCHAR"),
    # the small-numbers policy the dataset was checked under, where that came from (its
    # record "dataset", or "default" when it records none) and the level it was checked at
    ("disclosure_policy", "VARCHAR"), ("disclosure_policy_from", "VARCHAR"),
    ("checked_level", "VARCHAR"),
]
ISSUE_COLUMNS = [("dataset_id", "VARCHAR"), ("source", "VARCHAR"), ("code", "VARCHAR"),
                 ("severity", "VARCHAR"), ("path", "VARCHAR"), ("location", "VARCHAR"),
                 ("message", "VARCHAR")]


def _arrow_type(kind: str):
    import pyarrow as pa

    return {"VARCHAR": pa.string(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
            "BOOLEAN": pa.bool_(), "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"),
            "VARCHAR[]": pa.list_(pa.string())}[kind]


@contextmanager
def writing_store(path: Path) -> Iterator[Any]:
    """A connection whose tables are written to a new DuckDB file at PATH, in the storage
    format of STORAGE_VERSION. When the block ends without error everything is checkpointed
    into the file and it is closed, so no write-ahead log ('.wal') is needed to read it."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")  # the command shows its own
        quoted = str(path).replace("'", "''")
        try:
            con.execute(f"ATTACH '{quoted}' AS store (STORAGE_VERSION '{STORAGE_VERSION}')")
        except duckdb.BinderException as exc:  # DuckDB 1.1 lacks it, and writes its format
            if "storage_version" not in str(exc).lower():
                raise
            con.execute(f"ATTACH '{quoted}' AS store")
        con.execute("USE store")
        yield con
        con.execute("CHECKPOINT store")
        con.execute("USE memory")
        con.execute("DETACH store")
    finally:
        con.close()
    if Path(f"{path}.wal").exists():  # never seen: the file alone would miss data
        raise RuntimeError(f"DuckDB left a write-ahead log beside {path}")


def create_table(con, name: str, columns: list[tuple[str, str]], rows: list[tuple]) -> int:
    """Create a table from rows (tuples in column order); returns the number of rows."""
    import pyarrow as pa

    schema = pa.schema([(column, _arrow_type(kind)) for column, kind in columns])
    arrays = [pa.array([row[i] for row in rows], type=schema.field(i).type)
              for i in range(len(columns))]
    table = pa.Table.from_arrays(arrays, schema=schema)
    con.register("incoming", table)
    con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM incoming')
    con.unregister("incoming")
    return len(rows)


def _may_need_neutralising() -> str:
    """A regular expression for text that starts as ``neutralise`` looks at (a formula
    start or an apostrophe): only such text is handed to it, which keeps exports fast."""
    from ..tabular.cells import FORMULA_START

    return "^[" + "".join(f"\\x{{{ord(c):x}}}" for c in (*FORMULA_START, "'")) + "]"


def _safe_for_spreadsheets(con, table: str) -> str:
    """A SELECT of TABLE in which text that a spreadsheet would run as a formula is made
    safe by the toolkit's one neutraliser (``tabular.cells.neutralise``, run inside DuckDB);
    other values are unchanged (``export`` registers the function)."""
    starts = _may_need_neutralising()
    columns = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                          "WHERE table_catalog = current_database() AND table_name = ? "
                          "ORDER BY ordinal_position", [table]).fetchall()
    parts = []
    for column, kind in columns:
        quoted = '"' + column.replace('"', '""') + '"'
        parts.append(f"CASE WHEN regexp_matches({quoted}, '{starts}') THEN "
                     f"coprod_neutralise({quoted}) ELSE {quoted} END AS {quoted}"
                     if kind == "VARCHAR" else quoted)
    return f'SELECT {", ".join(parts)} FROM "{table}"'


def export(con, names: list[str], csv_dir: Path | None, parquet_dir: Path | None) -> None:
    if csv_dir is not None:
        from ..tabular.cells import neutralise

        con.create_function("coprod_neutralise", neutralise, ["VARCHAR"], "VARCHAR")
    for name in names:
        if csv_dir is not None:
            csv_dir.mkdir(parents=True, exist_ok=True)
            target = (csv_dir / f"{name}.csv").as_posix().replace("'", "''")
            con.execute(f"COPY ({_safe_for_spreadsheets(con, name)}) TO '{target}' "
                        "(HEADER, DELIMITER ',')")
        if parquet_dir is not None:
            parquet_dir.mkdir(parents=True, exist_ok=True)
            partitioned = _has(con, name, "publisher")
            target = (parquet_dir / (name if partitioned else f"{name}.parquet")).as_posix()
            target = target.replace("'", "''")
            # the publisher stays a column of each file, not only in its folder's name (a
            # NULL publisher lands in publisher=__HIVE_DEFAULT_PARTITION__)
            partition = ("PARTITION_BY (publisher), WRITE_PARTITION_COLUMNS true, "
                         if partitioned else "")
            con.execute(f"COPY \"{name}\" TO '{target}' (FORMAT PARQUET, {partition}"
                        "OVERWRITE_OR_IGNORE)")


def records_checks(con) -> bool:
    """Whether the store records the disclosure policy and level each dataset was checked
    at (stores made by coprod before issue 18 do not)."""
    return _has(con, "datasets", "disclosure_policy") and _has(con, "datasets",
                                                               "checked_level")


def _has(con, table: str, column: str) -> bool:
    found: Any = con.execute("SELECT count(*) FROM information_schema.columns WHERE "
                             "table_catalog = current_database() AND table_name = ? AND "
                             "column_name = ?", [table, column]).fetchone()
    return bool(found and found[0])
