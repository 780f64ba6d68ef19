"""The comparison report: one self-contained HTML page (charts embedded, no scripts, no
web requests), the same figures as CSV tables, and each chart as PNG and SVG.

On the page codes are shown by their titles; the CSV files keep the codes, with title
columns beside them. Every value from a dataset is escaped before it reaches the page, and
CSV text that a spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from .. import __version__
from ..checks.data import LADDER
from ..output import check_folder, folder_output
from . import charts
from .costs import RULE
from .findings import DESIGNS, REASONS, Findings
from .sections import PRINCIPLES, STATUSES, Section, csv_bytes, report_sections, stratum
from .wording import HOW_TO_READ, method, number, percent, selection, settings, title

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;max-width:62rem;
margin:0 auto;padding:1rem 1.5rem;line-height:1.5}
table{border-collapse:collapse;margin:0.5rem 0 1.5rem}th,td{border:1px solid #b1b4b6;
padding:0.25rem 0.6rem;text-align:left;vertical-align:top}td.n{text-align:right}
caption{text-align:left;font-weight:600;padding:0.3rem 0}img{max-width:100%;height:auto}
.note{border-left:4px solid #E69F00;padding:0.2rem 0.8rem 0.2rem 1.8rem;background:#fff8e6}
.lede{font-size:1.1rem}nav{background:#f3f2f1;padding:0.3rem 1rem}a{color:#005ea5}
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
        return number(value)
    return "" if value is None else str(value)


SHOWN = 100  # rows of a table shown on the page; the CSV file has them all


def _table(section: Section) -> str:
    headings, rows = section.page
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headings)
    name = section.name
    more = (f'<p>Showing {SHOWN} of {len(rows):,} rows: all are in <a href="tables/{name}.csv">'
            f"tables/{name}.csv</a>.</p>" if len(rows) > SHOWN else "")
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{escape(_cell(v))}</td>' if isinstance(v, int | float)
                         and not isinstance(v, bool) else f"<td>{escape(_cell(v))}</td>"
                         for v in row) + "</tr>" for row in rows[:SHOWN])
    return (f"<table><caption>{escape(section.caption)}</caption><thead><tr>{head}</tr>"
            f"</thead><tbody>{body}</tbody></table>{more}")


def _figure(svg: bytes | None, alt: str, name: str, chart_title: str) -> str:
    if svg is None:
        return (f'<p class="note">The chart &#8220;{escape(chart_title)}&#8221; could not be '
                "drawn; its figures are in the tables.</p>")
    data = base64.b64encode(svg).decode("ascii")
    return (f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{escape(alt)}">'
            f'<figcaption>Chart files: <a href="charts/{name}.svg">SVG</a>, '
            f'<a href="charts/{name}.png">PNG</a>.</figcaption></figure>')


Chart = tuple[str, Callable[..., tuple[bytes, bytes]], tuple]  # title, draw, arguments


def _charts(found: Findings, principle_rows: list[tuple]) -> dict[str, Chart]:
    """Every chart the report draws, by file name."""
    planned: dict[str, Chart] = {}
    if any(n for _, n in found.ladder):
        heading = "Projects by level on the ladder"
        planned["ladder"] = (heading, charts.bars, (
            heading, [title("ladder", level) for level, _ in found.ladder],
            [n for _, n in found.ladder], "Projects"))
    if any(sum(r[1:]) for r in principle_rows):
        heading = "The four principles across projects"
        planned["principles"] = (heading, charts.stacked, (
            heading, [p.capitalize() for p in PRINCIPLES], {s: [r[i + 1] for r in principle_rows]
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


def report_files(sections: list[Section], planned: dict[str, Chart]) -> list[str]:
    """The files of a report, relative to its folder: the only ones it writes."""
    return ["index.html", *(f"tables/{s.name}.csv" for s in sections),
            *(f"charts/{name}.{kind}" for name in planned for kind in ("png", "svg"))]


def _by_design(found: Findings) -> list[tuple[str, str, list]]:
    """(id, heading, analyses) for each design with analyses, in the order of DESIGNS;
    analyses that do not say their design come last."""
    groups = [(f"design-{code}", words[:1].upper() + words[1:], [
        a for a in found.analyses if stratum(a)[0] == code]) for code, words in DESIGNS.items()]
    rest = [a for a in found.analyses if stratum(a)[0] not in DESIGNS]
    groups.append(("design-not-stated", "Design not stated", rest))
    return [g for g in groups if g[2]]


def _ids(found: Findings) -> dict[int, str]:
    """A unique id on the page for each analysis."""
    ids: dict[int, str] = {}
    for a in found.analyses:
        base = f"analysis-{a.slug}"
        given, n = base, 2
        while given in ids.values():
            given, n = f"{base}-{n}", n + 1
        ids[id(a)] = given
    return ids


def _analysis(a, anchor: str, figure: str) -> str:
    p = a.pooled
    notes = "".join(f"<li>{escape(n)}</li>" for n in a.notes)
    return (f'<h4 id="{anchor}">{escape(a.title)}</h4><p>Pooled {escape(a.measure)}: '
            f"<strong>{number(p.estimate)}</strong> (95% interval {number(p.lower)} to "
            f"{number(p.upper)}; {escape(method(p))}) from {p.k} projects; tau\u00b2 = "
            f"{number(p.tau2, 3)}, I\u00b2 = {percent(p.i2)}.</p>"
            + (f'<p>Caveats:</p><ul class="note">{notes}</ul>' if notes else "") + figure)


def _not_pooled(found: Findings, table: str) -> str:
    counts = Counter(o.reason for o in found.left_out)
    order = [r for r in REASONS if r in counts] + sorted(set(counts) - set(REASONS))
    rows = "".join(f'<tr><td>{escape(title("reason", r))}</td><td class="n">{counts[r]}'
                   "</td></tr>" for r in order)
    summary = (f"<table><caption>Results not pooled, by reason</caption><thead><tr>"
               f'<th scope="col">Reason</th><th scope="col">Results</th></tr></thead>'
               f"<tbody>{rows}</tbody></table>" if counts else
               "<p>Every result measured after baseline was pooled.</p>")
    notes = "".join(f"<li>{escape(n)}</li>" for n in found.not_pooled)
    return (f'<h2 id="not-pooled">Results not pooled</h2><p>Every result measured after '
            f"baseline that no pooled estimate uses, with the reason. All of them, with "
            f'codes and titles, are in <a href="tables/not-pooled.csv">tables/not-pooled.csv'
            f"</a>.</p>{summary}" + (f"<ul>{notes}</ul>" if notes else "")
            + (table if found.left_out else ""))


def _contents(groups: list[tuple[str, str, list]], ids: dict[int, str]) -> str:
    designs = "".join(
        f'<li><a href="#{gid}">{escape(heading)}</a><ul>'
        + "".join(f'<li><a href="#{ids[id(a)]}">{escape(a.title)}</a></li>' for a in items)
        + "</ul></li>" for gid, heading, items in groups)
    entries = [("how-to-read", "How to read this page"), ("datasets", "Datasets combined"),
               ("ladder", "How far up the ladder projects went"),
               ("principles", "The four principles"), ("outcomes", "Outcomes and instruments"),
               ("costs", "Cost per participant")]
    items = "".join(f'<li><a href="#{i}">{escape(t)}</a></li>' for i, t in entries)
    return (f'<nav aria-labelledby="contents"><h2 id="contents">Contents</h2><ol>{items}'
            f'<li><a href="#meta">What the outcomes add up to</a>'
            + (f"<ul>{designs}</ul>" if designs else "") + "</li>"
            '<li><a href="#not-pooled">Results not pooled</a></li>'
            '<li><a href="#every-figure">Every pooled figure</a></li></ol></nav>')


def write_report(found: Findings, out: Path, store: str, *, force: bool = False) -> Written:
    """Write index.html, tables/*.csv and charts/*.png|svg into OUT (through
    ``coprod_standard.output``: with FORCE, only those files are replaced; anything else in
    OUT is left as it was, and chart files of an earlier report are listed, not deleted)."""
    if not hasattr(found, "left_out"):  # the Findings of an older compare
        found = Findings(**vars(found))
    sections = report_sections(found)
    planned = _charts(found, sections[2].rows)
    check_folder(out, report_files(sections, planned), force=force, inputs=[store])
    drawn = {name: _draw(chart) for name, chart in planned.items()}
    written = Written(out / "index.html", not_drawn=[planned[n][0] for n, d in drawn.items()
                                                     if d is None])
    html = {s.name: _table(s) for s in sections}
    svgs = {name: images[1] if images else None for name, images in drawn.items()}
    figures = {name: _figure(svgs[name], alt, name, planned[name][0])
               for name, alt in (("ladder", "Bar chart of projects by ladder level; the same "
                                  "figures are in the table below."),
                                 ("principles", "Stacked bar chart of how many projects met, "
                                  "partly met or did not evidence each principle; the same "
                                  "figures are in the table below.")) if name in planned}
    groups, ids = _by_design(found), _ids(found)
    pooled = "".join(
        f'<h3 id="{gid}">{escape(heading)}</h3>' + "".join(_analysis(
            a, ids[id(a)], _figure(svgs[f"forest-{a.slug}"], f"Forest plot for {a.title}: "
                                   "each project's result with its 95% interval and the "
                                   "pooled estimate; the figures are in the tables under "
                                   "Every pooled figure.", f"forest-{a.slug}", a.title))
            for a in items) for gid, heading, items in groups)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    how = "".join(f"<li>{line}</li>" for line in HOW_TO_READ)
    body = f"""<h1>Co-production datasets compared</h1>
<p class="lede">{escape(selection(found.selection))}</p>
<p>{escape(settings(found.settings))}</p>
<p>From <code>{escape(store)}</code>: {escape(found.summary())}. Made by coprod
{escape(__version__)} on {when}. Every figure here is also in the CSV files in
<a href="tables/">tables/</a>.</p>
{_contents(groups, ids)}
<h2 id="how-to-read">How to read this page</h2>
<ul>{how}</ul>
<h2 id="datasets">Datasets combined</h2>
{html['datasets']}
<h2 id="ladder">How far up the ladder projects went</h2>
<p>The ladder runs from {escape(title('ladder', LADDER[0]))} (lowest) to
{escape(title('ladder', LADDER[-1]))} (highest).</p>
{figures.get('ladder', '')}{html['ladder']}
<h2 id="principles">The four principles</h2>
<p>Assessed by the principles scorecard: a principle is met when it has evidence and the
practices the standard asks for.</p>
{figures.get('principles', '')}{html['principles']}
<h2 id="outcomes">Outcomes and instruments</h2>
{html['outcome-domains']}{html['instruments']}
<h2 id="costs">Cost per participant</h2>
<p class="note">{escape(RULE)} The reason is given for every project without one.</p>
{html['cost-per-participant']}
<h2 id="meta">What the outcomes add up to</h2>
<p>Results are pooled separately by design, population measured and window of months since
baseline, each project once, with a random-effects meta-analysis. Only datasets checked at
the publish level are pooled. Each dataset's figures are read under the disclosure policy it
was checked under: where counts were rounded to the nearest 5 (nhs-digital), 1/n in a variance
is the average of 1/k over every count k the published n may stand for.</p>
{pooled or '<p>No measure had results from two projects to pool.</p>'}
{_not_pooled(found, html['not-pooled'])}
<h2 id="every-figure">Every pooled figure</h2>
<p>The caveats of each analysis are given with it above, and in the Caveats column of
<a href="tables/meta-analyses.csv">tables/meta-analyses.csv</a>.</p>
{html['meta-analyses'] if found.analyses else '<p>Nothing was pooled.</p>'}
{html['meta-analysis-projects'] if found.analyses else ''}"""
    page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name='
            f'"viewport" content="width=device-width, initial-scale=1"><title>Co-production '
            f'datasets compared</title><style>{STYLE}</style></head><body><main>{body}'
            f"</main></body></html>\n")
    with folder_output(out) as staging:
        for s in sections:
            staging.write(f"tables/{s.name}.csv", csv_bytes(s.headings, s.rows))
            written.tables.append(out / "tables" / f"{s.name}.csv")
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
