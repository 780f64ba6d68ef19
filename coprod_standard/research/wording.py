"""How the report words things: numbers (never "-0.00"), codes by their titles, the
method and interval of a pooled estimate, which direction of a measure is better, and the
selections a reviewer asked for."""

from __future__ import annotations

from functools import cache

from .findings import DESIGNS, NOT_STATED, REASONS, Selection, Settings, window_label

METHODS = {"DL": "DerSimonian-Laird", "REML": "restricted maximum likelihood (REML)"}
INTERVALS = {"normal": "normal 95% interval",
             "HKSJ": "Hartung-Knapp-Sidik-Jonkman 95% interval"}
# Code lists by the kind of code they hold (the CSV files keep the codes).
LISTS = {"ladder": "participation-level.csv", "domain": "outcome-domain.csv",
         "result-level": "result-level.csv", "instrument": "instrument.csv",
         "score-type": "score-type.csv", "population": "population.csv",
         "intervention-type": "intervention-type.csv", "setting": "setting.csv",
         "client-group": "client-group.csv", "timepoint": "timepoint.csv"}

# The page's "How to read this page", in plain words (HTML).
HOW_TO_READ = [
    "A <strong>pooled estimate</strong> combines several projects' results into one "
    "figure, giving more weight to results measured more precisely (usually from more "
    "people).",
    "A <strong>95% interval</strong> is the range the true figure is likely to be in: a "
    "wide interval means the figure is uncertain; an interval that crosses 0 means the "
    "results are consistent with no change or no difference.",
    "<strong>tau\u00b2</strong> and <strong>I\u00b2</strong> say how much the projects' "
    "results differ from each other beyond chance: I\u00b2 of 0% means not at all, 50% or "
    "more means a great deal, so the pooled figure hides real differences.",
    "A <strong>forest plot</strong> draws each project's result as a square (bigger for "
    "more weight) with a line for its 95% interval; the diamond at the bottom is the pooled "
    "estimate, its width the pooled interval. Under the axis it says which way is better.",
    "The <strong>design</strong> says what a result is compared with: a randomised or "
    "another comparison group (stronger evidence), or only the same people before the "
    "project (a change that might have happened anyway).",
    "The <strong>population</strong> is who was measured (for example the people who "
    "co-produced, or the people using the service); the <strong>window</strong> is how "
    "many months after the start (baseline) the result was measured.",
    "Results are pooled only with others of the same design, population and window; every "
    "result left out is listed, with its reason, under "
    "<a href=\"#not-pooled\">Results not pooled</a>.",
]


def number(value: float | None, places: int = 2) -> str:
    """VALUE to PLACES decimals with thousands separators; a value that rounds to zero is
    0.00, never -0.00."""
    if value is None:
        return ""
    text = f"{value:,.{places}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def percent(value: float) -> str:
    return number(100 * value, 0) + "%"


@cache
def _codelist(kind: str):
    from ..codelists import find_codelist
    from .tables import store_version

    return find_codelist(store_version(), LISTS[kind]) if kind in LISTS else None


def title(kind: str, code) -> str:
    """The title of CODE in the code list for KIND (a design, a reason or a code from the
    standard's lists); the code itself when it is not in the list."""
    if not isinstance(code, str):
        return "" if code is None else str(code)
    if kind == "design":
        return DESIGNS.get(code, code)
    if kind == "reason":
        return REASONS.get(code, code)
    if kind == "population" and code == NOT_STATED:
        return "Not stated"
    found = _codelist(kind)
    entry = found.get(code) if found else None
    return entry.title if entry else code


def method(pooled) -> str:
    """'random effects (DerSimonian-Laird), normal 95% interval'."""
    how = METHODS.get(getattr(pooled, "method", "DL"), getattr(pooled, "method", "DL"))
    interval = getattr(pooled, "interval", "normal")
    return f"random effects ({how}), {INTERVALS.get(interval, interval)}"


def standardised(measure: str) -> bool:
    return any(word in measure.lower() for word in ("standardised", "hedges", "smd"))


def direction(analysis) -> str:
    """Which way along the axis is better, with an arrow pointing that way; "" when the
    direction is not known."""
    better = getattr(analysis, "higher_is_better", None)
    if standardised(analysis.measure):
        better = True if better is None else better
        return ("favours the project (improvement) \u2192" if better
                else "\u2190 favours the project (improvement)")
    if better is None:
        return ""
    stratum = getattr(analysis, "stratum", None)
    if stratum is not None and stratum.design in ("randomised", "non-randomised"):
        return ("project group better \u2192" if better
                else "\u2190 project group better")
    return "higher is better \u2192" if better else "\u2190 lower is better"


def _words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def selection(chosen: Selection) -> str:
    """'Selected: intervention type peer support; population: people using the service;
    years 2022 to 2024', or that everything was compared."""
    if chosen.empty():
        return "Selected: every project and result in the store."
    parts = []
    for label, kind, codes in (
            ("intervention type", "intervention-type", chosen.intervention_types),
            ("setting", "setting", chosen.settings),
            ("client group", "client-group", chosen.client_groups),
            ("ladder level", "ladder", chosen.ladder_levels),
            ("design", "design", chosen.designs),
            ("population", "population", chosen.populations)):
        if codes:
            parts.append(f"{label}: {_words([title(kind, c) for c in codes])}")
    start, end = chosen.years
    if start is not None or end is not None:
        parts.append("years " + (f"{start} to {end}" if start is not None and end is not None
                                 else f"from {start}" if start is not None else f"up to {end}"))
    return "Selected: " + "; ".join(parts) + "."


def settings(chosen: Settings) -> str:
    """The pooling method, the interval and the windows of months since baseline."""
    interval = ("Hartung-Knapp-Sidik-Jonkman 95% interval" if chosen.hksj
                else "normal 95% interval")
    windows = [window_label(upper, tuple(chosen.windows)) for upper in chosen.windows]
    return (f"Pooled with random effects ({METHODS.get(chosen.method, chosen.method)}), "
            f"{interval}; windows of time since baseline: {'; '.join(windows)}.")
