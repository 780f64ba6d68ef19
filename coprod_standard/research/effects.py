"""Every result after baseline in the store, read as an effect a reviewer could pool: its
design (randomised or another comparison group, or before and after), whose outcome it is
(population), when it was measured (months since baseline, stated or worked out from the
periods), its scale, and its effect on that scale and standardised. A result that cannot
be used says why (a reason code from findings.REASONS)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..checks import POLICIES
from ..instruments.disclosure import Policy
from .findings import NOT_STATED
from .meta import change_variance, from_interval, hedges_g, mean_difference, standardised

TIMEPOINT_ORDER = {"interim": 1, "end": 2, "follow-up": 3}
DAYS_A_MONTH = 365.25 / 12
NOT_SCORES = ("count",)  # instruments whose results are counts or percentages

COLUMNS = {
    "dataset": "r.dataset_id", "source": "r.source", "project": "r.project_id",
    "title": "p.title", "outcome": "r.outcome_id", "indicator": "r.indicator_id",
    "report": "r.report_id", "indicator_title": "i.title", "domain": "o.domain",
    "instrument": "i.instrument",
    "score_type": "i.score_type", "unit": "i.unit", "higher": "i.higher_is_better",
    "timepoint": "r.timepoint", "months": "r.months_since_baseline",
    "start": "r.period_start_date", "end": "r.period_end_date",
    "population": "r.population", "subgroup": "r.subgroup_dimension",
    "suppressed": "r.suppressed", "n": "r.n", "mean": "r.mean", "sd": "r.sd",
    "change_n": "r.change_n", "change_mean": "r.change_mean", "change_sd": "r.change_sd",
    "change_lower": "r.change_ci95_lower", "change_upper": "r.change_ci95_upper",
    "cg_formation": "r.comparison_group_formation", "cg_n": "r.comparison_group_n",
    "cg_mean": "r.comparison_group_mean", "cg_sd": "r.comparison_group_sd",
    "cg_change_n": "r.comparison_group_change_n",
    "cg_change_mean": "r.comparison_group_change_mean",
    "cg_change_sd": "r.comparison_group_change_sd",
    "cg_suppressed": "r.comparison_group_suppressed",
    "adj_measure": "r.adjusted_effect_measure", "adj_value": "r.adjusted_effect_value",
    "adj_lower": "r.adjusted_effect_ci95_lower", "adj_upper": "r.adjusted_effect_ci95_upper",
    "design_recorded": "p.evaluation_design", "level": "p.participation_level",
    "intervention_types": "p.intervention_types", "settings": "p.settings",
    "client_groups": "p.client_groups",
}


@dataclass
class Effect:
    """One result's effect, on its own scale (`value`, `variance`) and standardised
    (`smd`, `smd_variance`, improvement positive); None where it cannot be worked out."""
    value: float | None = None
    variance: float | None = None
    smd: float | None = None
    smd_variance: float | None = None
    n: int | None = None  # the people it stands for (both groups when controlled)
    basis: str = ""  # "adjusted", "change scores", "scores at this timepoint", ...


def _columns_present(con) -> set[str]:
    rows = con.execute("SELECT table_name || '.' || column_name FROM "
                       "information_schema.columns").fetchall()
    return {r[0] for r in rows}


def results(con, policies: bool) -> list[dict[str, Any]]:
    """Every whole-group and subgroup result after baseline in a valid dataset, with its
    project's context and its dataset's policy and checked level."""
    checked = "d.disclosure_policy, d.checked_level" if policies else "NULL, NULL"
    select = ", ".join(f"{sql} AS {name}" for name, sql in COLUMNS.items())
    rows = con.execute(f"""
        SELECT {select}, {checked}
        FROM indicator_reports r
        JOIN indicators i USING (dataset_id, project_id, outcome_id, indicator_id)
        JOIN outcomes o USING (dataset_id, project_id, outcome_id)
        JOIN projects p USING (dataset_id, project_id)
        JOIN datasets d ON d.dataset_id = r.dataset_id AND d.status = 'valid'
        WHERE r.timepoint IS DISTINCT FROM 'baseline'
        ORDER BY r.dataset_id, r.project_id, r.outcome_id, r.indicator_id, r.report_id
        """).fetchall()
    names = [*COLUMNS, "policy", "checked_level"]
    found = [dict(zip(names, row, strict=True)) for row in rows]
    baselines = _baselines(con)
    codes = _codes(con)
    for item in found:
        key = (item["dataset"], item["project"], item["outcome"], item["indicator"])
        item["codes"] = codes.get(key, ())
        item["months_from"] = "stated" if item["months"] is not None else None
        if item["months"] is None and key in baselines and item["start"] and item["end"]:
            item["months"] = _months(baselines[key], (item["start"], item["end"]))
            item["months_from"] = "periods"
        item["population"] = item["population"] or NOT_STATED
    return found


def _baselines(con) -> dict[tuple, tuple[date, date]]:
    """The whole group's baseline period for each indicator."""
    rows = con.execute("""
        SELECT dataset_id, project_id, outcome_id, indicator_id,
               min(period_start_date), max(period_end_date)
        FROM indicator_reports WHERE timepoint = 'baseline' AND subgroup_dimension IS NULL
          AND period_start_date IS NOT NULL AND period_end_date IS NOT NULL
        GROUP BY 1, 2, 3, 4""").fetchall()
    return {tuple(r[:4]): (r[4], r[5]) for r in rows}


def _codes(con) -> dict[tuple, tuple[str, ...]]:
    """Each indicator's standard codes, as 'system|code', sorted."""
    rows = con.execute("SELECT dataset_id, project_id, outcome_id, indicator_id, "
                       "list_sort(list(system || '|' || code)) FROM indicator_codes "
                       "GROUP BY 1, 2, 3, 4").fetchall()
    return {tuple(r[:4]): tuple(r[4]) for r in rows}


def _months(baseline: tuple[date, date], period: tuple[date, date]) -> float:
    """Months between the middles of the baseline's period and the result's, to 0.1."""
    def middle(p: tuple[date, date]) -> float:
        return (p[0].toordinal() + p[1].toordinal()) / 2
    return round(max(middle(period) - middle(baseline), 0.0) / DAYS_A_MONTH, 1)


def scale(item: dict[str, Any]) -> str | None:
    """The scale a result is on, shared by every result that can be pooled with it: a
    registry instrument's score type; for a bespoke measure or a count, its standard codes
    and unit when it gives codes (the same codes and unit are the same measure), else a
    scale of its own (a bespoke measure) or none (a count)."""
    if item["instrument"] not in ("bespoke", *NOT_SCORES):
        return item["score_type"]
    if item["codes"]:
        return f"coded:{','.join(item['codes'])}:{item['unit'] or ''}"
    if item["instrument"] == "bespoke":
        return f"bespoke:{item['dataset']}:{item['project']}:{item['indicator']}"
    return None


def _bucket(item: dict[str, Any], n: int | None) -> range | None:
    policy = item["policy"]
    return Policy(policy).bucket(int(n)) if policy in POLICIES and n else None


def _better(item: dict[str, Any]) -> bool | None:
    return None if item["higher"] is None else bool(item["higher"])


def design(item: dict[str, Any]) -> str:
    """randomised / non-randomised when the result compares with a comparison group (its
    figures or an adjusted effect are given and not withheld), else before-after."""
    controlled = item["adj_value"] is not None or (
        not item["cg_suppressed"] and item["cg_n"] is not None
        and (item["cg_mean"] is not None or item["cg_change_mean"] is not None))
    if not controlled:
        return "before-after"
    randomised = item["cg_formation"] == "randomised" or (
        item["cg_formation"] is None and item["design_recorded"] == "randomised")
    return "randomised" if randomised else "non-randomised"


def effect(item: dict[str, Any], kind: str) -> tuple[Effect | None, str | None]:
    """The result's effect for its design KIND, or (None, reason code)."""
    if kind == "before-after":
        return _before_after(item)
    return _controlled(item)


def _before_after(item: dict[str, Any]) -> tuple[Effect | None, str | None]:
    mean, n = item["change_mean"], item["change_n"]
    if mean is None:
        return None, "no-effect"
    if not n or n < 2:
        return None, "n-under-2"
    variance = change_variance(n, item["change_sd"], item["change_lower"],
                               item["change_upper"], _bucket(item, n))
    if not variance:
        return None, "no-spread"
    found = Effect(mean, variance, n=n, basis="change from baseline")
    better = _better(item)
    if item["change_sd"] and better is not None and n >= 3:  # Hedges' J needs n of 3
        found.smd, found.smd_variance = standardised(mean, item["change_sd"], n, better,
                                                     _bucket(item, n))
    return found, None


def _pair(item: dict[str, Any], prefix: str) -> tuple | None:
    """(m1, sd1, n1, m2, sd2, n2) for the project's and comparison group's scores
    (prefix "") or changes (prefix "change_"), or None when a figure is missing."""
    own = (item[f"{prefix}mean"], item[f"{prefix}sd"],
           item["change_n"] if prefix else item["n"])
    other = (item[f"cg_{prefix}mean"], item[f"cg_{prefix}sd"],
             item["cg_change_n"] if prefix else item["cg_n"])
    figures = (*own, *other)
    if any(v is None for v in figures) or own[2] < 2 or other[2] < 2 or not own[1] \
            or not other[1]:
        return None
    return figures


def _controlled(item: dict[str, Any]) -> tuple[Effect | None, str | None]:
    """Project group minus comparison group: an adjusted mean difference as reported,
    else from the changes, else from the scores at this timepoint; the standardised
    difference (Hedges' g) from an adjusted SMD, else from the scores, else the changes."""
    found = Effect()
    better = _better(item)
    sign = 1 if better in (True, None) else -1
    if item["adj_measure"] in ("mean-difference", "standardised-mean-difference") and \
            item["adj_lower"] is not None and item["adj_upper"] is not None:
        variance = from_interval(item["adj_value"], item["adj_lower"], item["adj_upper"])
        if variance is None:  # an interval that is empty or leaves out the value
            pass
        elif item["adj_measure"] == "mean-difference":
            found.value, found.variance, found.basis = item["adj_value"], variance, "adjusted"
        elif better is not None:
            found.smd, found.smd_variance = sign * item["adj_value"], variance
            found.basis = "adjusted"
    changes, scores = _pair(item, "change_"), _pair(item, "")
    if found.value is None:
        for figures, basis in ((changes, "change scores"), (scores, "scores")):
            if figures:
                buckets = (_bucket(item, figures[2]), _bucket(item, figures[5]))
                found.value, found.variance = mean_difference(*figures, *buckets)
                found.basis = basis
                break
    if found.smd is None and better is not None:
        for figures in (scores, changes):
            if figures:
                buckets = (_bucket(item, figures[2]), _bucket(item, figures[5]))
                g, found.smd_variance = hedges_g(*figures, *buckets)
                found.smd = sign * g
                break
    if found.value is None and found.smd is None:
        fallback, _ = _before_after(item)
        if fallback is not None:  # the comparison group's figures cannot be used
            fallback.basis = "change from baseline (the comparison group's figures are " \
                             "incomplete)"
            return fallback, None
        if item["adj_measure"] and item["adj_measure"] not in (
                "mean-difference", "standardised-mean-difference"):
            return None, "ratio-measure"
        people = [item["n"], item["cg_n"], item["change_n"], item["cg_change_n"]]
        if any(v is not None and v < 2 for v in people):
            return None, "n-under-2"
        return None, "no-spread"
    used = scores or changes
    found.n = (used[2] + used[5]) if used else (item["n"] or 0) + (item["cg_n"] or 0)
    return found, None
