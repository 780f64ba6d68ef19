"""The recorded benchmark results exist, include the peers measured in the same run, and
meet their targets. (Nothing is timed here: see benchmarks/.)"""

from __future__ import annotations

import json

from tests.conftest import ROOT

RESULTS = ROOT / "benchmarks" / "results"


def test_tabular_conversion_meets_its_target_and_beats_flatten_tool():
    result = json.loads((RESULTS / "tabular-100000.json").read_text())
    assert result["rows"] >= 99_000
    csv = result["ours"]["csv"]
    assert csv["rowsPerSecond"] >= 100_000 and csv["peakMB"] <= 150
    assert result["ours"]["xlsx"]["peakMB"] <= 150
    peers = result["peers"]
    assert {"flatten-tool csv+sourcemap", "flatten-tool xlsx+sourcemap"} <= set(peers)
    assert peers["flatten-tool csv+sourcemap"]["seconds"] > 10 * csv["seconds"]


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
