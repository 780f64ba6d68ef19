"""compare(store) -> the findings across projects: how far up the ladder they went, how the
principles were met, which outcomes and instruments were used, what participation cost,
and what the outcomes add up to (random-effects meta-analyses)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checks import POLICIES
from ..checks.data import LADDER
from ..instruments.disclosure import Policy
from .costs import cost_rows
from .meta import (
    Pooled,
    Study,
    caveats,
    change_variance,
    dersimonian_laird,
    standardised,
)

TIMEPOINT_ORDER = {"interim": 1, "end": 2, "follow-up": 3}


@dataclass
class Analysis:
    title: str
    slug: str
    measure: str  # "mean change" (one scale) or "standardised mean difference"
    pooled: Pooled
    notes: list[str]


@dataclass
class Findings:
    sources: list[tuple] = field(default_factory=list)  # one row per dataset combined
    ladder: list[tuple[str, int]] = field(default_factory=list)
    principles: list[tuple[str, str, int]] = field(default_factory=list)
    domains: list[tuple[str, str, int]] = field(default_factory=list)
    instruments: list[tuple[str, str, int]] = field(default_factory=list)
    costs: list[tuple[str, str, float, int, float | None]] = field(default_factory=list)
    analyses: list[Analysis] = field(default_factory=list)
    not_pooled: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """How many datasets, by status ("valid at draft level only" for a dataset checked
        below the publish level), and how many projects."""
        counts: dict[str, int] = {}
        for row in self.sources:
            counts[row[3]] = counts.get(row[3], 0) + 1
        parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        projects = sum(n for _, n in self.ladder)
        return (f"{len(self.sources)} dataset{'s' if len(self.sources) != 1 else ''} "
                f"({parts}), {projects} project{'s' if projects != 1 else ''} analysed")


def _recorded(con) -> bool:
    """Whether the store records each dataset's policy and level (coprod 0.x stores made
    before issue 18 do not)."""
    found = con.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                        "'datasets' AND column_name IN ('disclosure_policy', "
                        "'checked_level')").fetchone()
    return bool(found) and found[0] == 2


def _effects(con) -> list[dict[str, Any]]:
    """For each project and indicator, its latest change from baseline (whole group), with
    the disclosure policy and level its dataset was checked at."""
    checked = "d.disclosure_policy, d.checked_level" if _recorded(con) else "NULL, NULL"
    rows = con.execute(f"""
        SELECT r.dataset_id, r.project_id, p.title, o.domain, i.instrument, i.score_type,
               i.higher_is_better, r.timepoint, r.change_n, r.change_mean, r.change_sd,
               r.change_ci95_lower, r.change_ci95_upper, {checked}
        FROM indicator_reports r
        JOIN indicators i USING (dataset_id, project_id, outcome_id, indicator_id)
        JOIN outcomes o USING (dataset_id, project_id, outcome_id)
        JOIN projects p USING (dataset_id, project_id)
        JOIN datasets d ON d.dataset_id = r.dataset_id AND d.status = 'valid'
        WHERE r.change_mean IS NOT NULL AND r.subgroup_dimension IS NULL
          AND (r.suppressed IS NULL OR NOT r.suppressed)""").fetchall()
    names = ["dataset", "project", "title", "domain", "instrument", "score_type", "higher",
             "timepoint", "n", "mean", "sd", "lower", "upper", "policy", "level"]
    best: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        item = dict(zip(names, row, strict=True))
        key = (item["dataset"], item["project"], item["score_type"])
        rank = (TIMEPOINT_ORDER.get(item["timepoint"], 0), item["n"] or 0)
        if key not in best or rank > best[key]["rank"]:
            best[key] = {**item, "rank": rank}
    return list(best.values())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _one_per_project(items: list[dict]) -> tuple[list[dict], int]:
    """Projects must count once in a pooled estimate: where a project gives more than one
    result, keep the one from the most people (then the first by scale name)."""
    chosen: dict[tuple, dict] = {}
    for item in sorted(items, key=lambda i: (-(i["n"] or 0), i["score_type"])):
        chosen.setdefault((item["dataset"], item["project"]), item)
    return list(chosen.values()), len(items) - len(chosen)


def _scale(item: dict) -> str:
    """Bespoke instruments share a score name but not a scale: each is its own."""
    if item["instrument"] == "bespoke":
        return f"bespoke:{item['dataset']}:{item['project']}:{item['score_type']}"
    return item["score_type"]


def _dropped_note(dropped: int) -> list[str]:
    if not dropped:
        return []
    return [f"{dropped} further result{'s' if dropped != 1 else ''} from projects already "
            "counted left out, so that each project counts once (the result from the most "
            "people is used)."]


def _bucket(item: dict) -> range | None:
    """Every true count the result's published n may stand for, under its dataset's
    policy (None when the store does not say the policy)."""
    n, policy = item["n"], item["policy"]
    return Policy(policy).bucket(int(n)) if policy in POLICIES and n else None


def _variance(item: dict) -> float | None:
    """The variance of a mean change, read under its dataset's policy: a count published
    rounded (nhs-digital) stands for any count in its bucket, so 1/n is the mean of 1/k
    over the bucket (``meta.inverse_n``); a count published as it is gives 1/n."""
    return change_variance(item["n"], item["sd"], item["lower"], item["upper"],
                           _bucket(item))


def _smd(item: dict) -> tuple[float, float]:
    """The standardised mean change and its variance, (1 + d^2/2) x 1/n, with 1/n read
    over the rounding bucket as for a mean change."""
    return standardised(item["mean"], item["sd"], item["n"], bool(item["higher"]),
                        _bucket(item))


def _publishable(con, effects: list[dict]) -> tuple[list[dict], list[str]]:
    """The results of datasets checked at the publish level; a note on the datasets left
    out (checked only at a lower level: small numbers may be unsuppressed) and on a store
    that does not say the level."""
    if not _recorded(con):
        return effects, ["This store does not record the level or disclosure policy each "
                         "dataset was checked at (it was made by an earlier coprod), so "
                         "every count is read as exact. Rebuild it with 'coprod combine'."]
    below = dict(con.execute("SELECT dataset_id, checked_level FROM datasets WHERE status = "
                             "'valid' AND checked_level <> 'publish'").fetchall())
    if not below:
        return effects, []
    levels = " or ".join(sorted(set(below.values())))
    count = len(below)
    note = (f"{count} dataset{'s' if count != 1 else ''} checked only at {levels} level "
            f"{'are' if count != 1 else 'is'} left out of every pooled estimate: at that "
            "level small numbers may be unsuppressed, so the figures are not fit to publish. "
            "To include them, fix them and rebuild the store with 'coprod combine --level "
            "publish'.")
    return [i for i in effects if i["dataset"] not in below], [note]


def meta_analyses(con) -> tuple[list[Analysis], list[str]]:
    effects, not_pooled = _publishable(con, _effects(con))
    analyses = []
    by_score: dict[str, list[dict]] = {}
    for item in effects:
        if item["instrument"] not in ("bespoke", "count"):
            by_score.setdefault(item["score_type"], []).append(item)
    for score_type, items in sorted(by_score.items()):
        items = [i for i in items if _variance(i)]
        if len({(i["dataset"], i["project"]) for i in items}) < 2:
            not_pooled.append(f"{score_type}: measured by only one project with the data "
                              "needed (a change from baseline with its SD or 95% interval), "
                              "so there is nothing to pool.")
            continue
        studies = [Study(i["title"], i["mean"], _variance(i), i["n"]) for i in items]
        pooled = dersimonian_laird(studies)
        direction = ("Higher scores are better." if items[0]["higher"] else
                     "Lower scores are better, so a fall is an improvement.")
        analyses.append(Analysis(f"{score_type}: change from baseline", _slug(score_type),
                                 "mean change (points)", pooled,
                                 [direction, *caveats(pooled)]))
    by_domain: dict[str, list[dict]] = {}
    for item in effects:
        if item["sd"] and item["n"] and item["n"] >= 2 and item["instrument"] != "count" \
                and item["higher"] is not None:
            by_domain.setdefault(item["domain"], []).append(item)
    for domain, items in sorted(by_domain.items()):
        if len({_scale(i) for i in items}) < 2:
            continue  # one scale: pooled above as a mean change
        items, dropped = _one_per_project(items)
        if len(items) < 2:
            continue
        studies = []
        for i in items:
            d, variance = _smd(i)
            studies.append(Study(f"{i['title']} ({i['score_type']})", d, variance, i["n"]))
        pooled = dersimonian_laird(studies)
        analyses.append(Analysis(f"{domain}: standardised change across instruments",
                                 _slug(f"smd-{domain}"), "standardised mean difference "
                                 "(improvement positive)", pooled,
                                 caveats(pooled, mixed_scales=True) + _dropped_note(dropped)))
    return analyses, not_pooled


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


def compare(store: str | Path) -> Findings:
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    found = Findings()
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
    found.analyses, found.not_pooled = meta_analyses(con)
    con.close()
    return found
