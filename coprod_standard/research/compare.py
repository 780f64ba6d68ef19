"""compare(store) -> the findings across projects: how far up the ladder they went, how the
principles were met, which outcomes and instruments were used, what participation cost,
and what the outcomes add up to: random-effects meta-analyses made separately for each
design, population measured and window of months since baseline, with every result that
is not pooled listed with its reason."""

from __future__ import annotations

from pathlib import Path

from ..checks.data import LADDER
from .analyses import meta_analyses
from .costs import cost_rows
from .findings import Analysis, Findings, LeftOut, Selection, Settings
from .store import records_checks as _recorded

__all__ = ["Analysis", "Findings", "LeftOut", "compare", "meta_analyses"]


def _sources(con) -> list[tuple]:
    """One row per dataset: source, publisher, version, status, projects, the policy and
    level it was checked at, and why it was kept out. A dataset checked below the publish
    level is "valid at draft level only", never simply valid."""
    checked = ("disclosure_policy, disclosure_policy_from, checked_level" if _recorded(con)
               else "NULL, NULL, NULL")
    rows = con.execute(f"SELECT source, publisher, version, status, projects, {checked}, "
                       "reason FROM datasets ORDER BY source").fetchall()
    out = []
    for source, publisher, version, status, projects, policy, origin, level, reason in rows:
        if status == "valid" and level and level != "publish":
            status = f"valid at {level} level only"
        if policy and origin == "default":
            policy = f"{policy} (not recorded: the default)"
        out.append((source, publisher, version, status, projects, policy, level, reason))
    return out


def compare(store: str | Path, selection: Selection | None = None,
            settings: Settings | None = None) -> Findings:
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    found = Findings(selection=selection or Selection(), settings=settings or Settings())
    found.sources = _sources(con)
    counts = dict(con.execute("SELECT participation_level, count(*) FROM projects "
                              "GROUP BY 1").fetchall())
    found.ladder = [(level, counts.get(level, 0)) for level in LADDER]
    found.principles = con.execute("SELECT principle, status, count(*) FROM principles "
                                   "GROUP BY 1, 2 ORDER BY 1, 2").fetchall()
    found.domains = con.execute("SELECT domain, result_level, count(*) FROM outcomes "
                                "GROUP BY 1, 2 ORDER BY 3 DESC, 1").fetchall()
    found.instruments = con.execute("SELECT instrument, score_type, count(DISTINCT "
                                    "dataset_id || project_id) FROM indicators GROUP BY 1, 2 "
                                    "ORDER BY 3 DESC, 1, 2").fetchall()
    found.costs = cost_rows(con, publishable_only=True)
    found.analyses, found.left_out, found.not_pooled = meta_analyses(
        con, _recorded(con), found.selection, found.settings)
    con.close()
    return found
