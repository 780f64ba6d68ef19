"""Scoring one response exactly by its instrument's published rules.

Each response gives every score of its instrument it can (a SWEMWBS response gives the
raw total and the metric score), or says why it cannot: an item out of range, items
missing where the instrument needs them all, a given total out of range or, for SWEMWBS,
a metric score that is not in the conversion table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..issues import IssueType, Severity, register
from .registry import Instrument
from .responses import Response, ResponseReader

register(
    IssueType("response-item-out-of-range", "Item score out of range", Severity.ERROR,
              "responses", "An item's score is outside the instrument's range, or not a number.",
              "Item {item} is {shown}; {instrument} items are scored {low} to {high}.",
              "Check the answer against the questionnaire; the response is left out until "
              "it is corrected."),
    IssueType("response-incomplete", "Incomplete response", Severity.WARNING, "responses",
              "Items are missing, and the instrument is scored only when every item is "
              "answered. The response is counted as excluded, not dropped silently.",
              "{missing} of {count} items are unanswered, so there is no {instrument} score.",
              "If the answers exist, add them; otherwise nothing to do: the response is "
              "counted among those excluded."),
    IssueType("response-total-out-of-range", "Total out of range", Severity.ERROR,
              "responses", "A given total is outside the score's range, or is not one the "
              "scale can take.",
              "The total {shown} is not a possible {score} score ({low} to {high}).",
              "Check the total and its scale; the response is left out until corrected."),
    IssueType("response-no-answers", "No answers", Severity.ERROR, "responses",
              "A response gives neither item answers nor a total.",
              "This {instrument} response has no item answers and no total.",
              "Add the answers, or delete the row."),
)


@dataclass
class Scored:
    response: Response
    scores: dict[str, float] = field(default_factory=dict)
    excluded: str | None = None  # why no score: an issue code


def _fmt(value: float) -> str:
    return f"{value:g}"


def _given(instrument: Instrument, response: Response, reader: ResponseReader,
           scored: Scored) -> Scored:
    """A total given rather than items (PAM, or a pre-computed total with its scale)."""
    total = response.total
    wanted = response.scale or instrument.default_score
    score = instrument.score(wanted) or instrument.score(f"{instrument.code}-{wanted}")
    if score is None:
        score = next((s for s in instrument.scores if s.score_type.endswith(wanted)), None)
    if score is None or not isinstance(total, (int, float)):
        target = score.score_type if score else wanted
        reader.issue("response-total-out-of-range", response.row, "total", shown=repr(total),
                     score=target, low="?", high="?")
        scored.excluded = "response-total-out-of-range"
        return scored
    valid = score.minimum <= total <= score.maximum and (
        not score.integer or float(total).is_integer())
    if score.method == "table" and valid:
        valid = total in dict(score.table).values()
    if not valid:
        reader.issue("response-total-out-of-range", response.row, "total", shown=_fmt(total),
                     score=score.score_type, low=_fmt(score.minimum), high=_fmt(score.maximum))
        scored.excluded = "response-total-out-of-range"
        return scored
    scored.scores[score.score_type] = total
    for other in instrument.scores:  # a raw total also gives its converted score
        if other.method == "table" and other.source == score.score_type:
            converted = other.convert(total)
            if converted is not None:
                scored.scores[other.score_type] = converted
    return scored


@dataclass(frozen=True)
class _Plan:
    """An instrument's scores, sorted by how they are worked out, for the fast path."""

    sums: tuple[str, ...]
    items: tuple[tuple[str, int], ...]
    tables: tuple[tuple[str, str, object], ...]


_PLANS: dict[int, _Plan] = {}


def _plan(instrument: Instrument) -> _Plan:
    plan = _PLANS.get(id(instrument))
    if plan is None:
        plan = _PLANS[id(instrument)] = _Plan(
            tuple(s.score_type for s in instrument.scores if s.method == "sum"),
            tuple((s.score_type, s.item - 1) for s in instrument.scores if s.method == "item"),
            tuple((s.score_type, s.source, s.convert) for s in instrument.scores
                  if s.method == "table"))
    return plan


def _complete(instrument: Instrument, items: list) -> bool:
    """Every item answered with a whole number in range: the common case."""
    if len(items) != instrument.item_count:
        return False
    low, high = instrument.item_minimum, instrument.item_maximum
    for value in items:
        if value.__class__ is not int or value < low or value > high:
            return False
    return True


def _reverse(instrument: Instrument, items: list) -> list:
    """The answers with the reverse-scored items turned round (answers already checked)."""
    if not instrument.reversed:
        return items
    flip = instrument.item_minimum + instrument.item_maximum
    return [flip - v if v is not None and n in instrument.reversed else v
            for n, v in enumerate(items, start=1)]


def score(instrument: Instrument, response: Response, reader: ResponseReader) -> Scored:
    """Every score the response gives, or why it gives none."""
    items = response.items[: instrument.item_count] if instrument.item_count else []
    if instrument.item_count and _complete(instrument, items):
        items = _reverse(instrument, items)
        plan = _plan(instrument)
        scores: dict[str, float] = {}
        if plan.sums:
            total = sum(items)
            for name in plan.sums:
                scores[name] = total
        for name, index in plan.items:
            scores[name] = items[index]
        for name, source, convert in plan.tables:
            if source in scores:
                converted = convert(scores[source])
                if converted is not None:
                    scores[name] = converted
        return Scored(response, scores)
    return _score_carefully(instrument, response, reader, items)


def _score_carefully(instrument: Instrument, response: Response, reader: ResponseReader,
                     items: list) -> Scored:
    scored = Scored(response)
    answered = [v for v in items if v is not None]
    if not answered:
        if response.total is not None:
            return _given(instrument, response, reader, scored)
        reader.issue("response-no-answers", response.row, instrument=instrument.title)
        scored.excluded = "response-no-answers"
        return scored
    for number, value in enumerate(items, start=1):
        if value is None:
            continue
        if isinstance(value, str) or not (instrument.item_minimum <= value <=
                                          instrument.item_maximum) or value != int(value):
            reader.issue("response-item-out-of-range", response.row, f"Item {number}",
                         item=number,
                         shown=repr(value) if isinstance(value, str) else _fmt(value),
                         instrument=instrument.title, low=_fmt(instrument.item_minimum),
                         high=_fmt(instrument.item_maximum))
            scored.excluded = "response-item-out-of-range"
            return scored
    complete = len(answered) == instrument.item_count and len(items) == instrument.item_count
    items = _reverse(instrument, items)
    for s in instrument.scores:
        if s.method == "item":
            value = items[s.item - 1] if s.item - 1 < len(items) else None
            if value is not None:
                scored.scores[s.score_type] = value
        elif s.method == "sum" and complete:
            scored.scores[s.score_type] = sum(items)
    for s in instrument.scores:
        if s.method == "table" and s.source in scored.scores:
            converted = s.convert(scored.scores[s.source])
            if converted is not None:
                scored.scores[s.score_type] = converted
    if not scored.scores:
        missing = instrument.item_count - len(answered)
        reader.issue("response-incomplete", response.row, missing=missing,
                     count=instrument.item_count, instrument=instrument.title)
        scored.excluded = "response-incomplete"
    return scored
