"""Aggregates as indicators that stand alone, or merged into a dataset's project."""

from __future__ import annotations

import copy
from typing import Any

from ..codelists import find_codelist
from ..schemas import latest_version
from .registry import Instrument
from .run import Run


class MergeError(Exception):
    """The results could not be placed in the dataset; the message says what to add."""


def _codes(name: str) -> set[str]:
    return set(find_codelist(latest_version(), name).code_values())


def indicator(instrument: Instrument, score_type: str, reports: list[dict]) -> dict[str, Any]:
    """An indicator object (as in the schema) carrying the reports."""
    score = instrument.score(score_type)
    known = instrument.code in _codes("instrument")
    out: dict[str, Any] = {
        "id": score_type, "title": f"{instrument.title}: {score_type}",
        "instrument": instrument.code if known else "bespoke",
        "scoreType": score_type if score_type in _codes("score-type") else "bespoke-score",
        "unit": "points", "higherIsBetter": score.higher_is_better if score else True,
    }
    change = instrument.meaningful_change
    if change and change["scoreType"] == score_type:
        out["meaningfulChange"] = {"value": change["value"], "source": change["source"]}
    licence = instrument.licence
    out["instrumentLicence"] = {"licensor": licence["licensor"], "type": licence["type"]}
    out["reports"] = reports
    return out


def _same_threshold(target: dict, instrument: Instrument, score_type: str) -> list[str]:
    """The proportion improved was worked out with the registry's threshold, so the
    indicator must state that threshold: set it, and say so, if it said another."""
    value = instrument.threshold(score_type)
    stated = target.get("meaningfulChange")
    if value is None or (isinstance(stated, dict) and stated.get("value") == value):
        return []
    target["meaningfulChange"] = {"value": value,
                                  "source": instrument.meaningful_change["source"]}
    before = stated.get("value") if isinstance(stated, dict) else None
    return [f"{score_type}: the indicator's meaningful change is now {value:g}, the "
            f"registered threshold the proportion improved was worked out with"
            + (f" (it said {before:g})." if isinstance(before, (int, float)) else ".")]


def standalone(run: Run) -> dict[str, Any]:
    """The aggregates on their own: one indicator per instrument score."""
    return {"indicators": [indicator(run.instruments[code], score_type, reports)
                           for (code, score_type), reports in run.reports.items()]}


def merge(dataset: dict[str, Any], project_id: str, run: Run) -> tuple[dict, list[str]]:
    """A copy of the dataset with the results placed under the project's matching
    indicators (same instrument and score type), and a sentence for each change."""
    merged = copy.deepcopy(dataset)
    projects = [p for p in merged.get("projects", []) if isinstance(p, dict)]
    project = next((p for p in projects if p.get("id") == project_id), None)
    if project is None:
        ids = ", ".join(str(p.get("id")) for p in projects) or "none"
        raise MergeError(f"The dataset has no project '{project_id}'. Its projects: {ids}.")
    notes, placed = [], 0
    for (code, score_type), reports in run.reports.items():
        matches = [ind for outcome in project.get("outcomes", [])
                   for ind in outcome.get("indicators", [])
                   if ind.get("instrument") == code and ind.get("scoreType") == score_type]
        if not matches:
            notes.append(f"{score_type}: not merged, because the project has no indicator "
                         f"for {code} {score_type}.")
            continue
        target = matches[0]
        # New results replace the old ones for the same timepoint and subgroup.
        replaced = {(r["timepoint"], str(r.get("subgroup"))) for r in reports}
        kept = [r for r in target.get("reports", [])
                if (r.get("timepoint"), str(r.get("subgroup"))) not in replaced]
        target["reports"] = kept + reports
        placed += 1
        notes.append(f"{score_type}: {len(reports)} results placed under indicator "
                     f"'{target.get('id')}'.")
        notes += _same_threshold(target, run.instruments[code], score_type)
    if not placed and run.reports:
        wanted = ", ".join(f"{c} {s}" for c, s in run.reports)
        raise MergeError(f"Project '{project_id}' has no indicator for any of: {wanted}. Add "
                         "an outcome with an indicator for the instrument and score type "
                         "(its title, domain and who chose it are yours to write), then "
                         "aggregate again.")
    return merged, notes
