"""The selections of `coprod compare` are the documented SQL (docs/research.md,
'Selecting what is compared'): a compare of one intervention type pools or lists exactly
the results the query returns, and the design the query gives is the one each pooled
result is analysed under."""

from __future__ import annotations

import re

import duckdb
import pytest

from coprod_standard.research.combine import combine
from coprod_standard.research.compare import compare
from coprod_standard.research.findings import Selection
from coprod_standard.research.sources import expand
from tests.conftest import ROOT


def _queries() -> list[str]:
    text = (ROOT / "docs" / "research.md").read_text(encoding="utf-8")
    section = text.split("\n## Selecting what is compared\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.S)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("selection")
    sources = [str(ROOT / "tests" / "fixtures" / "compare"), str(ROOT / "examples")]
    combine(expand(sources, []), folder / "s.duckdb")
    return folder / "s.duckdb"


def test_a_compare_of_one_intervention_type_reads_what_the_sql_selects(store):
    con = duckdb.connect(str(store), read_only=True)
    selected = set(con.execute(_queries()[0]).fetchall())
    everything = compare(store)
    found = compare(store, Selection(intervention_types=("befriending",)))
    read = {s.key for a in found.analyses for s in a.pooled.studies}
    read |= {(i.dataset, i.project, i.outcome, i.indicator, i.report)
             for i in found.left_out if i.reason != "not-selected"}
    assert read == selected
    # the selection leaves something out, and keeps something to pool
    assert len(selected) < len(everything.left_out) + len(_pooled(everything))
    assert found.analyses
    outside = {i.project for i in found.left_out if i.reason == "not-selected"}
    assert "GB-CHC-9990701-friends-at-the-door-selected-out" in outside


def test_the_sql_design_is_the_design_each_result_is_pooled_under(store):
    con = duckdb.connect(str(store), read_only=True)
    designs = {row[:5]: row[5] for row in con.execute(_queries()[1]).fetchall()}
    found = compare(store)
    assert {a.stratum.design for a in found.analyses} >= {"before-after", "non-randomised"}
    for analysis in found.analyses:
        for study in analysis.pooled.studies:
            if not study.basis.startswith("change from baseline (the comparison"):
                assert designs[study.key] == analysis.stratum.design, study.key


def _pooled(found) -> set[tuple]:
    return {s.key for a in found.analyses for s in a.pooled.studies}


def test_each_selection_narrows_the_results_read(store):
    everything = compare(store)
    total = len(everything.left_out) + len(_pooled(everything))
    for selection in (Selection(settings=("community",)),
                      Selection(client_groups=("older-people",)),
                      Selection(ladder_levels=("co-production",)),
                      Selection(designs=("before-after",)),
                      Selection(populations=("mixed",)),
                      Selection(years=(2025, 2025))):
        found = compare(store, selection)
        kept = [i for i in found.left_out if i.reason not in ("not-selected",
                                                              "different-population")]
        assert len(found.left_out) + len(_pooled(found)) == total
        assert len(kept) + len(_pooled(found)) < total, selection
