"""A whole group published beside its subgroups (`aggregate --by`), guarded as one table.

The whole group holds the shown subgroups' people and R more (those in suppressed
subgroups and those with no value for the breakdown), so its count is theirs plus R and
its sum of scores is theirs plus R scores. Secondary suppression keeps R at 0 or at least
the threshold, and an outsider may know that R is 0 (a project page that says everyone
gave their age). Each count's bucket alone is safe (see `published`), but the rounded
counts and means together can rule out counts: four bands of 8, each shown as 10, sum to
32, the most the whole group's 30 can stand for; two bands shown as 10 and a whole group
of 15 leave 16 or 17, and the three means can rule out one of them.

So, worked out from the PUBLISHED figures alone (nothing it decides says more than they
do), for every level report and its subgroups:

1. while the counts alone leave any count, whole or subgroup, one possible value, the
   smallest shown subgroup is withheld too;
2. the whole group's mean is shown to the most places (at most its usual ones) at which
   every value that rounds to the same one at a place fewer leaves every count two
   possible values given the subgroups' published means (a sum per subgroup that gives
   its mean, and R scores within the scale, must add up to a sum that gives the whole
   group's mean). Whether that holds depends on the coarser value only, so showing fewer
   places says nothing the coarser value does not. If no places do, the whole group's
   mean, SD and interval are withheld. From score to score (`shared`), only the count
   combinations the scores already shown allow are kept.

The changes since baseline (the whole group's and its subgroups', with their counts) are
one more table, guarded the same way by `guard_changes` when some of them are not the
difference of two published means (some people answered only once).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from typing import Any

from .published import Scale, _ci, decimals

EPS = 1e-9
FAR = 1e12  # a scale without a bound


def guard(reports: list[dict[str, Any]], truth: dict[int, float], true_rest: dict[str, int],
          policy, scale: Scale | None, withhold, shared: dict | None = None) -> None:
    """Guard every timepoint's level breakdown in REPORTS (one score), in place, after
    rounding and suppression. TRUE_REST: by timepoint, the people in the whole group and
    in no subgroup before suppression (0: the outsider may know that the subgroups hold
    everyone). TRUTH: each whole-group report's true mean, by id(report). WITHHOLD(report)
    suppresses a subgroup report. SHARED carries, from one score to the next, the count
    combinations that the scores already published allow for the same published counts
    (an outsider may guess that the same people answered every questionnaire, and keep
    only the counts that every score allows)."""
    shared = {} if shared is None else shared
    for timepoint, whole, parts in _breakdowns(reports):
        shown = [r for r in parts if not r.get("suppressed") and r.get("n")]
        _table(timepoint, whole, shown, [r["subgroup"]["code"] for r in shown],
               len(parts) - len(shown), true_rest.get(timepoint),
               truth.get(id(whole), whole.get("mean")), policy, scale, withhold, shared)


def guard_changes(reports: list[dict[str, Any]], truth: dict[int, float],
                  true_rest: dict[str, int], linked: dict[int, float], policy,
                  scale: Scale | None, shared: dict | None = None) -> None:
    """The same for each breakdown's changes since baseline, as one table of their own
    (after `link_change`). A change that is the difference of two published level means
    (LINKED: by id(report), the half-width of that difference's rounding, the two means'
    half places added up) says only what they say; where the whole group's and every
    shown subgroup's change are, the level tables guard them. Otherwise, some people
    answered only once and the changes are means of their own: the smallest shown
    subgroup's change (and proportion improved) is withheld while the counts single one
    out, and the whole group's change mean is shown to fewer places or, with its SD and
    interval, left out (a linked one is kept or left out). TRUTH: the true change mean
    by id(change); TRUE_REST: by timepoint, the people in the whole group's change and in
    no subgroup's."""
    shared = {} if shared is None else shared
    step = scale.step if scale is not None else None
    bounded = scale is not None and None not in (scale.minimum, scale.maximum)
    spread = Scale(step, scale.minimum - scale.maximum, scale.maximum - scale.minimum) \
        if bounded else Scale(step)
    for timepoint, whole, parts in _breakdowns(reports):
        change = whole.get("change")
        if not change or not change.get("n"):
            continue
        shown = [r for r in parts if not r.get("suppressed") and (r.get("change") or {}).get("n")]
        if all(id(r) in linked for r in [whole, *shown]):
            continue
        owner = {id(r["change"]): r for r in shown}

        def drop(figures: dict[str, Any], owner: dict = owner) -> None:
            owner[id(figures)].pop("change", None)
            owner[id(figures)].pop("proportionImproved", None)

        halves = [2.0 if id(r) in linked else 1.0 for r in shown]
        _table(timepoint + " change", change, [r["change"] for r in shown],
               [r["subgroup"]["code"] for r in shown], len(parts) - len(shown),
               true_rest.get(timepoint), truth.get(id(change), change.get("mean")), policy,
               spread, drop, shared, halves, linked.get(id(whole)))


def _breakdowns(reports: list[dict[str, Any]]):
    """(timepoint, whole-group report, subgroup reports) for each timepoint with both."""
    times: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for report in reports:
        times[report["timepoint"]].append(report)
    for timepoint, group in times.items():
        whole = next((r for r in group if "subgroup" not in r), None)
        parts = [r for r in group if "subgroup" in r]
        if whole is not None and not whole.get("suppressed") and parts:
            yield timepoint, whole, parts


def _table(name: str, whole: dict[str, Any], shown: list[dict[str, Any]], codes: list,
           hidden: int, true_rest: int | None, true_mean: float | None, policy,
           scale: Scale | None, withhold, shared: dict, halves: list[float] | None = None,
           fixed: float | None = None) -> None:
    """Guard one table, as `guard` describes: WHOLE's figures and its SHOWN subgroups'
    (their CODES; HIDDEN more withheld). HALVES: per subgroup, how many of its half
    places its mean may be off (2: the difference of two published means); FIXED: the
    whole group's mean is such a difference, this far off at most (in its units), and
    is kept as it is or left out."""
    shown, codes = list(shown), list(codes)
    halves = list(halves) if halves is not None else [1.0] * len(shown)
    while True:
        covered = hidden == 0 and true_rest == 0
        key = (name, whole["n"], hidden, covered,
               tuple((code, r["n"]) for code, r in zip(codes, shown, strict=True)))
        table = _combos(policy, whole["n"], [r["n"] for r in shown], hidden, covered)
        table = [c for c in table if c in shared[key]] if key in shared else table
        if not shown or all(len({c[p] for c in table}) >= 2 for p in range(len(shown) + 1)):
            break
        smallest = min(range(len(shown)), key=lambda i: shown[i]["n"])
        withhold(shown.pop(smallest))
        halves.pop(smallest)
        codes.pop(smallest)
        hidden += 1
    if shown and whole.get("mean") is not None and all(
            r.get("mean") is not None for r in shown):
        table = _whole_mean(whole, true_mean, shown, halves, table, policy, scale, fixed)
    shared[key] = set(table)


def _combos(policy, whole: int, parts: list[int], hidden: int, covered: bool
            ) -> list[tuple[int, ...]]:
    """Every (whole count, subgroup counts...) the published counts allow."""
    out = []
    for counts in itertools.product(*(policy.bucket(n) for n in parts)):
        for k in policy.bucket(whole):
            rest = k - sum(counts)
            if rest < hidden or (covered and rest) or policy.small(rest):
                continue
            out.append((k, *counts))
    return out


def _sums(mean: float, places: int, k: int, unit: float, low: float, high: float,
          halves: float = 1.0) -> tuple[int, int]:
    """The lowest and highest whole number of steps S with S/k rounding to MEAN (within
    HALVES of its half places)."""
    half = halves * 0.5 * 10 ** -places + EPS
    return (max(math.ceil((mean - half) * k / unit - EPS), math.ceil(low * k / unit - EPS)),
            min(math.floor((mean + half) * k / unit + EPS), math.floor(high * k / unit + EPS)))


def _whole_mean(whole: dict[str, Any], true_mean: float, shown: list[dict[str, Any]],
                halves: list[float], table: list[tuple[int, ...]], policy,
                scale: Scale | None, fixed: float | None = None) -> list[tuple[int, ...]]:
    """Show the whole group's mean to safe places (or withhold it); the combinations of
    TABLE that the published figures then allow. FIXED: see `_table`."""
    step = scale.step if scale is not None else None
    unit = step or 0.01
    low = scale.minimum if scale is not None and scale.minimum is not None else -FAR
    high = scale.maximum if scale is not None and scale.maximum is not None else FAR
    usual = decimals(policy.bucket(whole["n"]), step)
    part_places = [decimals(policy.bucket(r["n"]), step) for r in shown]
    spans = []  # per combination: the subgroups' and the rest's sums together
    for combo in table:
        k, counts = combo[0], combo[1:]
        ranges = [_sums(r["mean"], p, c, unit, low, high, h)
                  for r, p, c, h in zip(shown, part_places, counts, halves, strict=True)]
        rest = k - sum(counts)
        first = sum(a for a, _ in ranges) + math.ceil(rest * low / unit - EPS)
        last = sum(b for _, b in ranges) + math.floor(rest * high / unit + EPS)
        spans.append((combo, max(first, math.ceil(k * low / unit - EPS)),
                      min(last, math.floor(k * high / unit + EPS))))
    if fixed is not None:  # the difference of two published means: kept, or left out
        places = shown_places(whole["mean"], usual)
        grid = 10 ** -places
        shown_at = round(whole["mean"] / grid)
        if _safe(spans, places, unit, len(shown) + 1, range(shown_at, shown_at + 1),
                 fixed / grid):
            return [combo for combo, lo, hi in _fits(spans, places, unit, fixed / grid)
                    if lo <= shown_at <= hi]
    for places in range(usual, -1, -1) if fixed is None else ():
        # the values at PLACES that round to the same one at a place fewer: whether all
        # are safe depends on that coarser value only, so going coarser says no more
        grid = 10 ** -places
        centre = round(round(true_mean, places - 1) / grid)
        if _safe(spans, places, unit, len(shown) + 1, range(centre - 5, centre + 6)):
            whole["mean"] = round(true_mean, places) + 0.0  # never -0.0
            if whole.get("sd") is not None and whole["n"] >= 2 and "ci95" in whole:
                whole["ci95"] = _ci(whole["mean"], whole["sd"], whole["n"],
                                    None if "method" in whole else scale)  # a change: unclipped
            shown_at = round(whole["mean"] / grid)
            return [combo for combo, lo, hi in _fits(spans, places, unit)
                    if lo <= shown_at <= hi]
    for key in ("mean", "sd", "ci95"):
        whole.pop(key, None)
    return table


def _safe(spans, places: int, unit: float, positions: int, values: range,
          half: float = 0.5) -> bool:
    """Whether each whole-group mean j x 10^-places for j in VALUES leaves two values of
    every count, or none (no combination gives it). A mean fits a combination when some
    sum S of its span has S/k within HALF a place of it."""
    alive: list[dict[int, list[tuple[int, int]]]] = [defaultdict(list) for _ in range(positions)]
    for combo, lo, hi in _fits(spans, places, unit, half):
        if lo <= values[-1] and hi >= values[0]:
            for position, count in enumerate(combo):
                alive[position][count].append((lo, hi))
    for j in values:
        for by_count in alive:
            fits = sum(1 for spans_of in by_count.values()
                       if any(lo <= j <= hi for lo, hi in spans_of))
            if fits == 1:
                return False
    return True


def _fits(spans, places: int, unit: float, half: float = 0.5):
    """Each combination that some sums allow, with the lowest and highest whole-group
    mean (in units of 10^-places, within HALF of one) it can give."""
    grid = 10 ** -places
    for combo, first, last in spans:
        if first <= last:
            k = combo[0]
            yield (combo, math.ceil(first * unit / (k * grid) - half - EPS),
                   math.floor(last * unit / (k * grid) + half + EPS))


def shown_places(value: float, most: int = 2) -> int:
    """The places VALUE shows, as an outsider reads them (48.0: none), at most MOST."""
    places = most
    while places and abs(value - round(value, places - 1)) < EPS:
        places -= 1
    return places
