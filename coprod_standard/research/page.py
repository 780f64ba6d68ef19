"""The comparison report: one self-contained HTML page (charts embedded, no scripts, no
web requests), the same figures as CSV tables, and each chart as PNG and SVG.

Every value from a dataset is escaped before it reaches the page, and CSV text that a
spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from .. import __version__
from ..checks.data import LADDER
from ..output import check_folder, folder_output
from ..scorecard import MET, NOT_EVIDENCED, PARTLY
from ..tabular.cells import neutralise
from . import charts
from .compare import Findings

PRINCIPLES = ["equality", "diversity", "accessibility", "reciprocity"]
STATUSES = [MET, PARTLY, NOT_EVIDENCED]
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;max-width:62rem;
margin:0 auto;padding:1rem 1.5rem;line-height:1.5}
table{border-collapse:collapse;margin:0.5rem 0 1.5rem}th,td{border:1px solid #b1b4b6;
padding:0.25rem 0.6rem;text-align:left;vertical-align:top}td.n{text-align:right}
caption{text-align:left;font-weight:600;padding:0.3rem 0}img{max-width:100%;height:auto}
.note{border-left:4px solid #E69F00;padding:0.2rem 0.8rem;background:#fff8e6}
a{color:#005ea5}
"""


@dataclass
class Written:
    page: Path
    tables: list[Path] = field(default_factory=list)
    charts: list[Path] = field(default_factory=list)
    not_drawn: list[str] = field(default_factory=list)  # charts that failed, by title
    left_in_place: list[Path] = field(default_factory=list)  # in charts/, not written now


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    return "" if value is None else str(value)


SHOWN = 100  # rows of a table shown on the page; the CSV file has them all


def _table(caption: str, headings: list[str], rows: list[tuple], name: str) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headings)
    more = (f'<p>Showing {SHOWN} of {len(rows):,} rows: all are in <a href="tables/{name}.csv">'
            f"tables/{name}.csv</a>.</p>" if len(rows) > SHOWN else "")
    rows = rows[:SHOWN]
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{escape(_cell(v))}</td>' if isinstance(v, int | float)
                         and not isinstance(v, bool) else f"<td>{escape(_cell(v))}</td>"
                         for v in row) + "</tr>" for row in rows)
    return (f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>{more}")


def _figure(svg: bytes | None, alt: str, name: str, title: str) -> str:
    if svg is None:
        return (f'<p class="note">The chart &#8220;{escape(title)}&#8221; could not be drawn; '
                "its figures are in the tables.</p>")
    data = base64.b64encode(svg).decode("ascii")
    return (f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{escape(alt)}">'
            f'<figcaption>Chart files: <a href="charts/{name}.svg">SVG</a>, '
            f'<a href="charts/{name}.png">PNG</a>.</figcaption></figure>')


# On the page, codes are shown by their titles (the CSV files keep the codes).
TITLED = {"ladder": {0: "participation-level.csv"},
          "outcome-domains": {0: "outcome-domain.csv", 1: "result-level.csv"},
          "instruments": {0: "instrument.csv", 1: "score-type.csv"}}


def _titled(name: str, rows: list[tuple]) -> list[tuple]:
    from ..codelists import find_codelist
    from .tables import store_version

    columns = TITLED.get(name, {})
    lists = {i: find_codelist(store_version(), n) for i, n in columns.items()}

    def title(i: int, value):
        code = lists[i].get(value) if lists.get(i) and isinstance(value, str) else None
        return code.title if code else value
    return [tuple(title(i, v) if i in columns else v for i, v in enumerate(row))
            for row in rows]


def _csv_bytes(headings: list[str], rows: list[tuple]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headings)
    for row in rows:
        writer.writerow([neutralise(v) if isinstance(v, str) else ("" if v is None else v)
                         for v in row])
    return buffer.getvalue().encode("utf-8")


def _sections(found: Findings) -> list[tuple[str, str, list[str], list[tuple]]]:
    """(file name, caption, headings, rows) for every table in the report."""
    principle_rows = []
    counts = {(p, s): n for p, s, n in found.principles}
    for principle in PRINCIPLES:
        principle_rows.append((principle, *(counts.get((principle, s), 0) for s in STATUSES)))
    meta_rows = [(a.title, a.measure, a.pooled.k, a.pooled.estimate, a.pooled.lower,
                  a.pooled.upper, a.pooled.tau2, a.pooled.i2, " ".join(a.notes))
                 for a in found.analyses]
    study_rows = [(a.title, s.label, s.n, s.effect, s.lower, s.upper)
                  for a in found.analyses for s in a.pooled.studies]
    return [
        ("datasets", "Datasets combined (any kept out or not pooled are listed first), "
         "each with the disclosure policy and level it was checked at",
         ["Source", "Publisher", "Version", "Status", "Projects", "Disclosure policy",
          "Checked at level", "Reason kept out"],
         sorted(found.sources, key=lambda r: r[3] == "valid")),
        ("ladder", "Projects by level on the ladder of participation",
         ["Level", "Projects"], found.ladder),
        ("principles", "The four principles across projects",
         ["Principle", "Met", "Partly met", "Not evidenced"], principle_rows),
        ("outcome-domains", "Outcome domains reported", ["Domain", "Result level",
                                                         "Outcomes"], found.domains),
        ("instruments", "Instruments used", ["Instrument", "Score", "Projects"],
         found.instruments),
        ("cost-per-participant", "Cost per participant",
         ["Project", "Title", "Costs (GBP)", "Participants", "Cost per participant (GBP)"],
         found.costs),
        ("meta-analyses", "Random-effects meta-analyses (DerSimonian-Laird)",
         ["Analysis", "Measure", "Projects", "Pooled estimate", "95% CI lower",
          "95% CI upper", "tau squared", "I squared", "Caveats"], meta_rows),
        ("meta-analysis-projects", "Each project's result in each meta-analysis",
         ["Analysis", "Project", "People", "Effect", "95% CI lower", "95% CI upper"],
         study_rows),
    ]


def _percent_i2(rows: list[tuple]) -> list[tuple]:
    return [(*r[:7], f"{r[7]:.0%}", r[8]) for r in rows]


Chart = tuple[str, Callable[..., tuple[bytes, bytes]], tuple]  # title, draw, arguments


def _charts(found: Findings, principle_rows: list[tuple]) -> dict[str, Chart]:
    """Every chart the report draws, by file name."""
    planned: dict[str, Chart] = {}
    if any(n for _, n in found.ladder):
        title = "Projects by level on the ladder"
        planned["ladder"] = (title, charts.bars, (title, [level for level, _ in found.ladder],
                                                  [n for _, n in found.ladder], "Projects"))
    if any(sum(r[1:]) for r in principle_rows):
        title = "The four principles across projects"
        planned["principles"] = (title, charts.stacked, (
            title, PRINCIPLES, {s: [r[i + 1] for r in principle_rows]
                                for i, s in enumerate(STATUSES)}, "Projects"))
    for analysis in found.analyses:
        planned[f"forest-{analysis.slug}"] = (analysis.title, charts.forest, (analysis,))
    return planned


def _draw(chart: Chart) -> tuple[bytes, bytes] | None:
    """A chart's PNG and SVG, or None if it could not be drawn: one chart (a title that
    matplotlib cannot lay out, say) never stops the report."""
    _, draw, arguments = chart
    try:
        return draw(*arguments)
    except Exception:  # noqa: BLE001 - the report says which chart is missing
        charts.close_all()
        return None


def report_files(sections: list, planned: dict[str, Chart]) -> list[str]:
    """The files of a report, relative to its folder: the only ones it writes."""
    return ["index.html", *(f"tables/{name}.csv" for name, *_ in sections),
            *(f"charts/{name}.{kind}" for name in planned for kind in ("png", "svg"))]


def write_report(found: Findings, out: Path, store: str, *, force: bool = False) -> Written:
    """Write index.html, tables/*.csv and charts/*.png|svg into OUT (through
    ``coprod_standard.output``: with FORCE, only those files are replaced; anything else in
    OUT is left as it was, and chart files of an earlier report are listed, not deleted)."""
    sections = _sections(found)
    planned = _charts(found, sections[2][3])
    files = report_files(sections, planned)
    check_folder(out, files, force=force, inputs=[store])
    drawn = {name: _draw(chart) for name, chart in planned.items()}
    written = Written(out / "index.html", not_drawn=[planned[n][0] for n, d in drawn.items()
                                                     if d is None])
    html = {name: _table(caption, headings, _titled(name, rows) if name != "meta-analyses"
                         else _percent_i2(rows), name)
            for name, caption, headings, rows in sections}
    svgs = {name: images[1] if images else None for name, images in drawn.items()}
    figures = {name: _figure(svgs[name], alt, name, planned[name][0])
               for name, alt in (("ladder", "Bar chart of projects by ladder level; the same "
                                  "figures are in the table below."),
                                 ("principles", "Stacked bar chart of how many projects met, "
                                  "partly met or did not evidence each principle; the same "
                                  "figures are in the table below.")) if name in planned}
    forests = []
    for analysis in found.analyses:
        name = f"forest-{analysis.slug}"
        p = analysis.pooled
        notes = "".join(f"<li>{escape(n)}</li>" for n in analysis.notes)
        forests.append(
            f"<h3>{escape(analysis.title)}</h3><p>Pooled {escape(analysis.measure)}: "
            f"<strong>{p.estimate:.2f}</strong> (95% CI {p.lower:.2f} to {p.upper:.2f}) from "
            f"{p.k} projects; tau\u00b2 = {p.tau2:.3g}, I\u00b2 = {p.i2:.0%}.</p>"
            + (f'<ul class="note">{notes}</ul>' if notes else "")
            + _figure(svgs[name], f"Forest plot for {analysis.title}: each project's result "
                      "with its 95% interval and the pooled estimate; the figures are in the "
                      "meta-analysis tables.", name, analysis.title))
    not_pooled = "".join(f"<li>{escape(n)}</li>" for n in found.not_pooled)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = f"""<h1>Co-production datasets compared</h1>
<p>From <code>{escape(store)}</code>: {found.summary()}. Made by coprod {escape(__version__)}
on {when}. Every figure here is also in the CSV files in <a href="tables/">tables/</a>.</p>
{html['datasets']}
<h2 id="ladder">How far up the ladder projects went</h2>
<p>The ladder runs from {escape(LADDER[0])} (lowest) to {escape(LADDER[-1])} (highest).</p>
{figures.get('ladder', '')}{html['ladder']}
<h2 id="principles">The four principles</h2>
<p>Assessed by the principles scorecard: a principle is met when it has evidence and the
practices the standard asks for.</p>
{figures.get('principles', '')}{html['principles']}
<h2 id="outcomes">Outcomes and instruments</h2>
{html['outcome-domains']}{html['instruments']}
<h2 id="costs">Cost per participant</h2>
<p class="note">Costs are the project's costs as published; participants are the sum of its
participant groups' counts, so someone in two groups counts twice, and groups whose size was
withheld are left out. Read these as rough guides, not unit costs.</p>
{html['cost-per-participant']}
<h2 id="meta">What the outcomes add up to</h2>
<p>For each instrument measured by more than one project, and for each outcome domain measured
on different scales, a random-effects meta-analysis (DerSimonian and Laird) of the change from
baseline, using each project's latest whole-group result. Changes measured on different scales
are standardised (change divided by its standard deviation, with improvement positive).
Each dataset's figures are read under the disclosure policy it was checked under: where counts
were rounded to the nearest 5 (nhs-digital), 1/n in a variance is the average of 1/k over
every count k the published n may stand for (a mean change's variance is its SD squared times
that average, not SD squared divided by n). Only datasets checked at the publish level are
pooled.</p>
{''.join(forests) or '<p>No instrument or outcome domain had results from two projects.</p>'}
{f'<h3>Not pooled</h3><ul>{not_pooled}</ul>' if not_pooled else ''}
{html['meta-analyses'] if found.analyses else ''}
{html['meta-analysis-projects'] if found.analyses else ''}"""
    page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name='
            f'"viewport" content="width=device-width, initial-scale=1"><title>Co-production '
            f'datasets compared</title><style>{STYLE}</style></head><body><main>{body}'
            f"</main></body></html>\n")
    with folder_output(out) as staging:
        for name, _, headings, rows in sections:
            staging.write(f"tables/{name}.csv", _csv_bytes(headings, rows))
            written.tables.append(out / "tables" / f"{name}.csv")
        for name, images in drawn.items():
            for kind, data in zip(("png", "svg"), images or (), strict=False):
                staging.write(f"charts/{name}.{kind}", data)
                written.charts.append(out / "charts" / f"{name}.{kind}")
        staging.write("index.html", page)
    ours = set(written.charts)
    written.left_in_place = sorted(p for p in (out / "charts").glob("*") if p not in ours
                                   and p.suffix in (".png", ".svg"))
    written.charts.sort()
    return written
