"""coprod combine and coprod compare: real files, a real DuckDB file reopened and queried
with SQL, a real local web server, and every pooled figure checked against statsmodels."""

from __future__ import annotations

import csv
import hashlib
import json
import math
import shutil
from datetime import datetime

import duckdb
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.meta_analysis import combine_effects

from coprod_standard.research.combine import combine
from coprod_standard.research.compare import compare
from coprod_standard.research.meta import Study, dersimonian_laird
from coprod_standard.research.sources import expand
from tests.conftest import EXAMPLES, ROOT


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """The bundled examples combined once, with CSV and Parquet exports."""
    folder = tmp_path_factory.mktemp("study")
    result = combine(expand([str(ROOT / "examples")], []), folder / "study.duckdb",
                     csv_dir=folder / "csv", parquet_dir=folder / "parquet")
    return folder, result


def _count(data: dict, *path: str) -> int:
    """How many objects sit at PATH (lists expanded) in a dataset."""
    items = [data]
    for key in path:
        items = [v for item in items for v in (item.get(key) or [])]
    return len(items)


EXPECTED = {"projects": ("projects",), "participant_groups": ("projects", "participantGroups"),
            "activities": ("projects", "activities"), "outputs": ("projects", "outputs"),
            "outcomes": ("projects", "outcomes"),
            "indicators": ("projects", "outcomes", "indicators"),
            "indicator_reports": ("projects", "outcomes", "indicators", "reports"),
            "costs": ("projects", "costs"),
            "economic_estimates": ("projects", "economicEstimates"),
            "impact_risks": ("projects", "impactRisks"), "partners": ("projects", "partners")}


def test_combining_the_examples_gives_tables_whose_row_counts_match_the_files(study):
    folder, result = study
    assert result.count("valid") == len(EXAMPLES)
    con = duckdb.connect(str(folder / "study.duckdb"), read_only=True)
    for table, path in EXPECTED.items():
        expected = sum(_count(json.loads(p.read_text()), *path) for p in EXAMPLES)
        assert expected > 0, table
        per_table = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert per_table == expected == result.rows[table], table
    for p in EXAMPLES:  # and per dataset, through the provenance columns
        data = json.loads(p.read_text())
        got = con.execute("SELECT count(*) FROM outcomes WHERE source = ?", [str(p)]).fetchone()
        assert got[0] == _count(data, "projects", "outcomes")


def test_every_row_keeps_its_provenance(study):
    folder, _ = study
    con = duckdb.connect(str(folder / "study.duckdb"), read_only=True)
    rows = con.execute("SELECT DISTINCT source, publisher, version, retrieved_at, checksum "
                       "FROM indicator_reports").fetchall()
    assert len(rows) >= 5
    for source, publisher, version, retrieved, checksum in rows:
        path = ROOT / "examples" / source.rsplit("/", 1)[-1]
        data = json.loads(path.read_text())
        assert checksum == hashlib.sha256(path.read_bytes()).hexdigest()
        assert publisher == data["publisher"]["id"] and version == data["version"]
        assert isinstance(retrieved, datetime) and retrieved.year >= 2024  # UTC, no zone


def test_the_store_is_reopened_and_queried_with_plain_sql(study):
    folder, _ = study
    con = duckdb.connect(str(folder / "study.duckdb"), read_only=True)
    top = con.execute("""
        SELECT p.participation_level, count(DISTINCT p.project_id) AS projects,
               sum(c.amount_gbp) AS spent
        FROM projects p JOIN costs c USING (dataset_id, project_id)
        GROUP BY 1 ORDER BY 2 DESC""").fetchall()
    assert top[0][0] == "co-production" and top[0][1] >= 5 and top[0][2] > 0
    kinds = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_name = 'projects'").fetchall())
    assert kinds["start_date"] == "DATE" and kinds["purposes"] == "VARCHAR[]"
    assert {"dataset_id", "publisher", "source", "version", "retrieved_at",
            "checksum"} <= set(kinds)


def test_exports_to_csv_and_to_parquet_partitioned_by_publisher(study):
    folder, result = study
    with (folder / "csv" / "outcomes.csv").open(encoding="utf-8") as stream:
        assert len(list(csv.DictReader(stream))) == result.rows["outcomes"]
    partitions = sorted(p.name for p in (folder / "parquet" / "outcomes").iterdir())
    assert partitions and all(p.startswith("publisher=") for p in partitions)
    publishers = {json.loads(p.read_text())["publisher"]["id"] for p in EXAMPLES
                  if _count(json.loads(p.read_text()), "projects", "outcomes")}
    assert partitions == sorted(f"publisher={p}" for p in publishers)
    back = duckdb.sql(f"SELECT count(*) FROM read_parquet('{folder}/parquet/outcomes/*/*."
                      "parquet', hive_partitioning = true)").fetchall()[0][0]
    assert back == result.rows["outcomes"]


def _dataset(tmp_path, name, change=None):
    data = json.loads((ROOT / "examples" / "minimal.json").read_text())
    if change:
        change(data)
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_invalid_unreadable_and_duplicate_datasets_are_recorded_not_dropped(tmp_path):
    _dataset(tmp_path, "good.json")
    _dataset(tmp_path, "copy.json")
    _dataset(tmp_path, "bad.json", lambda d: d["projects"][0].update(participationLevel="x"))
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    result = combine(expand([str(tmp_path)], []), tmp_path / "out" / "s.duckdb")
    status = {d["source"].rsplit("/", 1)[-1]: d["status"] for d in result.datasets}
    assert status == {"bad.json": "invalid", "broken.json": "unreadable",
                      "copy.json": "valid", "good.json": "duplicate"}
    assert result.rows["projects"] == 1
    con = duckdb.connect(str(tmp_path / "out" / "s.duckdb"), read_only=True)
    reasons = dict(con.execute("SELECT source, reason FROM datasets").fetchall())
    assert "participationLevel" in reasons[str(tmp_path / "bad.json")] or \
        "ladder" in reasons[str(tmp_path / "bad.json")].lower()
    issues = con.execute("SELECT source, code, path FROM issues").fetchall()
    assert any(s.endswith("bad.json") and "participationLevel" in (p or "")
               for s, _, p in issues)
    assert any(s.endswith("broken.json") for s, _, _ in issues)
    assert not list(tmp_path.glob("out/.*"))  # no temporary file left behind


def test_datasets_of_every_version_land_in_the_same_columns(study):
    folder, _ = study
    con = duckdb.connect(str(folder / "study.duckdb"), read_only=True)
    versions = dict(con.execute("SELECT version, count(*) FROM activities GROUP BY 1")
                    .fetchall())
    assert set(versions) == {"1.0", "1.1", "1.2"}
    undated = con.execute("SELECT count(*) FROM activities WHERE version = '1.0' AND "
                          "start_date IS NULL").fetchone()[0]
    assert undated < sum(versions.values())  # 1.0's date became 1.1's startDate


def test_a_registry_lists_datasets_by_path_with_publishers(tmp_path):
    _dataset(tmp_path, "a.json")
    (tmp_path / "registry.csv").write_text("publisher,path\nGB-CHC-1,a.json\n",
                                           encoding="utf-8")
    (tmp_path / "registry.json").write_text(json.dumps({"datasets": [{"path": "a.json"}]}))
    csv_sources = expand([], [str(tmp_path / "registry.csv")])
    assert [(s.location, s.publisher) for s in csv_sources] == [(str(tmp_path / "a.json"),
                                                                  "GB-CHC-1")]
    assert len(expand([], [str(tmp_path / "registry.json")])) == 1


# -- meta-analysis against statsmodels ---------------------------------------------------

def _statsmodels(studies):
    """statsmodels' DerSimonian-Laird figures. It does not truncate tau squared at zero,
    as DerSimonian and Laird (and R's metafor) do; where its tau squared is negative, the
    truncated estimate (tau squared = 0) is its fixed-effect result."""
    with np.errstate(all="ignore"):
        result = combine_effects(np.array([s.effect for s in studies]),
                                 np.array([s.variance for s in studies]), method_re="dl")
        frame = result.summary_frame()
    row = "random effect" if result.tau2 > 0 else "fixed effect"
    estimate, low, high = frame.loc[row, ["eff", "ci_low", "ci_upp"]]
    i2 = 0.0 if result.tau2 <= 0 or np.isnan(result.i2) else result.i2
    return estimate, low, high, max(result.tau2, 0.0), i2


def _same(ours, theirs):
    """Equal to seven significant figures. Tau squared is a difference of sums that nearly
    cancel when the projects' weights differ by thousands of times; statsmodels sums with
    numpy, we with math.fsum, so the last digits may differ there."""
    p = ours
    for mine, other in zip((p.estimate, p.lower, p.upper, p.tau2, p.i2), theirs, strict=True):
        assert math.isclose(mine, float(other), rel_tol=1e-7, abs_tol=1e-9), (mine, other)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-10, 10), st.floats(0.001, 25)), min_size=2, max_size=30))
def test_dersimonian_laird_equals_statsmodels(pairs):
    studies = [Study(str(i), e, v, 50) for i, (e, v) in enumerate(pairs)]
    _same(dersimonian_laird(studies), _statsmodels(studies))


def test_every_meta_analysis_of_the_examples_equals_statsmodels(study):
    folder, _ = study
    found = compare(folder / "study.duckdb")
    assert len(found.analyses) >= 2
    assert {a.stratum.design for a in found.analyses} == {"before-after"}
    for analysis in found.analyses:
        assert analysis.pooled.k >= 2
        _same(analysis.pooled, _statsmodels(analysis.pooled.studies))
        projects = [s.label for s in analysis.pooled.studies]
        assert len(projects) == len(set(projects))  # each project counts once


def test_the_findings_count_the_ladder_principles_and_costs(study):
    folder, _ = study
    found = compare(folder / "study.duckdb")
    ladder = dict(found.ladder)
    assert sum(ladder.values()) == 10 and ladder["co-production"] >= 5
    assert ladder["engagement"] == 1  # the GP awareness project, honestly described
    assert {p for p, _, _ in found.principles} == {"equality", "diversity", "accessibility",
                                                   "reciprocity"}
    costs = {row[0]: row for row in found.costs}
    networks = costs["GB-CHC-9990101-leeds-york-networks"]
    assert math.isclose(networks[4], networks[2] / networks[3]) and networks[5] == ""
    navigators = costs["GB-LAE-XNB-community-navigators"]  # a group's size was withheld
    assert navigators[4] is None and "withheld" in navigators[5]
    assert found.left_out  # results only one project gave are listed, not hidden


# -- fetching, against a real local web server --------------------------------------------

def test_fetching_is_only_done_when_asked_and_only_from_allowed_hosts(web, tmp_path):
    url = f"{web.base}/good.json"
    result = combine(expand([url], []), tmp_path / "a.duckdb")
    assert result.datasets[0]["status"] == "unavailable"
    assert "--fetch" in result.datasets[0]["reason"] and web.hits == []
    other = url.replace("127.0.0.1", "localhost")
    result = combine(expand([other], []), tmp_path / "b.duckdb", allow_web=True,
                     allowed={"127.0.0.1"})
    assert "not on the allow-list" in result.datasets[0]["reason"] and web.hits == []


def test_fetching_good_slow_huge_missing_broken_and_redirected_datasets(web, tmp_path):
    names = ["good.json", "slow.json", "huge.json", "endless.json", "missing.json",
             "page.html", "away.json", "flaky.json"]
    result = combine(expand([f"{web.base}/{n}" for n in names], []), tmp_path / "w.duckdb",
                     allow_web=True, allowed={"127.0.0.1"}, timeout=0.5, max_bytes=200_000)
    by_name = {d["source"].rsplit("/", 1)[-1]: d for d in result.datasets}
    assert by_name["good.json"]["status"] == "valid"
    assert by_name["good.json"]["checksum"] == hashlib.sha256(web.good).hexdigest()
    assert "longer than the timeout" in by_name["slow.json"]["reason"]
    assert "more than the limit" in by_name["huge.json"]["reason"]
    assert "more than the limit" in by_name["endless.json"]["reason"]
    assert "404" in by_name["missing.json"]["reason"]
    assert web.hits.count("/missing.json") == 1  # a 404 is not asked for again
    assert by_name["page.html"]["status"] == "unreadable"
    assert "not on the allow-list" in by_name["away.json"]["reason"]
    assert by_name["flaky.json"]["status"] == "valid"  # a passing fault, retried
    assert web.hits.count("/flaky.json") == 2
    assert web.hits.count("/slow.json") == 1  # cut off at the deadline: not asked again
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM datasets").fetchone()[0] == len(names)


@pytest.fixture
def web():
    from tests.web_server import serve

    with serve(_dataset_bytes()) as server:
        yield server


def _dataset_bytes() -> bytes:
    return (ROOT / "examples" / "minimal.json").read_bytes()


# -- the report -------------------------------------------------------------------------

def test_compare_writes_the_page_tables_and_forest_plots(study, tmp_path):
    from coprod_standard.research import compare_report

    folder, _ = study
    found, written = compare_report(folder / "study.duckdb", tmp_path / "report")
    page = written.page.read_text(encoding="utf-8")
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert page.count('src="data:image/svg+xml;base64,') == 2 + len(found.analyses)
    for analysis in found.analyses:
        assert (tmp_path / "report" / "charts" / f"forest-{analysis.slug}.png").stat().st_size
        svg = (tmp_path / "report" / "charts" / f"forest-{analysis.slug}.svg").read_text()
        assert "Pooled (random effects)" in svg
    with (tmp_path / "report" / "tables" / "meta-analyses.csv").open() as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == len(found.analyses)
    for row, analysis in zip(rows, found.analyses, strict=True):
        theirs = _statsmodels(analysis.pooled.studies)
        assert math.isclose(float(row["Pooled estimate"]), theirs[0], rel_tol=1e-9)
        assert math.isclose(float(row["95% CI lower"]), theirs[1], rel_tol=1e-9)
    names = {p.name for p in written.tables}
    assert {"ladder.csv", "principles.csv", "outcome-domains.csv", "instruments.csv",
            "cost-per-participant.csv", "meta-analysis-projects.csv"} <= names


def test_text_from_datasets_cannot_run_as_a_formula_or_as_html(tmp_path):
    def hostile(data):
        data["projects"][0]["title"] = '=HYPERLINK("http://evil.example")<script>x</script>'
    _dataset(tmp_path, "hostile.json", hostile)
    combine(expand([str(tmp_path / "hostile.json")], []), tmp_path / "s.duckdb",
            csv_dir=tmp_path / "csv")
    from coprod_standard.research import compare_report

    _, written = compare_report(tmp_path / "s.duckdb", tmp_path / "report")
    assert "<script>x" not in written.page.read_text(encoding="utf-8")
    for path in [tmp_path / "csv" / "projects.csv",
                 tmp_path / "report" / "tables" / "cost-per-participant.csv"]:
        text = path.read_text(encoding="utf-8")
        assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text, path


# -- the commands ------------------------------------------------------------------------

def test_the_done_when_commands_work_on_the_bundled_examples(coprod, tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    made = coprod("combine", "examples/", "--out", "study.duckdb", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert f"Combined {len(EXAMPLES)} of {len(EXAMPLES)} datasets" in made.stdout
    report = coprod("compare", "study.duckdb", "--out", "report/", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "report" / "index.html").is_file()
    assert list((tmp_path / "report" / "charts").glob("forest-*.svg"))
    again = coprod("combine", "examples/", "--out", "study.duckdb", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr


def test_the_commands_fail_kindly(coprod, tmp_path):
    _dataset(tmp_path, "bad.json", lambda d: d.pop("publisher"))
    partly = coprod("combine", tmp_path / "bad.json", "--out", tmp_path / "s.duckdb")
    assert partly.returncode == 1 and "kept out (invalid)" in partly.stdout
    missing = coprod("combine", tmp_path / "nothing-here", "--out", tmp_path / "t.duckdb")
    assert missing.returncode == 2 and "neither a file" in missing.stderr
    fetch = coprod("combine", "https://example.org/a.json", "--fetch", "--out",
                   tmp_path / "u.duckdb")
    assert fetch.returncode == 2 and "--allow-host" in fetch.stderr
    (tmp_path / "not-a-store.duckdb").write_text("hello", encoding="utf-8")
    bad = coprod("compare", tmp_path / "not-a-store.duckdb", "--out", tmp_path / "r")
    assert bad.returncode == 3 and "could not be read" in bad.stderr
    assert "Traceback" not in bad.stderr + partly.stderr + missing.stderr


def test_a_long_run_shows_a_progress_bar_on_a_terminal(tmp_path):
    """Run in a pseudo-terminal, as a person would see it."""
    import os
    import pty
    import subprocess
    import sys

    main, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "coprod_standard", "combine", str(ROOT / "examples"), "--out",
         str(tmp_path / "s.duckdb")], stdin=follower, stdout=follower, stderr=follower,
        env={**os.environ, "COLUMNS": "100"})
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closes when the command ends
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=120) == 0
    text = seen.decode("utf-8", "replace")
    assert "Combining" in text and f"{len(EXAMPLES)}/{len(EXAMPLES)}" in text
    assert "100%" in text
