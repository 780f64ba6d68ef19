"""Issue 18, point 2: the figures published beside a rounded count cannot undo the rounding.

An outsider's brute-force search (tests/rounding_search.py), given only the published JSON,
tries every true count that rounds to each published one; no response set of 8 to 500 people
lets it single one out. The same search does single out the true counts on figures published
the old way (mean, SD and interval from the exact count), so it is strong enough to matter.
"""

from __future__ import annotations

import json
import math
import random
import statistics

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coprod_standard.instruments.disclosure import Policy
from coprod_standard.instruments.run import aggregate_responses
from coprod_standard.research import meta
from tests.conftest import ROOT
from tests.rounding_search import Known, Places, bucket, linked, mean_places, search

SCALES = {  # what anyone knows of each score from its instrument
    "wemwbs-total": Known(1, 14, 70), "swemwbs-raw": Known(1, 7, 35),
    "swemwbs-metric": Known(None, 7, 35), "ons4-life-satisfaction": Known(1, 0, 10),
    "ons4-worthwhile": Known(1, 0, 10), "ons4-happiness": Known(1, 0, 10),
    "ons4-anxiety": Known(1, 0, 10),
}
ITEMS = {"wemwbs": (14, 1, 5), "swemwbs": (7, 1, 5), "ons4": (4, 0, 10)}
HEAD = "respondent,instrument,timepoint,date," + ",".join(f"item{i}" for i in range(1, 15))
RESPONSES = ROOT / "examples" / "responses" / "club-wellbeing-responses.csv"


def _responses(seed: int, both: int, base_only: int, end_only: int, spread: float,
               shift: float) -> bytes:
    """Invented answers: BOTH people at baseline and end, some at one only; each person's
    items scatter by SPREAD around their own level, which moves by SHIFT by the end."""
    rng = random.Random(seed)
    rows = [HEAD]
    people = [(f"R{i:04d}", rng.random()) for i in range(both + base_only + end_only)]
    for index, (ref, level) in enumerate(people):
        times = ("baseline", "end") if index < both else (
            ("baseline",) if index < both + base_only else ("end",))
        for instrument, (count, low, high) in ITEMS.items():
            for timepoint in times:
                moved = level + (shift if timepoint == "end" else 0) + rng.gauss(0, 0.1)
                centre = low + (high - low) * min(1.0, max(0.0, moved))
                items = [min(high, max(low, round(centre + rng.gauss(0, spread))))
                         for _ in range(count)]
                cells = [str(v) for v in items] + [""] * (14 - count)
                day = "2025-01-01" if timepoint == "baseline" else "2025-06-01"
                rows.append(f"{ref},{instrument},{timepoint},{day}," + ",".join(cells))
    return ("\n".join(rows) + "\n").encode()


def _searched(run, places: Places, paired: bool = False) -> dict[str, list[int]]:
    """Survivors for every count, intersected over every score that shares the count (the
    same people answered every instrument here, which an outsider may guess). PAIRED: the
    outsider knows that everyone answered both times."""
    found: dict[str, set[int]] = {}
    for (_, score_type), reports in run.reports.items():
        for key, ks in search(reports, SCALES[score_type], places, paired).items():
            found[key] = found[key] & set(ks) if key in found else set(ks)
    return linked({key: sorted(ks) for key, ks in found.items()})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), both=st.integers(8, 500), base_only=st.integers(0, 40),
       end_only=st.integers(0, 40), spread=st.sampled_from([0.0, 0.2, 0.6, 1.5]),
       shift=st.sampled_from([0.0, 0.1, 0.3]), everyone_twice=st.booleans())
def test_no_response_set_lets_a_search_single_out_a_count(seed, both, base_only, end_only,
                                                           spread, shift, everyone_twice):
    if everyone_twice:  # a closed group: the outsider may know that all answered twice
        base_only = end_only = 0
    run = aggregate_responses(_responses(seed, both, base_only, end_only, spread, shift))
    truth = {"baseline": both + base_only, "end": both + end_only, "end change": both}
    found = _searched(run, Places(), paired=base_only == end_only == 0)
    assert found.keys() == truth.keys()
    for key, ks in found.items():
        assert truth[key] in ks, (key, ks)  # the search is sound: it keeps the truth
        assert len(ks) >= 2, (key, ks)  # and it cannot single the truth out
        assert ks == bucket(run.reports[("wemwbs", "wemwbs-total")][0]["n"]) or \
            key != "baseline", (key, ks)  # in fact every count in the bucket survives


def _old_style(run) -> None:
    """What aggregate published before issue 18: every figure from the exact counts (as
    threshold-10 still does), only the counts rounded to the nearest 5."""
    for reports in run.reports.values():
        for report in reports:
            report["n"] = int(report["n"] / 5 + 0.5) * 5
            if "change" in report:
                report["change"]["n"] = int(report["change"]["n"] / 5 + 0.5) * 5


def test_the_search_singles_out_counts_published_the_old_way():
    run = aggregate_responses(RESPONSES, policy=Policy("threshold-10"))
    _old_style(run)
    found = _searched(run, Places(new=False))
    # issue 18: the published 55, 55 and 50 are really 57, 54 and 51
    assert found == {"baseline": [57], "interim": [54], "interim change": [51]}
    runs = [aggregate_responses(_responses(seed, size, 3, 4, 0.6, 0.2),
                                policy=Policy("threshold-10")) for seed, size in
            ((1, 23), (2, 61), (3, 148), (4, 377))]
    singled = 0
    for run in runs:
        truth = {k: v for k, v in _counts(run).items()}
        _old_style(run)
        for key, ks in _searched(run, Places(new=False)).items():
            assert truth[key] in ks
            singled += len(ks) == 1
    assert singled >= 10  # of 12 counts: the old figures gave nearly every one away


def _counts(run) -> dict[str, int]:
    reports = run.reports[("wemwbs", "wemwbs-total")]
    out = {r["timepoint"]: r["n"] for r in reports}
    out.update({r["timepoint"] + " change": r["change"]["n"] for r in reports if "change" in r})
    return out


def test_the_search_uses_every_figure():
    """Each kind of figure, published from the exact count, is enough to cut the bucket."""
    exact = {"n": 57, "mean": 41.23, "sd": 8.17, "median": 41.0}
    half = 2.0032 * 8.17 / math.sqrt(57)  # t(0.975, 56)
    report = {"timepoint": "baseline", **exact, "n": 55,
              "ci95": {"lower": round(41.23 - half, 2), "upper": round(41.23 + half, 2)}}
    known, old = Known(1, 14, 70), Places(new=False)
    assert search([report], known, old)["baseline"] == [57]
    without_ci = {k: v for k, v in report.items() if k != "ci95"}
    assert len(search([without_ci], known, old)["baseline"]) < 5  # the mean's 2 places
    only_median = {"timepoint": "baseline", "n": 55, "median": 41.5}
    assert search([only_median], known, Places())["baseline"] == [54, 56]  # an even count
    change = {"timepoint": "end", "n": 50,
              "change": {"n": 50, "mean": 3.0, "sd": 2.8}, "proportionImproved": 0.3529}
    assert search([change], known, Places())["end change"] == [51]  # 18/51


def test_the_bundled_responses_reveal_no_count():
    run = aggregate_responses(RESPONSES)
    found = _searched(run, Places())
    assert found == {"baseline": [53, 54, 55, 56, 57], "interim": [53, 54, 55, 56, 57],
                     "interim change": [48, 49, 50, 51, 52]}
    interim = run.reports[("swemwbs", "swemwbs-metric")][1]
    assert interim["proportionImproved"] == 0.4  # 20 of 50: the rounded counts
    assert "median" not in interim  # SWEMWBS metric: irregular values


def test_published_figures_are_worked_out_from_published_figures():
    """The interval is the published mean plus or minus t(n-1) x SD / sqrt(n) with the
    published n and SD (SciPy's t), so it adds nothing; means and SDs have the documented
    places."""
    scipy_stats = pytest.importorskip("scipy.stats")
    run = aggregate_responses(_responses(7, 96, 10, 2, 0.6, 0.2))
    for (_, score_type), reports in run.reports.items():
        step = SCALES[score_type].step
        for report in reports:
            for figures, scale in ((report, SCALES[score_type]), (report.get("change"), None)):
                if not figures:
                    continue
                n = figures["n"]
                half = scipy_stats.t.ppf(0.975, n - 1) * figures["sd"] / math.sqrt(n)
                low, high = figures["mean"] - half, figures["mean"] + half
                if scale:
                    low, high = max(low, scale.low), min(high, scale.high)
                assert figures["ci95"] == {"lower": round(low, 2), "upper": round(high, 2)}
                places = mean_places(n, step)  # 105 -> 103..107: 2 places; 100, 95: 1
                assert places == (2 if n == 105 or not step else 1)
                assert round(figures["mean"], places) == figures["mean"]
                assert round(figures["sd"], places) == figures["sd"]


def test_exact_policies_publish_exact_figures():
    """Under threshold-10, or for national figures, nothing is rounded: mean, SD, median
    and interval from the exact count, to 2 places (checked against SciPy)."""
    scipy_stats = pytest.importorskip("scipy.stats")
    data = _responses(11, 31, 2, 0, 0.6, 0.2)
    totals = {}
    for line in data.decode().splitlines()[1:]:
        cells = line.split(",")
        if cells[1] == "wemwbs" and cells[2] == "baseline":
            totals[cells[0]] = sum(int(v) for v in cells[4:18])
    values = list(totals.values())
    n, mean, sd = len(values), statistics.mean(values), statistics.stdev(values)
    half = scipy_stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    for policy in (Policy("threshold-10"), Policy(national=True)):
        run = aggregate_responses(data, policy=policy)
        base = run.reports[("wemwbs", "wemwbs-total")][0]
        assert base["n"] == n == 33
        assert (base["mean"], base["sd"], base["median"]) == (
            round(mean, 2), round(sd, 2), round(statistics.median(values), 2))
        assert base["ci95"] == {"lower": round(mean - half, 2), "upper": round(mean + half, 2)}


def test_a_reviewer_gets_an_unbiased_variance_from_a_rounded_count():
    """meta.change_variance with the count's bucket: SD^2 x the mean of 1/k over it."""
    assert meta.change_variance(55, 2.8, None, None, bucket=range(53, 58)) == \
        pytest.approx(2.8 ** 2 * sum(1 / k for k in range(53, 58)) / 5)
    assert meta.change_variance(55, 2.8, None, None) == pytest.approx(2.8 ** 2 / 55)
    assert meta.change_variance(12, 2.8, None, None, bucket=Policy("threshold-10").bucket(
        12)) == pytest.approx(2.8 ** 2 / 12)
    # from the interval alone (worked out from the published figures): the same SD back
    half = 2.0096 * 2.8 / math.sqrt(50)  # t(0.975, 49)
    assert meta.change_variance(50, None, 3.0 - half, 3.0 + half, bucket=range(48, 53)) == \
        pytest.approx(2.8 ** 2 * sum(1 / k for k in range(48, 53)) / 5, rel=1e-3)


def test_the_published_json_of_the_cli_reveals_no_count(tmp_path, coprod):
    out = tmp_path / "results.json"
    assert coprod("aggregate", RESPONSES, "--out", out).returncode == 0
    for indicator in json.loads(out.read_text())["indicators"]:
        found = search(indicator["reports"], SCALES[indicator["scoreType"]], Places())
        assert all(len(ks) >= 2 for ks in found.values()), found


def test_given_scores_with_one_decimal():
    """PAM scores are given, with one decimal: a mean of them over 8 people shown to two
    places would rule out 8 or 9 for some sums, so the step is taken from the values (0.1)
    and such a mean is shown to one place."""
    for people in (8, 9, 11, 12, 48, 53):
        for seed in range(12):
            rng = random.Random(seed * 1000 + people)
            rows = ["respondent,instrument,timepoint,date,total,scale"]
            for i in range(people):
                for timepoint, day in (("baseline", "2025-01-01"), ("end", "2025-06-01")):
                    rows.append(f"R{i:03d},pam,{timepoint},{day},{rng.randint(380, 900) / 10},"
                                "pam-score")
            run = aggregate_responses(("\n".join(rows) + "\n").encode())
            reports = run.reports[("pam", "pam-score")]
            assert all("median" not in r for r in reports)  # the PAM table: irregular
            published = bucket(reports[0]["n"])
            for key, ks in search(reports, Known(0.1, 0, 100), Places()).items():
                assert ks == published, (people, seed, key, ks)


def test_when_everyone_answered_twice_the_change_is_the_difference_of_the_means():
    """The change's sum is then the difference of the two level sums, which three rounded
    means could contradict for some counts; so its mean is the difference of theirs."""
    for seed in range(6):
        run = aggregate_responses(_responses(seed, 104, 0, 0, 0.0, 0.1))
        for (_, score_type), (base, end) in run.reports.items():
            # 104 people stand for 103 to 107: 2 places
            assert end["change"]["mean"] == round(end["mean"] - base["mean"], 2)
            found = search([base, end], SCALES[score_type], Places(), paired=True)
            assert found == {"baseline": bucket(105), "end": bucket(105),
                             "end change": bucket(105)}
    assert "_same_people" not in json.dumps(list(run.reports.values()))  # never leaves


def test_a_change_never_gives_away_a_suppressed_baseline_mean():
    """Male: the same 20 people both times. At baseline 3 others are suppressed, and male
    with them (secondary suppression); the change shown at the end must not be the end
    mean minus the suppressed baseline mean, but the mean of the differences."""
    for seed in range(8):
        run, changes = _three_groups(seed)
        reports = {(r["timepoint"], r.get("subgroup", {}).get("code")): r
                   for r in run.reports[("swemwbs", "swemwbs-raw")]}
        assert reports[("baseline", "male")]["suppressed"] is True
        male = reports[("end", "male")]
        assert male["change"]["n"] == 20
        assert male["change"]["mean"] == round(statistics.mean(changes), 1)
        female = reports[("end", "female")]  # shown both times: linked
        assert female["change"]["mean"] == round(
            female["mean"] - reports[("baseline", "female")]["mean"], 1)


def _three_groups(seed: int):
    rng = random.Random(seed)
    rows = ["respondent,instrument,timepoint,date," + ",".join(f"item{i}" for i in range(1, 8))
            + ",sex"]
    number, changes = 0, []
    for sex, count, again in (("male", 20, True), ("female", 30, True),
                              ("not-stated", 3, False)):
        for _ in range(count):
            totals = []
            for timepoint in ("baseline", "end") if again else ("baseline",):
                items = [rng.randint(1, 5) for _ in range(7)]
                totals.append(sum(items))
                rows.append(f"R{number:03d},swemwbs,{timepoint},2025-01-01,"
                            f"{','.join(map(str, items))},{sex}")
            if sex == "male":
                changes.append(totals[1] - totals[0])
            number += 1
    return aggregate_responses(("\n".join(rows) + "\n").encode(), by="sex"), changes
