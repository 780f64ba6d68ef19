"""`coprod compare` pools separately by design, population and window, and leaves out no
result silently: every exclusion reason has a fixture (tests/fixtures/compare, built by
make_compare_fixtures.py) whose result is listed with that reason, in the findings and in
tables/not-pooled.csv."""

from __future__ import annotations

import csv
import math
import re
import shutil

import duckdb
import pytest
from click.testing import CliRunner

from coprod_standard.cli import cli as main
from coprod_standard.research.combine import combine
from coprod_standard.research.compare import compare
from coprod_standard.research.findings import REASONS, Selection, Settings, window_of
from coprod_standard.research.sources import expand
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "compare"
BASE = "GB-CHC-9990701-friends-at-the-door-"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("strata")
    result = combine(expand([str(FIXTURES)], []), folder / "s.duckdb")
    assert {d["status"] for d in result.datasets} == {"valid"}
    return folder / "s.duckdb"


@pytest.fixture(scope="module")
def draft_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("draft")
    for name in ("a.json", "draft/n-under-2.json"):
        shutil.copy(FIXTURES / name, folder / name.replace("/", "-"))
    result = combine(expand([str(folder)], []), folder / "d.duckdb", level="draft")
    assert {d["status"] for d in result.datasets} == {"valid"}
    return folder / "d.duckdb"


def _reasons(found) -> dict[tuple[str, str], str]:
    return {(item.project.removeprefix(BASE), item.report): item.reason
            for item in found.left_out if item.indicator in ("ind-ucla",
                                                              "ind-bespoke-lonely")}


def test_each_reason_fixture_is_left_out_with_its_reason(store):
    reasons = _reasons(compare(store))
    for case in ("suppressed", "subgroup", "no-effect", "no-spread", "ratio-measure",
                 "outside-window", "nothing-to-pool", "superseded", "project-counted"):
        found = {report: why for (project, report), why in reasons.items()
                 if report == f"r-{case}"}
        assert set(found.values()) == {case}, (case, found)
    assert reasons[("population", "r-different-population")] == "nothing-to-pool"
    # a project counts once: declared the same as another, or published twice
    assert reasons[("same-as", "r-same-as")] == "project-counted"
    assert reasons[("b", "r-republished")] == "project-counted"


def test_the_counts_are_not_scores_and_draft_datasets_are_never_pooled(store, draft_store):
    found = compare(store)
    gp = [i for i in found.left_out if i.indicator == "ind-gp"]
    assert gp and {i.reason for i in gp} == {"not-a-score"}
    draft = _reasons(compare(draft_store))
    assert draft[("n-under-2", "r-n-under-2")] == "n-under-2"
    assert draft[("a", "r-ucla-end")] == "draft-level"
    assert not compare(draft_store).analyses


def test_selections_leave_out_other_projects_and_populations(store):
    found = compare(store, Selection(intervention_types=("befriending",),
                                     populations=("mixed",)))
    reasons = _reasons(found)
    assert reasons[("selected-out", "r-not-selected")] == "not-selected"
    assert reasons[("population", "r-different-population")] == "different-population"
    assert reasons[("nothing-to-pool", "r-nothing-to-pool")] == "different-population"
    assert found.analyses  # a, b and c still pool


def test_designs_populations_and_windows_are_pooled_apart(store):
    found = compare(store)
    by_title = {a.title: a for a in found.analyses}
    strata = {(a.stratum.design, a.stratum.population, a.stratum.window, a.scale)
              for a in found.analyses}
    up_to_12 = window_of(12)
    assert ("before-after", "mixed", up_to_12, "ucla3-total") in strata
    assert ("non-randomised", "mixed", up_to_12, "ucla3-total") in strata
    assert ("before-after", "mixed", up_to_12, "social-connection") in strata
    for analysis in found.analyses:
        keys = [s.key[:2] for s in analysis.pooled.studies]
        assert len(keys) == len(set(keys))  # each project once
        # the title says the design, population and window
        assert "before and after" in analysis.title or "comparison" in analysis.title
        assert analysis.stratum.window in analysis.title
        population = {"mixed": "mixed sample", "wider-community": "wider community",
                      "service-users": "people using the co-produced service"}
        assert population[analysis.stratum.population] in analysis.title
    controlled = next(a for t, a in by_title.items() if "non-randomised" in t)
    bases = {s.basis for s in controlled.pooled.studies}
    assert bases == {"adjusted", "change scores"}
    assert controlled.pooled.k == 2
    adjusted = next(s for s in controlled.pooled.studies if s.basis == "adjusted")
    assert adjusted.effect == -0.6  # the evaluation's own adjusted mean difference


def test_nothing_is_pooled_twice_or_lost(store):
    found = compare(store)
    con = duckdb.connect(str(store), read_only=True)
    after_baseline = con.execute("SELECT count(*) FROM indicator_reports WHERE timepoint "
                                 "<> 'baseline'").fetchone()[0]
    pooled = {s.key for a in found.analyses for s in a.pooled.studies}
    left = {(i.dataset, i.project, i.outcome, i.indicator, i.report) for i in found.left_out}
    assert not pooled & left
    assert len(pooled | left) == after_baseline == len(pooled) + len(found.left_out)


def test_windows_are_a_setting(store):
    narrow = compare(store, settings=Settings(windows=(6.0, 12.0)))
    windows = {a.stratum.window for a in narrow.analyses}
    assert windows <= {window_of(6, (6.0, 12.0)), window_of(12, (6.0, 12.0))}
    found = _reasons(narrow)
    assert found[("outside-window", "r-outside-window")] == "outside-window"
    assert window_of(None) == "not-stated" and window_of(61) is None


def test_the_command_lists_every_result_left_out(store, tmp_path):
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["compare", str(store), "--out", str(out),
                                       "--method", "REML", "--hksj",
                                       "--intervention-type", "befriending"])
    assert result.exit_code == 0, result.output
    assert "results not pooled" in result.output
    rows = list(csv.DictReader((out / "tables" / "not-pooled.csv").open(encoding="utf-8")))
    found = compare(store, Selection(intervention_types=("befriending",)),
                    Settings("REML", True))
    assert len(rows) == len(found.left_out)
    assert sorted(row["Reason"] for row in rows) == sorted(i.reason for i in found.left_out)
    assert all(row["Reason sentence"].startswith(REASONS[row["Reason"]]) for row in rows)


def test_unknown_codes_and_bad_windows_are_usage_errors(store, tmp_path):
    for args in (["--population", "befrienders"], ["--windows", "12,6"],
                 ["--intervention-type", "knitting"], ["--from-year", "2026",
                                                       "--to-year", "2020"]):
        result = CliRunner().invoke(main, ["compare", str(store), "--out",
                                           str(tmp_path / "r"), *args])
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output


def test_the_documented_reasons_are_the_codes_reasons():
    text = (ROOT / "docs" / "research.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| `([a-z0-9-]+)` \| (.+?) \|$", text.split(
        "| Reason | Meaning |", 1)[1].split("\n\n", 1)[0], flags=re.M))
    assert documented == REASONS


@pytest.mark.parametrize("change", [
    "change_mean = 1e308, change_sd = 1e-300",
    "change_sd = 0, change_ci95_lower = 1, change_ci95_upper = 1",
    "change_n = 2, n = 2, comparison_group_n = 1",
    "comparison_group_mean = -1e308, comparison_group_sd = 1e308",
    "adjusted_effect_ci95_lower = 5, adjusted_effect_ci95_upper = -5",
    "months_since_baseline = 1e308",
])
def test_a_store_with_hostile_figures_is_compared_without_crashing(store, tmp_path, change):
    """A store is a file anyone can edit: whatever its figures, compare finishes, and
    every result after baseline is pooled or listed with a reason."""
    copy = tmp_path / "hostile.duckdb"
    shutil.copy(store, copy)
    con = duckdb.connect(str(copy))
    con.execute(f"UPDATE indicator_reports SET {change} WHERE timepoint <> 'baseline'")
    con.close()
    found = compare(copy, settings=Settings("REML", True))
    pooled = {s.key for a in found.analyses for s in a.pooled.studies}
    con = duckdb.connect(str(copy), read_only=True)
    total = con.execute("SELECT count(*) FROM indicator_reports WHERE timepoint <> "
                        "'baseline'").fetchone()[0]
    assert len(pooled) + len(found.left_out) == total
    for analysis in found.analyses:
        assert all(math.isfinite(v) for v in (analysis.pooled.estimate, analysis.pooled.lower,
                                              analysis.pooled.upper))
