"""The recorded benchmark results exist, include the peers measured in the same run, and
meet their targets. (Nothing is timed here: see benchmarks/.)"""

from __future__ import annotations

import json

from tests.conftest import ROOT

RESULTS = ROOT / "benchmarks" / "results"


def test_tabular_conversion_is_recorded_with_its_stages_and_beats_flatten_tool():
    # The speed and memory targets are reported as met or missed in RESULTS.md (with the
    # stages that say where the time goes), not asserted here.
    result = json.loads((RESULTS / "tabular-100000.json").read_text())
    assert result["rows"] >= 99_000
    peers = result["peers"]
    assert {"flatten-tool csv+sourcemap", "flatten-tool xlsx+sourcemap"} <= set(peers)
    for name in ("csv", "xlsx", "ods"):
        ours = result["ours"][name]
        assert ours["rowsPerSecond"] > 0 and ours["conversionPeakMB"] > 0
        # each stage is the median of its runs, as the total is: they add up to about it
        total = ours["conversionSeconds"]
        assert abs(sum(ours["stages"].values()) - total) < 0.1 * total
    for name in ("csv", "xlsx"):  # converting, like for like: flatten-tool checks nothing
        ours = result["ours"][name]
        assert peers[f"flatten-tool {name}+sourcemap"]["seconds"] > 10 * ours["conversionSeconds"]
        assert ours["peakMB"] < peers[f"flatten-tool {name}+sourcemap"]["peakMB"] / 4
    text = (ROOT / "benchmarks" / "RESULTS.md").read_text()
    assert "ODS spreadsheet to JSON with cell source map" in text
    assert "cells to Python values" in text  # the XLSX stages, in the narrative


def test_responses_meet_their_target():
    result = json.loads((RESULTS / "responses-1000000.json").read_text())
    assert result["responses"] == 1_000_000
    for command in ("aggregate", "score"):
        assert result["commands"][command]["seconds"] <= 10
        assert result["commands"][command]["peakMB"] <= 200


def test_combining_1000_datasets_meets_its_target_with_its_peer_measured():
    result = json.loads((RESULTS / "combine-1000.json").read_text())
    assert result["datasets"] == 1000
    assert result["commands"]["combine"]["seconds"] <= 10
    assert result["commands"]["compare"]["seconds"] <= 10
    assert "check-jsonschema (schema only)" in result["peers"]


def test_validation_is_recorded_at_every_size_with_every_peer_and_the_targets_named():
    # The speed targets are reported as met or missed in RESULTS.md, not asserted here.
    from benchmarks.validate import (
        FLOOR,
        OURS,
        OURS_SCHEMA,
        PEER_NAMES,
        RECORD,
        VALID_ROWS_PER_PROJECT,
    )

    for size in (10_000, 100_000, 1_000_000):
        result = json.loads((RESULTS / f"validate-{size}.json").read_text())
        assert result["recordsRequested"] == size
        assert size - VALID_ROWS_PER_PROJECT < result["records"] <= size
        assert result["recordDefinition"] == RECORD
        assert result["sampleCheck"]["errors"] == result["sampleCheck"]["warnings"] == 0
        assert {OURS, OURS_SCHEMA} <= set(result["ours"]) and FLOOR in result["floor"]
        assert set(PEER_NAMES) <= set(result["peers"])
        for run in [*result["ours"].values(), *result["floor"].values(),
                    *result["peers"].values()]:
            assert run["seconds"] > 0 and run["peakMB"] > 0 and run["recordsPerSecond"] > 0
            assert run["runs"] >= 1 or (run.get("extrapolated") and run.get("reason"))
    text = (ROOT / "benchmarks" / "RESULTS.md").read_text()
    for target in ("in at most 10 s", "structure alone, in at most 5 s", "At most 100 MB peak",
                   "At least 40x lib-cove", "at least 100,000 rows/s", "At most 150 MB for 100k"):
        assert target in text
    for size in ("10,000 records", "100,000 records", "1,000,000 records"):
        assert f"### {size}" in text
    assert "cores" in text and "Python" in text and "met" in text


def test_meta_analysis_of_rounded_aggregates_stays_within_2_percent_of_the_exact():
    """Issue 18: pooled from published (rounded) aggregates with the unbiased variance, the
    change stays within 2% of the pooled change from the exact figures, in every seed."""
    result = json.loads((RESULTS / "disclosure-meta.json").read_text())
    assert result["projects"] >= 30 and result["target"] == 0.02
    for name in ("10-300", "10-40"):
        scenario = result["scenarios"][name]
        assert len(scenario["seeds"]) >= 10
        for seed in scenario["seeds"]:
            assert len(seed["sizes"]) == result["projects"]
            assert min(seed["sizes"]) >= 10 and max(seed["sizes"]) <= 300
            for measure in ("meanChange", "smd"):
                exact, rounded = seed["exact"][measure], seed["rounded"][measure]
                assert abs(rounded["estimate"] - exact["estimate"]) <= \
                    0.02 * abs(exact["estimate"])
                assert rounded["lower"] < rounded["estimate"] < rounded["upper"]
        assert scenario["worst"]["meanChange"]["estimate"]["value"] <= 0.02
    text = (ROOT / "benchmarks" / "RESULTS.md").read_text()
    assert "## Meta-analysis of rounded, published aggregates" in text
    assert "The unbiased variance" in text and "**met**" in text


def test_a_broken_rich_file_costs_about_what_a_clean_one_does():
    # benchmarks/rich.py on 1,000 projects shaped like the examples: the recorded processor
    # times, not a timing of this test
    from benchmarks.rich import derived

    result = json.loads((RESULTS / "rich-1000.json").read_text())
    more = derived(result)
    assert more["brokenOverClean"] <= 1.5, more
    assert {"coprod validate --jobs 1, clean", "coprod validate --jobs 1, broken",
            "pure jsonschema, clean", "pure jsonschema, broken"} <= set(result["runs"])


def test_where_the_checks_time_goes_is_recorded_check_by_check():
    """benchmarks/checks.py: every check measured on both corpora, the shares adding up,
    and its RESULTS.md section the one its recorded results write."""
    from benchmarks.checks import END, START, section
    from coprod_standard.checks import catalogue

    result = json.loads((RESULTS / "checks.json").read_text())
    codes = {chk.code for chk in catalogue() if "publish" in chk.levels}
    for kind in ("synthetic", "rich"):
        corpus = result["corpora"][kind]
        assert corpus["projects"] >= 100 and corpus["checksMicroseconds"] > 0
        measured = {row["code"] for row in corpus["byCheck"]}
        assert measured <= codes and len(measured) == corpus["checksRun"] >= 90
        assert abs(sum(row["share"] for row in corpus["byCheck"]) - 1) < 0.01
    text = (ROOT / "benchmarks" / "RESULTS.md").read_text()
    assert START + "\n" + section(result) + END in text
