"""The store's provenance and compatibility: the DuckDB file written by ``coprod combine``
opens in DuckDB 1.1 (a real old DuckDB, installed by tests/run.sh into tests/.duckdb-1.1,
run in a process of its own) and in the current one; retrieval times are UTC timestamps;
every Parquet file holds its publisher; the disclosure policy and level reach the exports."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

import duckdb
import pyarrow.parquet as pq
import pytest

from coprod_standard.research.combine import combine, table_names
from coprod_standard.research.sources import expand
from tests.conftest import ROOT, run_coprod

OLD_DUCKDB = ROOT / "tests" / ".duckdb-1.1"
NULL_FOLDER = "publisher=__HIVE_DEFAULT_PARTITION__"  # where DuckDB puts a NULL publisher
POLICY = ("disclosure_policy", "disclosure_policy_from", "checked_level")

# Run by DuckDB 1.1 in a process of its own: every table's rows (as text, sorted) and the
# Python types of a few typed values.
READ_IN_OLD = """
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
rows = {t: sorted(repr(r) for r in con.execute(f'SELECT * FROM "{t}"').fetchall())
        for t in json.loads(sys.argv[2])}
typed = con.execute("SELECT d.retrieved_at, d.published_date, p.start_date, p.purposes "
                    "FROM datasets d JOIN projects p USING (dataset_id) "
                    "WHERE p.start_date IS NOT NULL LIMIT 1").fetchone()
print(json.dumps({"version": duckdb.__version__, "file": duckdb.__file__, "rows": rows,
                  "types": [type(v).__name__ for v in typed]}))
"""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The examples combined by the command, with CSV and Parquet exports; the UTC times
    just before and after the run."""
    folder = tmp_path_factory.mktemp("compat")
    before = _now().replace(microsecond=0)
    made = run_coprod("combine", ROOT / "examples", "--out", folder / "s.duckdb", "--csv",
                      folder / "csv", "--parquet", folder / "parquet")
    after = _now()
    assert made.returncode == 0, made.stderr
    return folder, before, after


def _rows(path: Path) -> dict[str, list[str]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: sorted(repr(r) for r in con.execute(f'SELECT * FROM "{t}"').fetchall())
                for t in table_names()}
    finally:
        con.close()


def test_the_store_opens_in_duckdb_1_1_with_every_table_and_its_types(store):
    if not (OLD_DUCKDB / "duckdb").is_dir():
        pytest.skip(f"DuckDB 1.1 is not installed in {OLD_DUCKDB} (tests/run.sh installs it)")
    folder, _, _ = store
    # -S: no site-packages, so only the DuckDB in PYTHONPATH can be imported
    read = subprocess.run([sys.executable, "-S", "-c", READ_IN_OLD, str(folder / "s.duckdb"),
                           json.dumps(table_names())], capture_output=True, text=True,
                          env={"PYTHONPATH": str(OLD_DUCKDB)}, timeout=120)
    assert read.returncode == 0, read.stderr
    found = json.loads(read.stdout)
    assert found["version"].startswith("1.1.")
    assert Path(found["file"]).is_relative_to(OLD_DUCKDB)
    assert found["types"] == ["datetime", "date", "date", "list"]
    assert found["rows"] == _rows(folder / "s.duckdb")  # the same as the current DuckDB reads
    assert len(found["rows"]["projects"]) > 5 and len(found["rows"]["datasets"]) > 5


def test_the_toolkit_still_writes_the_store_with_duckdb_1_1(tmp_path):
    """DuckDB 1.1 (the oldest the toolkit asks for) has no STORAGE_VERSION option: it writes
    its own format, which every later DuckDB reads."""
    if not (OLD_DUCKDB / "duckdb").is_dir():
        pytest.skip(f"DuckDB 1.1 is not installed in {OLD_DUCKDB} (tests/run.sh installs it)")
    write = ("import sys, duckdb\n"
             "from pathlib import Path\n"
             "from coprod_standard.research.combine import combine\n"
             "from coprod_standard.research.sources import expand\n"
             "combine(expand([sys.argv[1]], []), Path(sys.argv[2]), "
             "parquet_dir=Path(sys.argv[3]))\n"
             "print(duckdb.__version__)\n")
    paths = [str(OLD_DUCKDB), str(ROOT), os.environ.get("PYTHONPATH", "")]
    made = subprocess.run([sys.executable, "-c", write, str(ROOT / "examples"),
                           str(tmp_path / "s.duckdb"), str(tmp_path / "parquet")],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)})
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip().startswith("1.1.")
    rows = _rows(tmp_path / "s.duckdb")
    assert len(rows["projects"]) > 5 and len(rows["outcomes"]) > 5
    assert _parquet_files(tmp_path / "parquet", "outcomes")


def test_the_store_is_whole_in_one_file_that_the_current_duckdb_opens_read_only(
        store, tmp_path):
    folder, _, _ = store
    assert sorted(p.name for p in folder.iterdir()) == ["csv", "parquet", "s.duckdb"]
    alone = tmp_path / "copy.duckdb"  # the file on its own, as a user would send it
    alone.write_bytes((folder / "s.duckdb").read_bytes())
    rows = _rows(alone)
    assert set(rows) == set(table_names()) and all(rows[t] for t in ("datasets", "outcomes"))
    assert rows == _rows(folder / "s.duckdb")


def test_compare_reads_the_store(store, tmp_path):
    folder, _, _ = store
    report = run_coprod("compare", folder / "s.duckdb", "--out", tmp_path / "report")
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "report" / "index.html").is_file()


def test_retrieved_at_is_a_utc_timestamp_within_the_run(store):
    folder, before, after = store
    con = duckdb.connect(str(folder / "s.duckdb"), read_only=True)
    kinds = con.execute("SELECT table_name, data_type FROM information_schema.columns "
                        "WHERE column_name = 'retrieved_at'").fetchall()
    assert {t for t, _ in kinds} == set(table_names()) - {"issues"}
    assert {k for _, k in kinds} == {"TIMESTAMP"}
    others = con.execute("SELECT DISTINCT data_type FROM information_schema.columns WHERE "
                         "column_name IN ('dataset_id', 'publisher', 'source', 'version', "
                         "'checksum')").fetchall()
    assert others == [("VARCHAR",)]
    times = {t for (t,) in con.execute("SELECT retrieved_at FROM datasets UNION "
                                       "SELECT retrieved_at FROM indicator_reports").fetchall()}
    con.close()
    assert times and all(before <= t <= after for t in times), (before, times, after)
    with (folder / "csv" / "datasets.csv").open(encoding="utf-8") as stream:
        written = {datetime.fromisoformat(r["retrieved_at"]) for r in csv.DictReader(stream)}
    assert written <= times


def _parquet_files(folder: Path, table: str) -> list[Path]:
    return sorted((folder / table).glob("*/*.parquet"))


def test_every_parquet_file_holds_its_publisher_as_a_column(store):
    folder, _, _ = store
    con = duckdb.connect(str(folder / "s.duckdb"), read_only=True)
    for table in table_names():
        files = _parquet_files(folder / "parquet", table)
        if table == "issues":  # no publisher column: one file, not partitioned
            assert not files and (folder / "parquet" / "issues.parquet").is_file()
            continue
        assert files, table
        total = 0
        for path in files:
            read = pq.read_table(path, partitioning=None)  # this file alone, no hive names
            assert "publisher" in read.schema.names, path
            named = unquote(path.parent.name.removeprefix("publisher="))
            assert set(read.column("publisher").to_pylist()) == {named}, path
            total += read.num_rows
        assert total == con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0], table
    con.close()


def test_a_dataset_without_a_publisher_keeps_its_partition_folder(tmp_path):
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")  # publisher unknown
    (tmp_path / "minimal.json").write_bytes((ROOT / "examples" / "minimal.json").read_bytes())
    combine(expand([str(tmp_path)], []), tmp_path / "out" / "s.duckdb",
            parquet_dir=tmp_path / "parquet")
    folders = sorted(p.parent.name for p in _parquet_files(tmp_path / "parquet", "datasets"))
    assert len(folders) == 2 and NULL_FOLDER in folders
    unknown = pq.read_table(tmp_path / "parquet" / "datasets" / NULL_FOLDER / "data_0.parquet",
                            partitioning=None).to_pylist()
    assert [(r["publisher"], r["status"]) for r in unknown] == [(None, "unreadable")]


def test_the_disclosure_policy_and_level_reach_the_exports(store):
    folder, _, _ = store
    con = duckdb.connect(str(folder / "s.duckdb"), read_only=True)
    stored = {r[0]: r[1:] for r in con.execute(
        f"SELECT dataset_id, {', '.join(POLICY)} FROM datasets").fetchall()}
    con.close()
    assert len(stored) > 5
    assert all(v[0] and v[1] in ("dataset", "default") and v[2] == "publish"
               for v in stored.values())
    with (folder / "csv" / "datasets.csv").open(encoding="utf-8") as stream:
        from_csv = {r["dataset_id"]: tuple(r[c] for c in POLICY) for r in csv.DictReader(stream)}
    assert from_csv == stored
    from_parquet = {r["dataset_id"]: tuple(r[c] for c in POLICY)
                    for path in _parquet_files(folder / "parquet", "datasets")
                    for r in pq.read_table(path, partitioning=None).to_pylist()}
    assert from_parquet == stored


def test_a_retrieval_time_is_taken_once_as_utc_without_a_zone():
    from coprod_standard.research.sources import Fetched, Source, utc_naive

    before = _now().replace(microsecond=0)
    fetched = Fetched(Source("x"))
    assert fetched.retrieved_at.tzinfo is None and fetched.retrieved_at.microsecond == 0
    assert before <= fetched.retrieved_at <= _now()
    noon = datetime(2026, 1, 2, 12, 0, 0)
    assert utc_naive("2026-01-02T13:00:00.5+01:00") == noon == utc_naive(noon)
    assert Fetched(Source("x"), retrieved_at="2026-01-02T12:00:00Z").retrieved_at == noon
