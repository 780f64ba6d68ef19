"""Issue 18, point 2 with `--by`: a whole group and its subgroups published together.

When the subgroups hold everyone, the whole group's count is the sum of theirs and so is
its sum of scores; the rounded counts and means of all of them together could rule out
counts that each alone allows. The outsider's search (tests/rounding_search.breakdown)
tries every combination of counts and sums; no breakdown may let it narrow any count,
whole or subgroup, to one.
"""

from __future__ import annotations

import random
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coprod_standard.instruments.run import aggregate_responses
from tests.rounding_search import Known, Places, _difference, breakdown, shown

SCALES = {"wemwbs-total": Known(1, 14, 70), "ons4-life-satisfaction": Known(1, 0, 10),
          "ons4-worthwhile": Known(1, 0, 10), "ons4-happiness": Known(1, 0, 10),
          "ons4-anxiety": Known(1, 0, 10)}
ITEMS = {"wemwbs": (14, 1, 5), "ons4": (4, 0, 10)}
CODES = ("18-24", "25-34", "35-44", "45-54")
HEAD = ("respondent,instrument,timepoint,date," + ",".join(f"item{i}" for i in range(1, 15))
        + ",ageBand")


def _responses(seed: int, sizes: list[int], unknown: int, levels: list[float],
               spread: float) -> bytes:
    """SIZES people in each age band (and UNKNOWN with none), all at baseline and end;
    each band's people centre on its own LEVEL (0 to 1 of the scale)."""
    rng = random.Random(seed)
    rows, number = [HEAD], 0
    groups = [(CODES[i], size, levels[i]) for i, size in enumerate(sizes)]
    for code, size, level in [*groups, ("", unknown, rng.random())]:
        for _ in range(size):
            person = min(1.0, max(0.0, level + rng.gauss(0, 0.15)))
            for timepoint, day in (("baseline", "2025-01-01"), ("end", "2025-06-01")):
                for instrument, (count, low, high) in ITEMS.items():
                    centre = low + (high - low) * person
                    items = [min(high, max(low, round(centre + rng.gauss(0, spread))))
                             for _ in range(count)]
                    cells = [str(v) for v in items] + [""] * (14 - count)
                    rows.append(f"R{number:04d},{instrument},{timepoint},{day},"
                                + ",".join(cells) + f",{code}")
            number += 1
    return ("\n".join(rows) + "\n").encode()


def _searched(run, covered: bool) -> dict[tuple[str, str], list[int]]:
    """Survivors for (timepoint, 'whole' or a band's code), over every score (the same
    people answered every instrument)."""
    found: dict[tuple[str, str], set[int]] = {}
    for (_, score_type), reports in run.reports.items():
        by_time = defaultdict(list)
        for report in reports:
            by_time[report["timepoint"]].append(report)
        for timepoint, group in by_time.items():
            whole = next(r for r in group if "subgroup" not in r)
            parts = [r for r in group if "subgroup" in r and not r.get("suppressed")]
            hidden = sum(1 for r in group if r.get("suppressed") and "subgroup" in r)
            result = breakdown(whole, parts, SCALES[score_type], Places(), hidden,
                               covered=covered and not hidden)
            names = ["whole"] + [r["subgroup"]["code"] for r in parts]
            for name, ks in zip(names, result.values(), strict=True):
                key = (timepoint, name)
                found[key] = found[key] & set(ks) if key in found else set(ks)
    return {key: sorted(ks) for key, ks in found.items()}


def _check(sizes, unknown, seed, levels, spread):
    run = aggregate_responses(_responses(seed, sizes, unknown, levels, spread),
                              by="ageBand")
    truth = {"whole": sum(sizes) + unknown, **dict(zip(CODES, sizes, strict=False))}
    found = _searched(run, covered=unknown == 0)
    for (_, name), ks in found.items():
        assert truth[name] in ks, (name, ks)  # the search is sound
    return {key: ks for key, ks in found.items() if len(ks) < 2}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes=st.lists(st.integers(8, 70), min_size=2, max_size=4),
       unknown=st.sampled_from([0, 0, 8, 13]), seed=st.integers(0, 2**32),
       levels=st.lists(st.floats(0.1, 0.9), min_size=4, max_size=4),
       spread=st.sampled_from([0.0, 0.6, 1.5]))
def test_no_breakdown_lets_a_search_single_out_a_count(sizes, unknown, seed, levels, spread):
    assert _check(sizes, unknown, seed, levels, spread) == {}


def test_four_small_subgroups_holding_everyone():
    """Four bands of 8 are published as 10 each and the whole 32 as 30: the counts alone
    say 32 = 8 + 8 + 8 + 8 unless a band is withheld (two, since the withheld people are
    then known to be at least 8)."""
    assert _check([8, 8, 8, 8], 0, 1, [0.3, 0.4, 0.5, 0.6], 0.6) == {}


def _slack(report: dict, baseline: dict | None, whole: bool) -> float:
    """How many of its half places a change's mean may be off: 1, or where it is the
    difference of the two published means, their half places added up (a whole group's
    means may have fewer places: the places they show)."""
    if not _difference(report, baseline):
        return 1.0
    if not whole:
        return 2.0
    shown_places = [shown(report["mean"]), shown(baseline["mean"])]
    return sum(0.5 * 10 ** -p for p in shown_places) / (0.5 * 10 ** -shown(
        report["change"]["mean"]))
