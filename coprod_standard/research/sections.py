"""The tables of the comparison report: each as a CSV file (codes, with title columns
beside them) and as the page shows it (titles). CSV text that a spreadsheet would run as a
formula is neutralised."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from ..scorecard import MET, NOT_EVIDENCED, PARTLY
from ..tabular.cells import neutralise
from .findings import Findings
from .wording import method, percent, title

PRINCIPLES = ["equality", "diversity", "accessibility", "reciprocity"]
STATUSES = [MET, PARTLY, NOT_EVIDENCED]


@dataclass
class Section:
    """A table: its CSV file (codes, with title columns) and what the page shows."""
    name: str
    caption: str
    headings: list[str]  # the CSV's
    rows: list[tuple]
    shown: tuple[list[str], list[tuple]] | None = None  # the page's, when different

    @property
    def page(self) -> tuple[list[str], list[tuple]]:
        return self.shown or (self.headings, self.rows)


def csv_value(value):
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, float):
        return value + 0.0  # -0.0 is written as 0.0
    return "" if value is None else value


def csv_bytes(headings: list[str], rows: list[tuple]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headings)
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def stratum(analysis) -> tuple[str, str, str]:
    """Design, population and window of an analysis ("" when it does not say)."""
    stratum = getattr(analysis, "stratum", None)
    return (stratum.design, stratum.population, stratum.window) if stratum else ("", "", "")


def months(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def report_sections(found: Findings) -> list[Section]:
    """Every table in the report."""
    counts = {(p, s): n for p, s, n in found.principles}
    principle_rows = [(p, *(counts.get((p, s), 0) for s in STATUSES)) for p in PRINCIPLES]
    meta_rows, meta_shown = [], []
    for a in found.analyses:
        p = a.pooled
        design, population, window = stratum(a)
        better = getattr(a, "higher_is_better", None)
        meta_rows.append((a.title, design, title("design", design) if design else "",
                          population, title("population", population) if population else "",
                          window, getattr(a, "scale", ""), a.measure,
                          getattr(p, "method", "DL"), getattr(p, "interval", "normal"),
                          "" if better is None else ("higher" if better else "lower"),
                          p.k, p.estimate, p.lower, p.upper, p.tau2, p.i2, " ".join(a.notes)))
        meta_shown.append((a.title, a.measure, method(p), p.k, p.estimate, p.lower, p.upper,
                           p.tau2, percent(p.i2)))
    study_rows = [(a.title, s.label, s.n, getattr(s, "basis", ""), s.effect, s.lower,
                   s.upper) for a in found.analyses for s in a.pooled.studies]
    left = [(o.dataset, o.source, o.project, o.title, o.outcome, o.indicator, o.report,
             o.score_type, title("score-type", o.score_type), o.timepoint,
             title("timepoint", o.timepoint), months(o.months), o.population,
             title("population", o.population), o.design,
             title("design", o.design) if o.design else "", o.reason, o.because)
            for o in found.left_out]
    left_shown = [(o.title, f"{o.outcome} / {o.indicator}", title("score-type", o.score_type),
                   title("timepoint", o.timepoint), months(o.months),
                   title("population", o.population), o.because) for o in found.left_out]
    costs = [(*row, "")[:6] for row in found.costs]  # an older compare gives no reason
    return [
        Section("datasets", "Datasets combined (any kept out or not pooled are listed first), "
                "each with the disclosure policy and level it was checked at",
                ["Source", "Publisher", "Version", "Status", "Projects", "Disclosure policy",
                 "Checked at level", "Reason kept out"],
                sorted(found.sources, key=lambda r: r[3] == "valid")),
        Section("ladder", "Projects by level on the ladder of participation",
                ["Level", "Level title", "Projects"],
                [(c, title("ladder", c), n) for c, n in found.ladder],
                (["Level", "Projects"], [(title("ladder", c), n) for c, n in found.ladder])),
        Section("principles", "The four principles across projects",
                ["Principle", "Met", "Partly met", "Not evidenced"], principle_rows,
                (["Principle", "Met", "Partly met", "Not evidenced"],
                 [(p.capitalize(), *n) for p, *n in principle_rows])),
        Section("outcome-domains", "Outcome domains reported",
                ["Domain", "Domain title", "Result level", "Result level title", "Outcomes"],
                [(d, title("domain", d), r, title("result-level", r), n)
                 for d, r, n in found.domains],
                (["Domain", "Result level", "Outcomes"],
                 [(title("domain", d), title("result-level", r), n)
                  for d, r, n in found.domains])),
        Section("instruments", "Instruments used",
                ["Instrument", "Instrument title", "Score", "Score title", "Projects"],
                [(i, title("instrument", i), s, title("score-type", s), n)
                 for i, s, n in found.instruments],
                (["Instrument", "Score", "Projects"],
                 [(title("instrument", i), title("score-type", s), n)
                  for i, s, n in found.instruments])),
        Section("cost-per-participant", "Cost per participant",
                ["Project", "Title", "Costs (GBP)", "Participants",
                 "Cost per participant (GBP)", "Why no cost per participant"], costs,
                (["Project", "Costs (GBP)", "Participants", "Cost per participant (GBP)",
                  "Why no cost per participant"], [r[1:] for r in costs])),
        Section("meta-analyses", "Every pooled estimate",
                ["Analysis", "Design", "Design title", "Population", "Population title",
                 "Window", "Scale", "Measure", "Method", "Interval", "Better",
                 "Projects", "Pooled estimate", "95% CI lower", "95% CI upper",
                 "tau squared", "I squared", "Caveats"], meta_rows,
                (["Analysis", "Measure", "Method", "Projects", "Pooled estimate",
                  "95% CI lower", "95% CI upper", "tau\u00b2", "I\u00b2"], meta_shown)),
        Section("meta-analysis-projects", "Each project's result in each pooled estimate",
                ["Analysis", "Project", "People", "Basis", "Effect", "95% CI lower",
                 "95% CI upper"], study_rows),
        Section("not-pooled", "Every result not pooled, with its reason",
                ["Dataset", "Source", "Project", "Project title", "Outcome", "Indicator",
                 "Report", "Score type", "Score type title", "Timepoint", "Timepoint title",
                 "Months since baseline", "Population", "Population title", "Design",
                 "Design title", "Reason", "Reason sentence"], left,
                (["Project", "Outcome / indicator", "Score", "Timepoint",
                  "Months since baseline", "Population", "Why not pooled"], left_shown)),
    ]
