"""score_responses and aggregate_responses: the library behind ``coprod score`` and
``coprod aggregate``. Responses are read, checked, scored and folded into aggregates one
row at a time; nothing individual is kept beyond what the paired change needs."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..issues import Issue, IssueType, Severity, register
from ..limits import Limits
from ..suggest import did_you_mean
from .aggregate import Aggregator
from .disclosure import Policy
from .registry import Instrument, instruments, load_bespoke
from .responses import read_responses
from .scoring import Scored, score

MAX_EXAMPLES = 100  # issues kept per code; all are counted

register(IssueType(
    "response-mixed-scales", "Scores on different scales", Severity.ERROR, "responses",
    "Totals for one instrument are given on different scales (for example SWEMWBS raw and "
    "metric), which cannot be combined. Nothing is aggregated for that instrument.",
    "{instrument} totals are given on more than one scale: {scales}. No results were "
    "worked out for {instrument}.",
    "Give every total on one scale (and say which in the Scale column), or give the item "
    "answers and let the toolkit score them."))


@dataclass
class Run:
    file: str
    issues: list[Issue] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # issue code -> how many
    responses: int = 0
    scored: int = 0
    excluded: Counter = field(default_factory=Counter)  # reason -> how many
    refused: set[str] = field(default_factory=set)  # instruments not aggregated
    reports: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    instruments: dict[str, Instrument] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(n for code, n in self.counts.items() if code in _ERRORS)


_ERRORS = {"response-missing-value", "response-unknown-instrument", "response-bad-value",
           "response-identifiable-reference", "response-duplicate",
           "response-item-out-of-range", "response-total-out-of-range", "response-no-answers",
           "response-mixed-scales"}


def _known(bespoke: Sequence[str | Path]) -> dict[str, Instrument]:
    known = dict(instruments())
    for path in bespoke:
        instrument = load_bespoke(path)
        known[instrument.code] = instrument
    return known


def _scored(source, limits, run: Run, aggregator: Aggregator | None,
            name: str | None = None) -> Iterator[Scored]:
    reader, responses = read_responses(source, limits, name=name, max_examples=MAX_EXAMPLES)
    run.issues, run.counts = reader.issues, reader.counts
    collector = reader
    scales: dict[str, Counter] = defaultdict(Counter)
    unknown: set[str] = set()
    for response in responses:
        run.responses += 1
        instrument = run.instruments.get(response.instrument)
        if instrument is None:
            if response.instrument not in unknown or run.counts[
                    "response-unknown-instrument"] < MAX_EXAMPLES:
                collector.issue("response-unknown-instrument", response.row, "instrument",
                                instrument=response.instrument,
                                suggestion=did_you_mean(response.instrument, run.instruments),
                                known=", ".join(sorted(run.instruments)))
            unknown.add(response.instrument)
            continue
        if aggregator is not None and aggregator.seen(response):
            collector.issue("response-duplicate", response.row, "respondent",
                            respondent=response.respondent, instrument=instrument.title,
                            timepoint=response.timepoint, first="earlier")
            continue
        if response.total is not None and not any(v is not None for v in response.items):
            scales[instrument.code][response.scale or instrument.default_score] += 1
        scored = score(instrument, response, collector)
        if scored.excluded:
            run.excluded[scored.excluded] += 1
        else:
            run.scored += 1
        yield scored
    for code, used in scales.items():
        if len(used) > 1:
            run.refused.add(code)
            described = ", ".join(f"{scale} in {n} rows" for scale, n in sorted(used.items()))
            collector.issue("response-mixed-scales", 1, "scale",
                            instrument=run.instruments[code].title, scales=described)


def score_responses(source: str | Path | bytes, *, bespoke: Sequence[str | Path] = (),
                    limits: Limits | None = None) -> tuple[Run, Iterator[Scored]]:
    """Each response's scores, as a stream; the run fills in its counts as it goes."""
    run = Run(str(source) if not isinstance(source, bytes) else "<data>",
              instruments=_known(bespoke))
    return run, _scored(source, limits, run, None)


def aggregate_responses(source: str | Path | bytes, *, bespoke: Sequence[str | Path] = (),
                        by: str | None = None, policy: Policy | None = None,
                        limits: Limits | None = None, name: str | None = None) -> Run:
    """Disclosure-safe indicator reports for every instrument's scores in a file (NAME,
    if given, is the file's name in messages, as when SOURCE is an upload)."""
    run = Run(str(source) if not isinstance(source, bytes) else "<data>",
              instruments=_known(bespoke))
    aggregator = Aggregator(run.instruments, by)
    for scored in _scored(source, limits, run, aggregator, name):
        aggregator.add(scored)
    run.reports = aggregator.reports(policy or Policy(), run.refused)
    return run

