"""Selecting projects by intervention, setting, client group and population measured, with
plain SQL over the combined store (version 1.2's project context), as docs/research.md
shows it. The datasets are the examples upgraded to 1.2 with the context filled, beside
1.0 and 1.1 datasets that still land in the same columns."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from coprod_standard.research.combine import combine
from coprod_standard.research.sources import expand
from tests.conftest import ROOT
from tests.fixtures.make_context_fixtures import with_context

BEFRIENDING = "GB-CHC-9990701-friends-at-the-door"
# Whose outcome each befriending outcome measures: the befrienders are volunteers who
# co-produce the scheme, the rest are the people it befriends.
POPULATIONS = {"oc-lonely": "service-users", "oc-life-sat": "service-users",
               "oc-gp": "service-users", "oc-befrienders": "co-producers"}


def _example(name: str) -> dict:
    return json.loads((ROOT / "examples" / name).read_text())


def _measured(data: dict, populations: dict[str, str]) -> dict:
    for outcome in data["projects"][0].get("outcomes", []):
        for indicator in outcome.get("indicators", []):
            for report in indicator.get("reports", []):
                if outcome["id"] in populations:
                    report["population"] = populations[outcome["id"]]
    return data


def _befriending(suffix: str = "", **context) -> dict:
    data = _measured(with_context(_example("befriending-scheme.json"), **context), POPULATIONS)
    if suffix:
        project = data["projects"][0]
        project["id"] += suffix
        project["relatedProjects"] = [{"id": BEFRIENDING, "relation": "follows-on-from"}]
    return data


def _sql(page: str, heading: str) -> str:
    """The first SQL block under HEADING in docs/PAGE."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1]
    return re.search(r"```sql\n(.*?)```", section, flags=re.S).group(1)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("selection")
    datasets = {
        "befriending.json": _befriending(
            settings=("community", "own-home"), clients=("older-people", "social-support")),
        "in-care-homes.json": _befriending("-care-homes", settings=("care-home",)),
        "working-age.json": _befriending(
            "-working-age", clients=("working-age-adults", "mental-health")),
        "club.json": _measured(with_context(
            _example("dementia-club.json"), interventions=("club", "time-bank"),
            clients=("memory-and-cognition", "older-people", "unpaid-carers")),
            {"oc-happy": "service-users", "oc-carer-qol": "unpaid-carers"}),
        "time-bank-1.1.json": _example("time-bank.json"),
        "minimal-1.0.json": _example("minimal.json"),
    }
    consulted = _befriending("-consulted")
    consulted["projects"][0]["participationLevel"] = "consultation"
    datasets["consulted.json"] = consulted
    for name, data in datasets.items():
        (folder / name).write_text(json.dumps(data), encoding="utf-8")
    result = combine(expand([str(folder)], []), folder / "study.duckdb")
    assert {d["source"].rsplit("/", 1)[-1]: d["status"] for d in result.datasets} == {
        name: "valid" for name in datasets}
    con = duckdb.connect(str(folder / "study.duckdb"), read_only=True)
    yield con
    con.close()


def test_co_produced_befriending_for_older_people_in_the_community_measured_on_users(store):
    query = _sql("research.md", "Selecting projects")
    cursor = store.execute(query)
    assert [c[0] for c in cursor.description] == [
        "project_id", "title", "indicator_id", "report_id", "timepoint", "n", "mean"]
    rows = cursor.fetchall()
    data = _befriending()
    project = data["projects"][0]
    expected = [(BEFRIENDING, project["title"], indicator["id"], report["id"],
                 report["timepoint"], report.get("n"), report.get("mean"))
                for outcome in project["outcomes"] if POPULATIONS.get(outcome["id"]) ==
                "service-users" for indicator in outcome["indicators"]
                for report in indicator["reports"]]
    assert len(expected) == 8
    assert rows == sorted(expected, key=lambda r: (r[0], r[2], r[3]))


def test_the_project_context_and_population_land_in_the_store(store):
    projects = store.execute(
        "SELECT project_id, version, intervention_types, settings, client_groups, "
        "programme_name, coproduction_definition_text IS NOT NULL FROM projects "
        "ORDER BY project_id").fetchall()
    by_id = {row[0]: row[1:] for row in projects}
    assert by_id[BEFRIENDING] == ("1.2", ["befriending"], ["community", "own-home"],
                                  ["older-people", "social-support"], "Connected Communities",
                                  True)
    assert by_id["GB-CHC-9990201-running-the-club"][:4] == (
        "1.2", ["club", "time-bank"], ["community"],
        ["memory-and-cognition", "older-people", "unpaid-carers"])
    # 1.0 and 1.1 datasets still land, in the same columns, with nothing to select them by
    assert by_id["GB-CHC-9990601-hours-for-everyone"] == ("1.1", None, None, None, None, False)
    assert by_id["GB-CHC-9990001-listening-group"][0] == "1.0"
    populations = dict(store.execute(
        "SELECT population, count(*) FROM indicator_reports WHERE project_id = ? GROUP BY 1",
        [BEFRIENDING]).fetchall())
    assert populations == {"service-users": 8, "co-producers": 2}
    # a 1.1 report has a population only where its 1.1 domain named one (carers' wellbeing)
    assert {row[0] for row in store.execute(
        "SELECT DISTINCT population FROM indicator_reports WHERE version = '1.1' AND "
        "population IS NOT NULL").fetchall()} <= {"unpaid-carers", "staff", "wider-community"}
    funders = store.execute("SELECT DISTINCT funder_id, grants, amount_gbp FROM funders"
                            ).fetchall()
    assert funders == [("GB-CHC-9990999", ["360G-example-2024-0117"], 42000.0)]
    related = set(store.execute("SELECT project_id, related_project_id, relation "
                                "FROM related_projects").fetchall())
    assert (BEFRIENDING + "-care-homes", BEFRIENDING, "follows-on-from") in related
