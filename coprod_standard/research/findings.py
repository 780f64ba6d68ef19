"""What `coprod compare` finds, as data: the strata an analysis belongs to (design,
population measured, window of months since baseline), each analysis, every result left
out with its reason, and the selections the reader asked for. The report (page.py) and
the charts read these; compare.py fills them."""

from __future__ import annotations

from dataclasses import dataclass, field

from .meta import Pooled

# How a result compares: against a randomised or another comparison group, or only with
# its own baseline. A result counts as controlled when it gives an adjusted effect or a
# comparison group's figures that can be used; otherwise it is a before-and-after change.
DESIGNS = {
    "randomised": "randomised comparison",
    "non-randomised": "non-randomised comparison",
    "before-after": "before and after, no comparison group",
}
NOT_STATED = "not-stated"  # a population or window the dataset does not give
POPULATION_NOT_STATED = "population not stated"
WINDOW_NOT_STATED = "time since baseline not stated"
# The windows of months since baseline, as their upper bounds: up to 12 months, over 12 to
# 24, over 24 to 60. A result later than the last bound is outside every window (left
# out). The setting is `coprod compare --windows 12,24,60`.
WINDOWS = (12.0, 24.0, 60.0)

# Why a result is not pooled: code -> the sentence the report shows.
REASONS = {
    "suppressed": "withheld by the publisher (too few people to publish safely)",
    "subgroup": "a subgroup's result: only whole-group results are pooled",
    "no-effect": "no change from baseline, no comparison group and no adjusted effect",
    "n-under-2": "fewer than 2 people, so it has no spread",
    "no-spread": "no standard deviation and no 95% interval, so its precision is unknown",
    "not-a-score": "a count or percentage with no standard codes to say what it counts, "
                   "so not a measure shared with others",
    "ratio-measure": "an adjusted effect given as a ratio or risk difference, which is not "
                     "pooled with differences in scores",
    "draft-level": "its dataset was checked below the publish level: small numbers may be "
                   "unsuppressed",
    "not-selected": "outside the selection asked for",
    "different-population": "a different population from the one selected",
    "outside-window": "measured later than the last window of months since baseline",
    "superseded": "superseded by a later timepoint of the same project in the same window",
    "project-counted": "the project is already counted in this analysis (the result from "
                       "the most people is used; a project published twice, or declared "
                       "the same as another, counts once)",
    "not-computable": "its figures are too extreme to compute with (a spread of zero, or "
                      "numbers too large), so the analysis could not be made",
    "nothing-to-pool": "the only project with this measure, design, population and window: "
                       "nothing to pool it with",
}


@dataclass
class Stratum:
    design: str  # a key of DESIGNS
    population: str  # a population code, or NOT_STATED
    window: str  # a window label (see `window_label`), or NOT_STATED

    def describe(self, titles: dict[str, str] | None = None) -> str:
        """'before and after, no comparison group; people who co-produced; over 6 to 12
        months after baseline' (population codes shown by their titles)."""
        population = (POPULATION_NOT_STATED if self.population == NOT_STATED
                      else (titles or {}).get(self.population, self.population))
        if population[1:2].islower():  # 'Mixed sample' reads 'mixed sample' mid-sentence
            population = population[0].lower() + population[1:]
        window = WINDOW_NOT_STATED if self.window == NOT_STATED else self.window
        return f"{DESIGNS[self.design]}; {population}; {window}"


def window_label(upper: float, bounds: tuple[float, ...] = WINDOWS) -> str:
    """The label of the window whose upper bound is UPPER: '0 to 6 months after baseline',
    'over 6 to 12 months after baseline'."""
    index = bounds.index(upper)
    lower = 0.0 if index == 0 else bounds[index - 1]
    start = "0" if index == 0 else f"over {lower:g}"
    return f"{start} to {upper:g} months after baseline"


def window_of(months: float | None, bounds: tuple[float, ...] = WINDOWS) -> str | None:
    """The window MONTHS falls in (NOT_STATED when unknown), or None when it is later than
    the last bound."""
    if months is None:
        return NOT_STATED
    for upper in bounds:
        if months <= upper:
            return window_label(upper, bounds)
    return None


@dataclass
class Analysis:
    title: str  # says its scale or domain, measure, design, population and window
    slug: str
    measure: str  # e.g. "mean change (points)", "mean difference (points)", "Hedges' g"
    pooled: Pooled
    notes: list[str]  # caveats, each said once
    stratum: Stratum | None = None
    scale: str = ""  # the score type (one scale) or the outcome domain (standardised)
    # Which direction of the measure is better: True higher, False lower, None either
    # (a standardised measure is signed so that improvement is positive: True).
    higher_is_better: bool | None = None


@dataclass
class LeftOut:
    """A result (one indicator report after baseline) that no analysis pooled."""
    dataset: str
    source: str
    project: str
    title: str  # the project's
    outcome: str
    indicator: str
    report: str
    score_type: str
    timepoint: str
    months: float | None
    population: str | None
    design: str | None
    reason: str  # a key of REASONS
    detail: str = ""  # more about the reason, when it helps

    @property
    def because(self) -> str:
        return REASONS[self.reason] + (f" ({self.detail})" if self.detail else "")


@dataclass
class Selection:
    """The selections a reviewer asked for; empty means everything. Each is also a plain
    SQL condition over the store (docs/research.md, 'Selecting what is compared')."""
    intervention_types: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    client_groups: tuple[str, ...] = ()
    ladder_levels: tuple[str, ...] = ()
    designs: tuple[str, ...] = ()
    populations: tuple[str, ...] = ()
    years: tuple[int | None, int | None] = (None, None)  # the result measured in these

    def empty(self) -> bool:
        return not (self.intervention_types or self.settings or self.client_groups
                    or self.ladder_levels or self.designs or self.populations
                    or any(y is not None for y in self.years))


@dataclass
class Settings:
    method: str = "DL"  # "DL" (DerSimonian-Laird) or "REML"
    hksj: bool = False  # the Hartung-Knapp-Sidik-Jonkman interval instead of the normal
    windows: tuple[float, ...] = WINDOWS


@dataclass
class Findings:
    sources: list[tuple] = field(default_factory=list)  # one row per dataset combined
    ladder: list[tuple[str, int]] = field(default_factory=list)
    principles: list[tuple[str, str, int]] = field(default_factory=list)
    domains: list[tuple[str, str, int]] = field(default_factory=list)
    instruments: list[tuple[str, str, int]] = field(default_factory=list)
    # project, title, costs, participants, cost per participant (None where not shown),
    # and why it is not shown
    costs: list[tuple] = field(default_factory=list)
    analyses: list[Analysis] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    not_pooled: list[str] = field(default_factory=list)  # notes on the whole store
    selection: Selection = field(default_factory=Selection)
    settings: Settings = field(default_factory=Settings)

    def summary(self) -> str:
        """How many datasets, by status ("valid at draft level only" for a dataset checked
        below the publish level), and how many projects."""
        counts: dict[str, int] = {}
        for row in self.sources:
            counts[row[3]] = counts.get(row[3], 0) + 1
        parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        projects = sum(n for _, n in self.ladder)
        return (f"{len(self.sources)} dataset{'s' if len(self.sources) != 1 else ''} "
                f"({parts}), {projects} project{'s' if projects != 1 else ''} analysed")
