"""The comparison report (issue 19, point 6): a hand-made set of findings written to a real
folder and read back (page, CSV files, SVG charts), and the cost-per-participant rule on a
real DuckDB store made from the bundled examples."""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
import textwrap
from html import escape, unescape

import duckdb
import pytest

from coprod_standard.research.combine import combine
from coprod_standard.research.costs import cost_rows
from coprod_standard.research.findings import (
    REASONS,
    Analysis,
    Findings,
    LeftOut,
    Selection,
    Settings,
    Stratum,
    window_label,
)
from coprod_standard.research.meta import Pooled, Study
from coprod_standard.research.page import write_report
from coprod_standard.research.sources import expand
from coprod_standard.research.wording import number
from tests.conftest import ROOT

LONG = ("The Northern Borders Community Befriending and Peer Support Partnership for Older "
        "People Living Alone in Rural Villages")
LONGER = ("A very long project name that goes on and on: Supporting Carers Together Through "
          "Co-produced Short Breaks, Peer Groups and Advice Sessions Across Three Counties")
NEGATIVE_ZERO = re.compile(r"(?<![\d.])-0(\.0+)?(?![\d.])")  # "-0", "-0.0", "-0.00"


def _pooled(estimate, lower, upper, labels, method="REML", interval="HKSJ"):
    studies = [Study(label, effect, 0.04, 30 + i, basis="change scores")
               for i, (label, effect) in enumerate(labels)]
    return Pooled(len(studies), estimate, lower, upper, 0.0123, 0.42, 3.1, estimate, studies,
                  method=method, interval=interval, se=0.1)


def _left(reason, population="co-producers", months=18.0, detail=""):
    return LeftOut("d1", "examples/x.json", "p-" + reason, "A project with a result left out",
                   "o1", "i1", "r1", "ucla3-total", "follow-up", months, population,
                   "before-after", reason, detail)


@pytest.fixture
def findings():
    early = window_label(24.0)
    analyses = [
        Analysis("Loneliness (UCLA 3-item): mean difference, randomised, people using the "
                 "service, " + early, "a-one", "mean difference (points)",
                 _pooled(-0.004, -0.31, 0.29, [(LONG, -0.0), ("Short name", 0.1)]),
                 ["Caveat one: only two projects, so tau squared is very uncertain."],
                 Stratum("randomised", "service-users", early), "ucla3-total", True),
        Analysis("Loneliness (UCLA 3-item): mean change, before and after, people who "
                 "co-produced, over 6 to 12 months", "a-two", "mean change (points)",
                 _pooled(-1.2, -2.0, -0.4, [(LONGER, -1.5), (LONG, -0.9), ("Third", -1.1)]),
                 ["Caveat two: results differ a great deal (I squared 50% or more).",
                  "Caveat three: fewer than 30 people in one project."],
                 Stratum("before-after", "co-producers", window_label(12.0)), "ucla3-total",
                 False),
        Analysis("Mental wellbeing: Hedges' g across scales, non-randomised, people using "
                 "the service, " + early, "a-three", "Hedges' g (improvement positive)",
                 _pooled(0.25, 0.05, 0.45, [(LONG, 0.3), ("Other project", 0.2)]),
                 ["Caveat four: different instruments standardised."],
                 Stratum("non-randomised", "service-users", early), "mental-wellbeing", True),
    ]
    left = [_left("suppressed"), _left("n-under-2"), _left("outside-window", months=72.0),
            _left("different-population", population="staff"),
            _left("no-spread", months=None, detail="only a mean")]
    return Findings(
        sources=[("examples/x.json", "GB-CHC-1", "1.2", "valid", 3, "nhs-digital", "publish",
                  None)],
        ladder=[("informing", 0), ("co-production", 3)],
        principles=[("equality", "met", 2)],
        domains=[("mental-wellbeing", "individual", 2)],
        instruments=[("ucla3", "ucla3-total", 2)],
        costs=[("p1", LONG, 1000.0, 40, 25.0, ""),
               ("p2", "Withheld", 500.0, 10, None, "1 participant group withheld")],
        analyses=analyses, left_out=left, not_pooled=["A note on the whole store."],
        selection=Selection(intervention_types=("peer-support",),
                            populations=("service-users",), years=(2022, 2024)),
        settings=Settings(method="REML", hksj=True))


@pytest.fixture
def report(findings, tmp_path):
    written = write_report(findings, tmp_path / "report", "study.duckdb")
    return written, written.page.read_text(encoding="utf-8")


def _text(page: str) -> str:
    """What a reader sees: the page without its tags and attributes."""
    return unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S)))


def _csv(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_no_number_is_written_as_negative_zero():
    assert number(-0.004) == "0.00" and number(-0.0) == "0.00" and number(0.0) == "0.00"
    assert number(-0.006) == "-0.01" and number(-1234.5) == "-1,234.50"
    assert number(-0.0004, 3) == "0.000" and number(-0.4, 0) == "0"


def test_every_contents_link_leads_to_a_place_on_the_page(findings, report):
    _, page = report
    nav = re.search(r"<nav.*?</nav>", page, re.S).group(0)
    links = re.findall(r'href="#([^"]+)"', nav)
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # every id once
    assert links and set(links) <= set(ids)
    for analysis in findings.analyses:  # each analysis is in the contents, by its title
        assert escape(analysis.title) in nav
    assert {"how-to-read", "not-pooled", "costs", "meta"} <= set(links)


def test_the_heading_says_the_selection_and_settings_and_how_to_read(report):
    _, page = report
    text = _text(page)
    assert "How to read this page" in text and "pooled estimate" in text
    assert ("Selected: intervention type: Peer support or peer support network; population: "
            "People using the co-produced service; years 2022 to 2024.") in text
    assert "restricted maximum likelihood (REML)" in text
    assert "Hartung-Knapp-Sidik-Jonkman 95% interval" in text
    assert window_label(60.0) in text  # the windows


def test_analyses_are_grouped_by_design_with_method_and_caveats_once(findings, report):
    _, page = report
    text = _text(page)
    order = [text.index(h) for h in ("Randomised comparison", "Non-randomised comparison",
                                     "Before and after, no comparison group")]
    assert order == sorted(order)
    for analysis in findings.analyses:
        assert text.count(analysis.title) >= 2  # in the contents and as its heading
        for note in analysis.notes:
            assert text.count(note) == 1, note
    assert "Pooled mean difference (points): 0.00 (95% interval -0.31 to 0.29; random " \
           "effects (restricted maximum likelihood (REML)), Hartung-Knapp-Sidik-Jonkman " \
           "95% interval) from 2 projects" in " ".join(text.split())
    rows = _csv(report[0].page.parent / "tables" / "meta-analyses.csv")
    assert [r["Caveats"] for r in rows] == [" ".join(a.notes) for a in findings.analyses]
    assert rows[0]["Design"] == "randomised" and rows[0]["Population"] == "service-users"


def test_no_negative_zero_on_the_page_or_in_any_table(report):
    written, page = report
    assert not NEGATIVE_ZERO.search(_text(page))
    for path in written.tables:
        assert not NEGATIVE_ZERO.search(path.read_text(encoding="utf-8")), path
    for path in written.charts:
        if path.suffix == ".svg":
            assert not NEGATIVE_ZERO.search(_text(path.read_text(encoding="utf-8"))), path


def test_codes_are_shown_by_their_titles(report):
    _, page = report
    text = _text(page)
    for code in ["service-users", "co-producers", "before-after",
                 "peer-support", "ucla3-total", "mental-wellbeing", "co-production",
                 "outside-window", "n-under-2", "different-population", "follow-up"]:
        assert not re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text), code
    for words in ["People using the co-produced service", "People who co-produced",
                  REASONS["outside-window"], REASONS["n-under-2"], "Follow-up"]:
        assert words in text, words


def test_every_result_left_out_is_listed_with_its_reason(findings, report):
    written, page = report
    text = _text(page)
    rows = _csv(written.page.parent / "tables" / "not-pooled.csv")
    assert len(rows) == len(findings.left_out)
    for row, left in zip(rows, findings.left_out, strict=True):
        assert row["Reason"] == left.reason and row["Reason sentence"] == left.because
        assert row["Project"] == left.project and row["Population"] == left.population
        assert row["Population title"] and row["Score type title"] != left.score_type
        assert left.because in text
    assert rows[-1]["Months since baseline"] == "" and "(only a mean)" in rows[-1][
        "Reason sentence"]
    counts = re.search(r"Results not pooled, by reason.*?</table>", page, re.S).group(0)
    assert all(escape(REASONS[left.reason]) in counts for left in findings.left_out)
    assert "A note on the whole store." in text


def test_the_costs_table_states_the_rule_and_each_reason(report):
    written, page = report
    text = " ".join(_text(page).split())
    assert "every participant group gives its count" in text
    assert "1 participant group withheld" in text
    rows = _csv(written.page.parent / "tables" / "cost-per-participant.csv")
    assert rows[1]["Cost per participant (GBP)"] == ""
    assert rows[1]["Why no cost per participant"] == "1 participant group withheld"


def test_forest_plots_wrap_long_names_and_say_which_way_is_better(findings, report):
    written, _ = report
    charts = written.page.parent / "charts"
    wording = {"a-one": "project group better \u2192", "a-two": "\u2190 lower is better",
               "a-three": "favours the project (improvement) \u2192"}
    for analysis in findings.analyses:
        svg = (charts / f"forest-{analysis.slug}.svg").read_text(encoding="utf-8")
        seen = _text(svg)
        assert "<text" in svg  # text stays text
        assert wording[analysis.slug] in seen
        assert "\u2026" not in seen
        for study in analysis.pooled.studies:
            lines = textwrap.wrap(study.label, 40, break_on_hyphens=False)
            assert " ".join(lines) == study.label
            assert all(line in seen for line in lines), study.label
            if len(lines) > 1:
                assert study.label not in seen  # wrapped, not on one line
        assert "restricted maximum likelihood (REML)" in seen
        assert (charts / f"forest-{analysis.slug}.png").stat().st_size > 1000


# -- the cost-per-participant rule, on a real store ------------------------------------

def _store(tmp_path, name="s.duckdb", level="publish", change=None):
    folder = tmp_path / "examples"
    if not folder.exists():
        shutil.copytree(ROOT / "examples", folder, ignore=shutil.ignore_patterns("responses"))
    if change:
        change(folder)
    combine(expand([str(folder)], []), tmp_path / name, level=level)
    return duckdb.connect(str(tmp_path / name), read_only=True)


def _mixed_price_years(folder):
    """The club's withheld group given a count, and its costs put in two price years."""
    path = folder / "dementia-club.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    project = data["projects"][0]
    for group in project["participantGroups"]:
        if group.pop("suppressed", False):
            group["count"] = 10
    project["costs"][0]["priceYear"], project["costs"][1]["priceYear"] = "2023-24", "2025-26"
    path.write_text(json.dumps(data), encoding="utf-8")


def test_cost_per_participant_only_where_it_means_something(tmp_path):
    con = _store(tmp_path)
    rows = {r[0]: r for r in cost_rows(con, publishable_only=True)}
    assert len(rows) == con.execute("SELECT count(*) FROM projects").fetchone()[0]
    networks = rows["GB-CHC-9990101-leeds-york-networks"]  # every group counted
    spent, people = con.execute(
        "SELECT (SELECT sum(amount_gbp) FROM costs WHERE project_id = $p), (SELECT sum(count) "
        "FROM participant_groups WHERE project_id = $p)",
        {"p": networks[0]}).fetchone()
    assert networks[2:] == (spent, people, spent / people, "")
    navigators = rows["GB-LAE-XNB-community-navigators"]  # the coordinators were withheld
    assert navigators[4] is None
    assert navigators[5] == ("1 participant group withheld (too few people to publish "
                             "safely), so the number of participants is not known")
    assert rows["GB-LAE-XEH-carers-breaks"][5].startswith("2 participant groups withheld")
    listening = rows["GB-CHC-9990001-listening-group"]
    assert listening[4] is None and listening[5] == "The project publishes no costs"
    shown = [r for r in rows.values() if r[4] is not None]
    assert shown and all(r[5] == "" and math.isclose(r[4], r[2] / r[3]) for r in shown)
    order = [r[4] for r in cost_rows(con, True) if r[4] is not None]
    assert order == sorted(order, reverse=True)


def test_costs_in_different_price_years_or_checked_below_publish_are_not_divided(tmp_path):
    con = _store(tmp_path, change=_mixed_price_years)
    club = {r[0]: r for r in cost_rows(con, True)}["GB-CHC-9990201-running-the-club"]
    assert club[4] is None and club[5] == ("Its costs are in different price years "
                                           "(2023-24, 2025-26), so they do not add up to "
                                           "one figure")
    draft = _store(tmp_path, "draft.duckdb", level="draft")
    assert draft.execute("SELECT DISTINCT checked_level FROM datasets").fetchall() == [
        ("draft",)]
    rows = {r[0]: r for r in cost_rows(draft, publishable_only=True)}
    assert all(r[4] is None and "checked only at the draft level" in r[5]
               for r in rows.values())
    anyway = {r[0]: r for r in cost_rows(draft, publishable_only=False)}
    assert anyway["GB-LAE-XRB-my-future-my-budget"][4] is not None
