"""From scored responses to disclosure-safe indicator reports.

For each instrument's score and timepoint (and, if asked, each subgroup): how many were
included and excluded, the mean, standard deviation, median and 95% confidence interval;
and for every timepoint after baseline, the paired change for the people who answered at
both, with the share who improved by at least the meaningful change. Disclosure control is
applied before anything leaves this module; individual answers never do.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .disclosure import Policy, protect
from .published import Scale
from .registry import Instrument
from .scoring import Scored
from .stats import summarise

ORDER = ("baseline", "interim", "end", "follow-up")


NAN = float("nan")


@dataclass
class Cell:
    """One instrument at one timepoint (for one subgroup, or everyone): the respondents, as
    numbers, and each score's values in the same order (NaN where a score is missing),
    the dates and the exclusions. Compact: a million responses fit in a few megabytes."""

    respondents: array = field(default_factory=lambda: array("l"))
    answered: bytearray = field(default_factory=bytearray)  # by respondent number: 1 if seen
    values: dict[str, array] = field(default_factory=dict)
    excluded: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    first: date | None = None
    last: date | None = None

    def when(self, day: date) -> None:
        self.first = day if self.first is None or day < self.first else self.first
        self.last = day if self.last is None or day > self.last else self.last

    def has(self, respondent: int) -> bool:
        return respondent < len(self.answered) and self.answered[respondent] == 1

    def add(self, respondent: int, scores: dict[str, float], names: list[str]) -> None:
        if respondent >= len(self.answered):
            self.answered.extend(bytes(respondent + 1024 - len(self.answered)))
        self.answered[respondent] = 1
        self.respondents.append(respondent)
        for name in names:
            self.values.setdefault(name, array("d")).append(scores.get(name, NAN))

    def scores(self, name: str) -> list[float]:
        return [v for v in self.values.get(name, ()) if v == v]


Key = tuple[str, str, str | None, str | None]  # instrument, timepoint, dimension, code


class Aggregator:
    def __init__(self, instruments: dict[str, Instrument], by: str | None = None) -> None:
        self.instruments = instruments
        self.by = by
        self.cells: dict[Key, Cell] = defaultdict(Cell)
        self.numbers: dict[str, int] = {}  # each respondent reference, as a number

    def number(self, respondent: str) -> int:
        found = self.numbers.get(respondent)
        if found is None:
            found = self.numbers[respondent] = len(self.numbers)
        return found

    def seen(self, response) -> bool:
        cell = self.cells.get((response.instrument, response.timepoint, None, None))
        found = self.numbers.get(response.respondent)
        return cell is not None and found is not None and cell.has(found)

    def add(self, scored: Scored) -> None:
        response = scored.response
        instrument = self.instruments[response.instrument]
        names = [s.score_type for s in instrument.scores]
        groups: list[tuple[str | None, str | None]] = [(None, None)]
        if self.by and response.demographics.get(self.by):
            groups.append((self.by, response.demographics[self.by]))
        for dimension, code in groups:
            cell = self.cells[(instrument.code, response.timepoint, dimension, code)]
            cell.when(response.day)
            if scored.scores:
                cell.add(self.number(response.respondent), scored.scores, names)
            for name in names:
                if name not in scored.scores and (
                        scored.excluded or instrument.missing == "each-item-alone"):
                    cell.excluded[name] += 1  # counted, never dropped silently

    def reports(self, policy: Policy, refused: set[str] = frozenset()
                ) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """Indicator reports by (instrument, score type), disclosure-safe."""
        out: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        keys = sorted(self.cells, key=lambda k: (k[0], k[2] or "", k[3] or "",
                                                 ORDER.index(k[1])))
        for key in keys:
            instrument_code, timepoint, dimension, code = key
            if instrument_code in refused:
                continue
            cell = self.cells[key]
            instrument = self.instruments[instrument_code]
            baseline = self.cells.get((instrument_code, "baseline", dimension, code))
            for score in instrument.scores:
                values = cell.scores(score.score_type)
                if not values and score.score_type != instrument.default_score:
                    continue  # e.g. SWEMWBS raw totals when only metric scores were given
                report = _report(instrument, score.score_type, timepoint, dimension, code,
                                 cell, values,
                                 baseline if timepoint != "baseline" else None)
                out[(instrument_code, score.score_type)].append(report)
        shared: dict = {}  # a breakdown's count combinations, from score to score
        for (instrument_code, score_type), reports in out.items():
            instrument = self.instruments[instrument_code]
            score = instrument.score(score_type)
            step = instrument.step(score_type)
            protect(reports, policy, Scale(
                step or self._observed_step(instrument_code, score_type),
                score.minimum if score else None, score.maximum if score else None,
                regular=step is not None), shared)
        return out

    def _observed_step(self, instrument_code: str, score_type: str) -> float | None:
        """For a score whose values are irregular (a given score, a conversion table): the
        coarsest of 1, 0.1 and 0.01 that every value is a whole number of, or None. The
        published mean's places follow it: a mean of scores with one decimal, shown to two,
        could say how many people it is over."""
        for step in (1.0, 0.1):
            if all(abs(v / step - round(v / step)) < 1e-6
                   for key, cell in self.cells.items() if key[0] == instrument_code
                   for v in cell.values.get(score_type, ()) if v == v):
                return step
        return None


def _report(instrument: Instrument, score_type: str, timepoint: str, dimension: str | None,
            code: str | None, cell: Cell, values: list[float],
            baseline: Cell | None) -> dict[str, Any]:
    summary = summarise(values)
    ident = f"{score_type}-{timepoint}" + (f"-{dimension}-{code}" if dimension else "")
    report: dict[str, Any] = {
        "id": ident.replace(" ", "-"), "timepoint": timepoint,
        "period": {"startDate": cell.first.isoformat(), "endDate": cell.last.isoformat()},
    }
    if dimension:
        report["subgroup"] = {"dimension": _DIMENSION_CODES.get(dimension, dimension),
                              "code": code}
    report["n"] = summary.n
    report["nExcluded"] = cell.excluded.get(score_type, 0)
    if summary.n:
        report["mean"] = summary.mean  # rounded for publication by disclosure control
        report["median"] = summary.median
    if summary.sd is not None:
        report["sd"] = summary.sd
        score = instrument.score(score_type)
        low, high = summary.lower, summary.upper
        if score is not None:  # a mean cannot lie outside the scale, nor can its interval
            low, high = max(low, score.minimum), min(high, score.maximum)
        report["ci95"] = {"lower": low, "upper": high}
    if baseline is not None:
        change = _paired_change(instrument, score_type, baseline, cell)
        if change:
            report.update(change)
    return report



_DIMENSION_CODES = {"ageBand": "age-band", "role": "participant-role", "ethnicity": "ethnicity",
                    "sex": "sex", "disability": "disability"}


def _paired_change(instrument: Instrument, score_type: str, baseline: Cell,
                   later: Cell) -> dict[str, Any]:
    """The change for the people measured at both timepoints."""
    first, then = baseline.values.get(score_type), later.values.get(score_type)
    if first is None or then is None:
        return {}
    size = max(max(baseline.respondents, default=0), max(later.respondents, default=0)) + 1
    before = array("d", [NAN]) * size  # baseline score by respondent number
    for position, respondent in enumerate(baseline.respondents):
        before[respondent] = first[position]
    diffs = []
    for position, respondent in enumerate(later.respondents):
        change = then[position] - before[respondent]
        if change == change:  # both scores present (NaN marks a missing one)
            diffs.append(change)
    if not diffs:
        return {}
    score = instrument.score(score_type)
    sign = 1 if score is None or score.higher_is_better else -1
    summary = summarise(diffs)
    change: dict[str, Any] = {"method": "paired", "n": summary.n, "mean": summary.mean}
    if summary.sd is not None:
        change["sd"] = summary.sd
        change["ci95"] = {"lower": summary.lower, "upper": summary.upper}
    out: dict[str, Any] = {"change": change}
    if len(diffs) == _count(first) == _count(then):
        out["_same_people"] = True  # for disclosure control only; removed there
    threshold = instrument.threshold(score_type)
    if threshold is not None:
        improved = sum(1 for d in diffs if sign * d >= threshold)
        out["proportionImproved"] = round(improved / summary.n, 4)
        out["_improved"] = improved  # for disclosure control only; removed there
    return out


def _count(values: array) -> int:
    return sum(1 for v in values if v == v)


def aggregate(scored: Iterable[Scored], instruments: dict[str, Instrument], policy: Policy,
              by: str | None = None) -> dict[tuple[str, str], list[dict[str, Any]]]:
    aggregator = Aggregator(instruments, by)
    for item in scored:
        aggregator.add(item)
    return aggregator.reports(policy)
