"""An outsider's brute-force search for the true counts behind rounded ones (issue 18).

It sees only published JSON (the indicator reports) and what anyone knows: the method (counts
of 1 to 7 hidden, others rounded to the nearest 5; the places each figure is shown to) and
each instrument's scale (its range, whether its scores are whole numbers). For every count
shown (a report's n, its change's n) it tries each true count k that rounds to it and keeps k
only if EVERY other figure could have come from k people:

- the mean: a whole number S of steps with S/k (in steps) rounding to the published mean;
- the SD: with one such S, a whole sum of squares Q of the parity of S (x^2 and x have the
  same parity), at least the smallest Q that k values summing to S can have, giving an SD
  that rounds to the published one;
- the median: one ending in a half step needs an even k;
- the 95% interval: either worked out from the published figures alone (it then says
  nothing of k), or from k itself (t with k - 1 degrees of freedom, the SD within its
  rounding, the half-width within the interval's rounding; one clipped side uses the other);
- the proportion improved: j/k for a whole j that is 0, k, or neither small nor leaving a
  small k - j, or else the rounded j over the published change n;
- the change n is at most the n of its report and of the baseline report; and where the
  outsider knows that the same people answered both times, the three counts are one and
  the change's sum is the difference of the two level sums.

No code of the toolkit is used: t quantiles come from SciPy. The search is proven strong by
`tests/test_disclosure_rounding.py`, which shows it singling out the true counts on figures
published the old way (every figure from the exact count).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass

from scipy.stats import t as student_t

SMALL = 8  # NHS Digital: 1 to 7 is suppressed
EPS = 1e-7


def bucket(published: int) -> list[int]:
    """Every true count published as PUBLISHED (nearest 5, halves up; 1 to 7 hidden)."""
    return [k for k in range(published - 2, published + 3)
            if k >= SMALL and int(k / 5 + 0.5) * 5 == published]


def mean_places(published: int, step: float | None) -> int:
    """The documented rule: the largest of 0, 1, 2 with 10^d <= smallest count / step."""
    unit = step or 0.01
    smallest = min(bucket(published))
    return max([0] + [d for d in (1, 2) if 10 ** d * unit <= smallest + EPS])


@dataclass(frozen=True)
class Known:
    """What an outsider knows about a score: its step (None: irregular) and range."""

    step: float | None
    low: float
    high: float


def shown(value: float) -> int:
    """The places a published number shows (a figure is shown to at least that many)."""
    text = repr(float(value))
    return 0 if "e" in text or text.endswith(".0") else len(text.split(".")[1])


@dataclass(frozen=True)
class Places:
    """How many places the method shows a mean and an SD to, for a count published as n:
    the documented rule, or more where the figure itself shows more."""

    new: bool = True  # False: the old method, everything to 2 places
    fewer: bool = False  # a whole group beside its subgroups: its mean may have fewer

    def mean(self, mean: float, n: int, step: float | None) -> int:
        if self.fewer and self.new:  # the places it shows (a whole number if it ends .0)
            return shown(mean)
        return max(mean_places(n, step) if self.new else 2, shown(mean))

    def sd(self, sd: float, n: int, step: float | None) -> int:
        if not self.new:
            return max(2, shown(sd))
        places = mean_places(n, step)
        # the documented rule shows an SD under 1.2 steps to one place fewer; near that
        # line an outsider cannot tell which, so takes the wider
        if places and sd < 1.3 * (step or 0.01):
            places -= 1
        return max(places, shown(sd))


def _half(places: int) -> float:
    return 0.5 * 10 ** -places + EPS


def _sums(mean: float, places: int, k: int, unit: float, low: float, high: float,
          slack: float = 1) -> range:
    """Whole numbers of steps S with S/k rounding to MEAN, within the scale."""
    half = _half(places) * slack
    first = max(math.ceil((mean - half) * k / unit - EPS), math.ceil(low * k / unit - EPS))
    last = min(math.floor((mean + half) * k / unit + EPS), math.floor(high * k / unit + EPS))
    return range(first, last + 1)


def _least_squares(total: int, k: int) -> int:
    q, r = divmod(total, k)
    return k * q * q + 2 * q * r + r


def _sd_fits(sums: range, sd: float, places: int, k: int, unit: float) -> bool:
    half = _half(places)
    low_v, high_v = (max(0.0, sd - half) / unit) ** 2, ((sd + half) / unit) ** 2
    for total in sums:
        base = total * total / k
        first = max(math.ceil(base + (k - 1) * low_v - 1e-6), _least_squares(total, k))
        last = math.floor(base + (k - 1) * high_v + 1e-6)
        if first % 2 != total % 2:
            first += 1
        if first <= last:
            return True
    return False


def _median_fits(median: float, k: int, step: float | None) -> bool:
    if not step:
        return True  # irregular values: not attempted
    units = median / step
    if abs(units - round(units)) < 1e-6:
        return True
    if abs(2 * units - round(2 * units)) < 1e-6:
        return k % 2 == 0
    return False  # no k gives it


def _t(k: int) -> float:
    return float(student_t.ppf(0.975, k - 1))


def _ci_from_published(figures: dict, n: int, known: Known | None) -> bool:
    half = _t(n) * figures["sd"] / math.sqrt(n)
    low, high = figures["mean"] - half, figures["mean"] + half
    if known is not None:
        low, high = max(low, known.low), min(high, known.high)
    ci = figures["ci95"]
    return abs(ci["lower"] - low) <= 0.006 and abs(ci["upper"] - high) <= 0.006


def _ci_fits_k(figures: dict, k: int, mean_p: int, sd_p: int, known: Known | None) -> bool:
    ci, mean, sd = figures["ci95"], figures["mean"], figures["sd"]
    low_clip = known is not None and ci["lower"] <= known.low + 1e-9
    high_clip = known is not None and ci["upper"] >= known.high - 1e-9
    if low_clip and high_clip:
        return True
    if not low_clip and not high_clip:
        half = (ci["upper"] - ci["lower"]) / 2
        slack = 0.005
    elif low_clip:
        half, slack = ci["upper"] - mean, 0.005 + _half(mean_p)
    else:
        half, slack = mean - ci["lower"], 0.005 + _half(mean_p)
    lowest = _t(k) * max(0.0, sd - _half(sd_p)) / math.sqrt(k)
    highest = _t(k) * (sd + _half(sd_p)) / math.sqrt(k)
    return lowest <= half + slack + EPS and half - slack - EPS <= highest


def _proportion_fits(p: float, k: int, published: int) -> bool:
    for j in [0, *range(SMALL, k - SMALL + 1), k]:  # none, or enough either way, or all
        if abs(round(j / k, 4) - p) < 1e-9:
            return True  # from the exact counts
        if abs(round(int(j / 5 + 0.5) * 5 / published, 4) - p) < 1e-9:
            return True  # from the rounded counts
    return False


def survivors(figures: dict, known: Known | None, places: Places, median: bool = True,
              proportion: float | None = None, slack: int = 1) -> list[int]:
    """The true counts that every figure of FIGURES (a report, or its change) allows.
    SLACK widens the mean's rounding (2: a difference of two rounded means)."""
    n = figures["n"]
    step = known.step if known else None
    unit = step or 0.01
    low, high = (known.low, known.high) if known else (-1e9, 1e9)
    if not median:  # a change: differences of two scores
        low, high = low - high, high - low
    found = []
    for k in bucket(n) if n % 5 == 0 else [n]:
        ok = True
        if figures.get("mean") is not None:
            mean_p = places.mean(figures["mean"], n, step)
            sums = _sums(figures["mean"], mean_p, k, unit, low, high, slack)
            ok = len(sums) > 0
            if ok and figures.get("sd") is not None:
                sd_p = places.sd(figures["sd"], n, step)
                ok = _sd_fits(sums, figures["sd"], sd_p, k, unit)
                if ok and figures.get("ci95"):
                    ok = _ci_from_published(figures, n, known if median else None) or \
                        _ci_fits_k(figures, k, mean_p, sd_p, known if median else None)
        if ok and median and figures.get("median") is not None:
            ok = _median_fits(figures["median"], k, step)
        if ok and proportion is not None:
            ok = _proportion_fits(proportion, k, n)
        if ok:
            found.append(k)
    return found


def _difference(report: dict, baseline: dict | None) -> bool:
    """The change's mean is the difference of the two published means (the method's way
    when the same people answered both times): it then tells only what they tell."""
    change = report.get("change") or {}
    return baseline is not None and None not in (
        report.get("mean"), baseline.get("mean"), change.get("mean")) and \
        abs(change["mean"] - (report["mean"] - baseline["mean"])) < 1e-9


def _paired_sums(report: dict, baseline: dict, known: Known, places: Places,
                 k: int) -> bool:
    """The same k people at both times: whole sums at baseline and now whose difference
    is a sum the change's mean allows."""
    unit = known.step or 0.01
    change = report["change"]
    slack = 2 if _difference(report, baseline) else 1

    def sums(figures, low, high, widen=1):
        p = places.mean(figures["mean"], figures["n"], known.step)
        return _sums(figures["mean"], p, k, unit, low, high, widen)

    before, after = sums(baseline, known.low, known.high), sums(report, known.low, known.high)
    diff = sums(change, known.low - known.high, known.high - known.low, slack)
    if not before or not after or not diff:
        return False
    return after[0] - before[-1] <= diff[-1] and after[-1] - before[0] >= diff[0]


def search(reports: list[dict], known: Known, places: Places,
           paired: bool = False) -> dict[str, list[int]]:
    """Survivors for every count in one score's REPORTS, keyed 'timepoint' (its n) and
    'timepoint change' (its change n), after the change n <= n constraints. PAIRED: the
    outsider knows that the same people answered at every time, so every count is the
    same and the change's sum is the difference of the two sums."""
    out: dict[str, list[int]] = {}
    baselines: dict[str, dict] = {}
    for report in reports:
        if report.get("suppressed") or "n" not in report:
            continue
        group = f" {report['subgroup']['code']}" if report.get("subgroup") else ""
        key = report["timepoint"] + group
        if report["timepoint"] == "baseline":
            baselines[group] = report
        out[key] = survivors(report, known, places)
        change = report.get("change")
        if change and "n" in change:
            slack = 2 if _difference(report, baselines.get(group)) else 1
            out[key + " change"] = survivors(change, known, places, median=False,
                                             proportion=report.get("proportionImproved"),
                                             slack=slack)
            if paired and group in baselines:
                same = set(out[key]) & set(out[key + " change"]) & set(
                    out["baseline" + group])
                same = sorted(k for k in same if _paired_sums(
                    report, baselines[group], known, places, k))
                out[key] = out[key + " change"] = out["baseline" + group] = same
    return linked(out)


def linked(out: dict[str, list[int]]) -> dict[str, list[int]]:
    """A change n is at most its report's n and the baseline n (same subgroup)."""
    for key in [k for k in out if k.endswith(" change")]:
        level_key = key[:-len(" change")]
        base_key = "baseline" + level_key[len(level_key.split(" ")[0]):]
        ceiling = min(max(out[level_key], default=0), max(out.get(base_key, [10**9]),
                                                             default=0))
        out[key] = [k for k in out[key] if k <= ceiling]
        floor = min(out[key], default=10**9)
        for other in {level_key, base_key} & out.keys():
            out[other] = [k for k in out[other] if k >= floor]
    return out


def breakdown(whole: dict, parts: list[dict], known: Known, places: Places,
              hidden: int = 0, covered: bool = False,
              slacks: list[float] | None = None) -> dict[str, list[int]]:
    """Survivors for a whole group's count and its shown subgroups' counts TOGETHER ('whole'
    and 'part 0', 'part 1', ...): one figure set each (a level report, or a change).

    The whole group holds the subgroups' people and R more: those in HIDDEN suppressed
    subgroups (each at least one) and those with no value for the breakdown. The method
    keeps R at 0 or at least 8 (secondary suppression), so R is 0 or 8 and over; COVERED:
    the outsider knows R is 0 (say the project's page says everyone gave their sex). The
    whole group's sum is the subgroups' sums plus the sum of R scores, each within the
    scale. A count survives if some choice of every count and sum fits it all. The whole
    group's mean may be shown to fewer places than its count alone needs: it is taken to
    have the places it shows (5.0 as a whole number: wider, so the search stays sound).
    SLACKS (whole, then parts): how many times its half place a mean may be off (a
    change's mean that is the difference of two published means: theirs added up)."""
    level = "method" not in whole  # a change has a method ("paired")
    low, high = (known.low, known.high) if level else (known.low - known.high,
                                                       known.high - known.low)
    unit = known.step or 0.01
    wider = dataclasses.replace(places, fewer=True)
    slacks = slacks or [1] * (len(parts) + 1)
    own = [survivors(f, known, p, median=level, slack=w) for f, p, w in zip(
        [whole, *parts], [wider, *[places] * len(parts)], slacks, strict=True)]
    found: list[set[int]] = [set() for _ in own]
    means = all(f.get("mean") is not None for f in [whole, *parts])

    def sums(figures: dict, k: int, rule: Places = places, slack: float = 1) -> range:
        p = rule.mean(figures["mean"], figures["n"], known.step)
        return _sums(figures["mean"], p, k, unit, low, high, slack)

    for combo in itertools.product(*own[1:]):
        part_sums = [sums(f, k, slack=w) for f, k, w in zip(
            parts, combo, slacks[1:], strict=True)] if means else []
        for k in own[0]:
            rest = k - sum(combo)
            if rest < hidden or (covered and rest) or 0 < rest < SMALL:
                continue
            if means:
                whole_sums = sums(whole, k, wider, slacks[0])
                first = sum(s[0] for s in part_sums) + math.ceil(rest * low / unit - EPS)
                last = sum(s[-1] for s in part_sums) + math.floor(rest * high / unit + EPS)
                if max(first, whole_sums[0]) > min(last, whole_sums[-1]):
                    continue
            for index, count in enumerate((k, *combo)):
                found[index].add(count)
    names = ["whole"] + [f"part {i}" for i in range(len(parts))]
    return {name: sorted(ks) for name, ks in zip(names, found, strict=True)}
