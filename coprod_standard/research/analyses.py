"""The meta-analyses of `coprod compare`, made separately for each stratum (design,
population measured, window of months since baseline): one for each scale measured by two
or more projects (mean change, or mean difference against a comparison group) and one for
each outcome domain measured on different scales (standardised, Hedges' correction). Each
project counts once in an analysis. Every result after baseline that no analysis pools is
returned with its reason."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from typing import Any

from . import effects as fx
from .findings import (
    DESIGNS,
    NOT_STATED,
    Analysis,
    LeftOut,
    Selection,
    Settings,
    Stratum,
    window_of,
)
from .meta import Study, caveats, pool
from .selection import project_reason, result_reason
from .wording import title

DESIGN_ORDER = list(DESIGNS)


def _left(item: dict[str, Any], reason: str, design: str | None = None,
          detail: str = "") -> LeftOut:
    return LeftOut(item["dataset"], item["source"], item["project"], item["title"],
                   item["outcome"], item["indicator"], item["report"], item["score_type"],
                   item["timepoint"], item["months"], item["population"], design, reason,
                   detail)


def _below_publish(con, recorded: bool) -> dict[str, str]:
    """The datasets checked below the publish level, with the level."""
    if not recorded:
        return {}
    rows = con.execute("SELECT dataset_id, coalesce(checked_level, 'an unknown') FROM "
                       "datasets WHERE status = 'valid' AND checked_level IS DISTINCT FROM "
                       "'publish'").fetchall()
    return dict(rows)


def _screen(item: dict[str, Any], below: dict[str, str], selection: Selection,
            settings: Settings) -> tuple[dict[str, Any] | None, LeftOut | None]:
    """The result ready to pool (with its stratum, scale and effect), or why not."""
    outside = project_reason(selection, item)
    if outside:
        return None, _left(item, "not-selected", detail=outside)
    if item["suppressed"]:
        return None, _left(item, "suppressed")
    if item["subgroup"]:
        return None, _left(item, "subgroup")
    scale = fx.scale(item)
    if scale is None:
        return None, _left(item, "not-a-score")
    design = fx.design(item)
    found, reason = fx.effect(item, design)
    if found is None:
        return None, _left(item, reason or "no-effect", design)
    if design != "before-after" and found.basis.startswith("change from baseline"):
        design = "before-after"
    figures = [v for v in (found.value, found.variance, found.smd, found.smd_variance)
               if v is not None]
    if not all(math.isfinite(v) for v in figures) or any(
            v is not None and v <= 0 for v in (found.variance, found.smd_variance)):
        return None, _left(item, "not-computable", design)
    if item["dataset"] in below:  # usable, but not fit to publish
        return None, _left(item, "draft-level", design)
    chosen = result_reason(selection, item, design)
    if chosen:
        return None, _left(item, chosen[0], design, chosen[1])
    window = window_of(item["months"], settings.windows)
    if window is None:
        return None, _left(item, "outside-window", design,
                           f"{item['months']:g} months after baseline")
    return {**item, "design": design, "scale": scale, "effect": found,
            "stratum": Stratum(design, item["population"], window)}, None


def identities(con) -> dict[str, str]:
    """Each project that is the same as another (a 1.2 `relatedProjects` relation
    `same-as`, either way round) mapped to one identifier for them all, so that it counts
    once. Project identifiers are global (they start with the organisation's), so a
    project published in two datasets is one project too."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x
    rows = con.execute("SELECT project_id, related_project_id FROM related_projects "
                       "WHERE relation = 'same-as' AND related_project_id IS NOT NULL"
                       ).fetchall()
    for a, b in rows:
        first, second = sorted((root(a), root(b)))
        if first != second:
            parent[second] = first
    return {x: root(x) for x in parent}


def _rank(item: dict[str, Any]) -> tuple:
    return (item["months"] if item["months"] is not None else -1,
            fx.TIMEPOINT_ORDER.get(item["timepoint"], 0), item["effect"].n or 0)


def _one_each(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """One result per project: its latest on each scale (the others are superseded), then,
    across scales, the one on the scale most projects share, then from the most people
    (the others: the project is counted)."""
    latest: dict[tuple, dict[str, Any]] = {}
    why: dict[int, str] = {}
    for item in sorted(items, key=_rank, reverse=True):
        key = (item["dataset"], item["project"], item["scale"], item["indicator"])
        if key in latest:
            why[id(item)] = "superseded"
        else:
            latest[key] = item
    shared: dict[str, set] = defaultdict(set)
    for item in latest.values():
        shared[item["scale"]].add(item["identity"])
    chosen: dict[tuple, dict[str, Any]] = {}
    for item in sorted(latest.values(), key=lambda i: (-len(shared[i["scale"]]),
                                                       -(i["effect"].n or 0), i["scale"],
                                                       i["indicator"])):
        key = item["identity"]
        if key in chosen:
            why[id(item)] = "project-counted"
        else:
            chosen[key] = item
    return list(chosen.values()), why


def _scale_title(item: dict[str, Any]) -> str:
    if item["scale"].startswith(("coded:", "bespoke:")):
        unit = f" ({item['unit']})" if item["unit"] else ""
        return f"{item['indicator_title']}{unit}"
    return title("score-type", item["score_type"])


def _slug(text: str, taken: set[str]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]
    base, number = slug, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def _stratum_notes(stratum: Stratum, items: list[dict[str, Any]]) -> list[str]:
    notes = []
    if stratum.design == "before-after":
        notes.append("No comparison group: some of the change may have happened without "
                     "the project (people recover, scores drift back towards the average).")
    elif stratum.design == "non-randomised":
        notes.append("The comparison groups were not randomised: differences between the "
                     "groups other than the project may explain some of the effect.")
    if stratum.population == NOT_STATED:
        notes.append("Whose outcome these results describe is not stated (datasets before "
                     "version 1.2 do not say), so they may mix populations.")
    elif stratum.population == "mixed":
        notes.append("Each result is for a mixed sample of more than one population.")
    if stratum.window == NOT_STATED:
        notes.append("When these results were measured after baseline is not known.")
    derived = sum(1 for i in items if i["months_from"] == "periods")
    if derived:
        notes.append(f"For {derived} of the {len(items)} results, the months since baseline "
                     "are worked out from the periods of the result and the baseline.")
    bases: dict[str, int] = defaultdict(int)
    for item in items:
        bases[item["effect"].basis] += 1
    if stratum.design != "before-after" and len(bases) > 1:
        notes.append("Effects worked out from: " + "; ".join(
            f"{basis} ({n})" for basis, n in sorted(bases.items())) + ".")
    return notes


def _analysis(items: list[dict[str, Any]], standardised: bool, stratum: Stratum,
              settings: Settings, taken: set[str]) -> Analysis:
    controlled = stratum.design != "before-after"
    studies = []
    for i in items:
        e = i["effect"]
        value, variance = (e.smd, e.smd_variance) if standardised else (e.value, e.variance)
        label = f"{i['title']} ({_scale_title(i)})" if standardised else i["title"]
        studies.append(Study(label, value, variance, e.n or 0, e.basis,
                             (i["dataset"], i["project"], i["outcome"], i["indicator"],
                              i["report"])))
    pooled = pool(studies, settings.method, settings.hksj)
    first = items[0]
    if standardised:
        name = title("domain", first["domain"])
        measure = ("standardised mean difference, Hedges' g (improvement positive)"
                   if controlled else "standardised mean change, with Hedges' correction "
                   "(improvement positive)")
        scale, better = first["domain"], True
    else:
        name = _scale_title(first)
        unit = first["unit"] if first["scale"].startswith("coded:") and first["unit"] \
            else "points"
        measure = (f"mean difference, project minus comparison group ({unit})"
                   if controlled else f"mean change from baseline ({unit})")
        scale, better = first["scale"], fx._better(first)
    populations = {stratum.population: title("population", stratum.population)}
    heading = (f"{name}: {measure.split(' (')[0].split(',')[0]}; "
               f"{stratum.describe(populations)}")
    notes = _stratum_notes(stratum, items) + caveats(pooled, mixed_scales=standardised)
    if settings.hksj and pooled.se < pool(studies, settings.method).se:
        notes.append("The Hartung-Knapp-Sidik-Jonkman interval is narrower here than the "
                     "normal one, because the projects agree more closely than their own "
                     "intervals suggest; the normal interval is the safer reading.")
    if not standardised and better is not None:
        notes.insert(0, "Higher scores are better." if better else
                     "Lower scores are better, so a fall is an improvement.")
    window = "".join(re.findall(r"\d+", stratum.window)[-1:]) or "unknown"
    return Analysis(heading, _slug(f"{stratum.design}-{scale}-{stratum.population}-"
                                 f"to-{window}-months-{'smd' if standardised else 'md'}",
                                 taken),
                    measure, pooled, notes, stratum, scale, better)


def meta_analyses(con, recorded: bool, selection: Selection, settings: Settings
                  ) -> tuple[list[Analysis], list[LeftOut], list[str]]:
    below = _below_publish(con, recorded)
    notes = [] if recorded else [
        "This store does not record the level or disclosure policy each dataset was "
        "checked at (it was made by an earlier coprod), so every count is read as exact. "
        "Rebuild it with 'coprod combine'."]
    if below:
        count = len(below)
        levels = " or ".join(sorted(set(below.values())))
        notes.append(f"{count} dataset{'s' if count != 1 else ''} checked only at {levels} "
                     f"level {'are' if count != 1 else 'is'} left out of every pooled "
                     "estimate: at that level small numbers may be unsuppressed, so the "
                     "figures are not fit to publish. To include them, fix them and rebuild "
                     "the store with 'coprod combine --level publish'.")
    left: list[LeftOut] = []
    ready: list[dict[str, Any]] = []
    same = identities(con)
    for item in fx.results(con, recorded):
        item["identity"] = same.get(item["project"], item["project"])
        usable, out = _screen(item, below, selection, settings)
        if out:
            left.append(out)
        else:
            ready.append(usable)
    pooled_ids: set[int] = set()
    why: dict[int, str] = {}
    analyses: list[Analysis] = []
    taken: set[str] = set()
    by_scale: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    by_domain: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for item in ready:
        s = item["stratum"]
        key = (s.design, s.population, s.window)
        if item["effect"].value is not None and not item["scale"].startswith("bespoke:"):
            by_scale[(*key, item["scale"])].append(item)
        if item["effect"].smd is not None:
            by_domain[(*key, item["domain"])].append(item)
    for standardised, groups in ((False, by_scale), (True, by_domain)):
        for items in groups.values():
            chosen, dropped = _one_each(items)
            made = len(chosen) >= 2 and (not standardised or len({i["scale"]
                                                                  for i in chosen}) >= 2)
            for k, v in dropped.items():  # "counted" only where an analysis was made
                if v == "superseded" or made:
                    why.setdefault(k, v)
            if not made:
                continue  # one project; or one scale, pooled on its own scale
            try:
                made_now = _analysis(chosen, standardised, chosen[0]["stratum"], settings,
                                     taken)
            except (ValueError, ArithmeticError):  # figures too extreme to pool
                for i in chosen:
                    why.setdefault(id(i), "not-computable")
                continue
            p = made_now.pooled
            if not all(math.isfinite(v) for v in (p.estimate, p.lower, p.upper, p.tau2)):
                for i in chosen:
                    why.setdefault(id(i), "not-computable")
                continue
            analyses.append(made_now)
            pooled_ids.update(id(i) for i in chosen)
    for item in ready:
        if id(item) not in pooled_ids:
            left.append(_left(item, why.get(id(item), "nothing-to-pool"), item["design"]))
    analyses.sort(key=lambda a: (DESIGN_ORDER.index(a.stratum.design), a.title))
    left.sort(key=lambda i: (i.title, i.outcome, i.indicator, i.report))
    return analyses, left, notes
