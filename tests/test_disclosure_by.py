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

from hypothesis import HealthCheck, example, given, settings
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
               spread: float, left: int = 0) -> bytes:
    """SIZES people in each age band (and UNKNOWN with none), at baseline and end but
    the first LEFT of each band at baseline only; each band's people centre on its own
    LEVEL (0 to 1 of the scale)."""
    rng = random.Random(seed)
    rows, number = [HEAD], 0
    groups = [(CODES[i], size, levels[i]) for i, size in enumerate(sizes)]
    for code, size, level in [*groups, ("", unknown, rng.random())]:
        for index in range(size):
            person = min(1.0, max(0.0, level + rng.gauss(0, 0.15)))
            times = (("baseline", "2025-01-01"), ("end", "2025-06-01"))
            for timepoint, day in times[:1] if index < left else times:
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
    """Survivors for (timepoint or 'end change', 'whole' or a band's code), over every
    score (the same people answered every instrument)."""
    found: dict[tuple[str, str], set[int]] = {}
    for (_, score_type), reports in run.reports.items():
        by_time = defaultdict(list)
        for report in reports:
            by_time[report["timepoint"]].append(report)
        bases = {r.get("subgroup", {}).get("code"): r for r in by_time["baseline"]}
        for timepoint, group in by_time.items():
            whole = next(r for r in group if "subgroup" not in r)
            parts = [r for r in group if "subgroup" in r and not r.get("suppressed")]
            hidden = len([r for r in group if "subgroup" in r]) - len(parts)
            tables = [(timepoint, whole, parts, hidden, None)]
            if "change" in whole:  # the change since baseline: a table of its own
                changed = [r for r in parts if "change" in r]
                slacks = [_slack(r, bases.get(r.get("subgroup", {}).get("code")), r is whole)
                          for r in [whole, *changed]]
                tables.append((timepoint + " change", whole["change"],
                               [r["change"] for r in changed], hidden + len(parts)
                               - len(changed), slacks))
            for key_time, top, shown_parts, withheld, slacks in tables:
                result = breakdown(top, shown_parts, SCALES[score_type], Places(), withheld,
                                   covered=covered and not withheld, slacks=slacks)
                codes = [r["subgroup"]["code"] for r in parts
                         if r.get("change") in shown_parts or r in shown_parts]
                for name, ks in zip(["whole", *codes], result.values(), strict=True):
                    key = (key_time, name)
                    found[key] = found[key] & set(ks) if key in found else set(ks)
    return {key: sorted(ks) for key, ks in found.items()}


def _check(sizes, unknown, seed, levels, spread, left=0):
    run = aggregate_responses(_responses(seed, sizes, unknown, levels, spread, left),
                              by="ageBand")
    truth = {"whole": sum(sizes) + unknown, **dict(zip(CODES, sizes, strict=False))}
    found = _searched(run, covered=unknown == 0)
    for (timepoint, name), ks in found.items():
        gone = 0 if timepoint == "baseline" else left if name != "whole" else \
            left * len(sizes) + min(left, unknown)  # at baseline only
        count = truth[name] - gone
        assert count in ks, (timepoint, name, ks)  # the search is sound
    return {key: ks for key, ks in found.items() if len(ks) < 2}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes=st.lists(st.integers(8, 70), min_size=2, max_size=4),
       unknown=st.sampled_from([0, 0, 8, 13]), seed=st.integers(0, 2**32),
       levels=st.lists(st.floats(0.1, 0.9), min_size=4, max_size=4),
       spread=st.sampled_from([0.0, 0.6, 1.5]), left=st.sampled_from([0, 0, 1, 3]))
# bands of 8 and 9 and the whole 17 (see test_the_search_singles_out_...old_way)
@example(sizes=[8, 9], unknown=0, seed=0, levels=[0.5, 0.25, 0.5, 0.5], spread=0.0, left=0)
# each score alone left the band of 19 two to four counts, but only 19 fits every score
@example(sizes=[19, 44, 59, 8], unknown=0, seed=2055,
         levels=[0.8828125, 0.21875, 0.1015625, 0.265625], spread=0.6, left=0)
def test_no_breakdown_lets_a_search_single_out_a_count(sizes, unknown, seed, levels, spread,
                                                         left):
    assert _check(sizes, unknown, seed, levels, spread, left) == {}


def test_a_change_over_some_of_the_people():
    """One person in each band answered only at baseline, so the changes are means of
    their own (not differences of the published means). Published as they were, the whole
    group's change, its bands' changes and their rounded counts together left one count
    for a band (13: the whole change 26 shown as 25, the bands' 13 as 15); now the whole
    group's change mean is shown to fewer places where it would (`guard_changes`)."""
    run = aggregate_responses(_responses(0, [14, 14], 0, [0.5, 0.75, 0.5, 0.5], 0.6, 1),
                              by="ageBand")
    found = _searched(run, covered=True)
    assert all(len(ks) >= 2 for ks in found.values()), found
    # the least that does it: every change is still shown, the whole group's WEMWBS change
    # mean (one place for a count shown as 25) as a whole number
    assert all("change" in r for reports in run.reports.values() for r in reports
               if r["timepoint"] == "end")
    whole = run.reports[("wemwbs", "wemwbs-total")][1]["change"]
    assert whole["n"] == 25 and whole["mean"] == round(whole["mean"]) and "sd" in whole


def test_the_search_singles_out_a_breakdown_published_the_old_way():
    """What aggregate --by published before: each report safe alone (its mean to the
    places its own count allows). Bands of 8 and 9 shown as 10 and 10, the whole 17 as
    15: the counts leave 16 or 17, and the three means leave only 8 + 9 = 17."""
    whole = {"timepoint": "baseline", "n": 15, "mean": 33.8, "sd": 13.2, "median": 28.0}
    parts = [{"timepoint": "baseline", "n": 10, "mean": 44.0, "sd": 9.0, "median": 42.0},
             {"timepoint": "baseline", "n": 10, "mean": 25.0, "sd": 9.0, "median": 28.0}]
    wemwbs = SCALES["wemwbs-total"]
    assert breakdown(whole, parts, wemwbs, Places(), covered=True) == {
        "whole": [17], "part 0": [8], "part 1": [9]}
    # not knowing that the bands hold everyone, an outsider still learns it: 8 or more
    # people outside them would make the whole group at least 24
    assert breakdown(whole, parts, wemwbs, Places())["whole"] == [17]
    # the counts alone leave two; without the whole group's mean, nothing is narrowed
    assert breakdown({"timepoint": "baseline", "n": 15}, parts, wemwbs, Places()) == {
        "whole": [16, 17], "part 0": [8, 9], "part 1": [8, 9]}
    run = aggregate_responses(_responses(0, [8, 9], 0, [0.5, 0.25, 0.5, 0.5], 0.0),
                              by="ageBand")
    now = run.reports[("wemwbs", "wemwbs-total")][0]
    # now: even as a whole number, some value near it would leave one count (the bands'
    # means are 19 points apart), so the whole group's mean, SD and interval are left out
    assert now["n"] == 15 and not {"mean", "sd", "ci95"} & now.keys()


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
