"""Standard 1.2, outcomes: domains name what changed and never for whom, every 1.1 domain is
upgraded, and outcomes come first (SCIE recommendations 2 and 6)."""

from __future__ import annotations

import copy
import json

import pytest

from coprod_standard import validate
from coprod_standard.codelists import load_codelists
from coprod_standard.upgrade import upgrade
from coprod_standard.upgrade_1_2.domains import DOMAINS, MEASURES, POPULATIONS
from tests.conftest import ROOT
from tests.fixtures.earlier import source_example, upgrade_sources

OUTCOME_CHECKS = {"outcomes-missing", "outcome-results-missing", "evaluation-missing",
                  "finished-without-outcome-result", "finished-without-evaluation"}


def _codes(version: str, name: str) -> set[str]:
    return set(load_codelists(version)[name].code_values())


def _example(name: str) -> dict:
    return source_example(name)  # as it was before 1.2


def _outcomes(data: dict):
    for p, project in enumerate(data["projects"]):
        for o, outcome in enumerate(project.get("outcomes", [])):
            yield p, o, outcome


def test_1_2_domains_name_a_construct_never_a_population():
    domains = _codes("1.2", "outcome-domain.csv")
    roles = _codes("1.2", "participant-role.csv") | _codes("1.2", "population.csv")
    words = {"carer", "staff", "org", "community", "people", "user"}
    for code in domains:
        assert not any(part in words or part.rstrip("s") in words for part in code.split("-"))
        assert code not in roles - {"other"}
    # every SCIE domain the 1.1 list missed is there (000:143, 171, 196, 200, 208, 209, 215, 244)
    assert {"knowledge-self-management", "skills-employment", "financial-security",
            "practice-pathways", "capacity-service-development", "productivity",
            "governance-scrutiny", "harm-burden"} <= domains


def test_every_1_1_domain_has_a_1_2_code():
    assert set(DOMAINS) == _codes("1.1", "outcome-domain.csv")
    domains = _codes("1.2", "outcome-domain.csv")
    assert set(DOMAINS.values()) | set(MEASURES.values()) <= domains
    assert set(MEASURES) <= _codes("1.1", "instrument.csv")
    assert {p for p, _ in POPULATIONS.values()} <= _codes("1.2", "population.csv")


@pytest.mark.parametrize("path", upgrade_sources(), ids=lambda p: p.name)
def test_every_example_upgrades_with_every_domain_mapped_and_nothing_lost(path):
    original = json.loads(path.read_text(encoding="utf-8"))
    one_one, _ = upgrade(original, "1.1")
    upgraded, changes = upgrade(one_one, "1.2")  # refuses if any value would be lost
    assert "lost" not in {c.kind for c in changes}
    domains = _codes("1.2", "outcome-domain.csv")
    changed = {c.path for c in changes if c.kind == "changed"}
    for p, o, outcome in _outcomes(upgraded):
        before = one_one["projects"][p]["outcomes"][o]["domain"]
        assert outcome["domain"] in domains
        if outcome["domain"] != before:
            assert f"/projects/{p}/outcomes/{o}/domain" in changed
    assert validate(upgraded, level="schema").valid


def test_split_domains_follow_the_instrument_and_populations_only_when_unambiguous():
    data, changes = upgrade(_example("dementia-club.json"), "1.2")
    wellbeing, carer_qol, happy, _ = data["projects"][0]["outcomes"]
    assert (wellbeing["domain"], carer_qol["domain"], happy["domain"]) == (
        "mental-wellbeing", "independence-quality-of-life", "mental-wellbeing")
    # carers alone: their population is set on every report that had none
    assert {r["population"] for r in carer_qol["indicators"][0]["reports"]} == {"unpaid-carers"}
    # carers and volunteers in one mean: 'carer-wellbeing' does not say whose, so none is set
    assert all("population" not in r for r in wellbeing["indicators"][0]["reports"])
    assert "changed: /projects/0/outcomes/1/indicators/0/reports/0/population: population " \
           "set to 'unpaid-carers'" in "\n".join(c.describe() for c in changes)
    data, _ = upgrade(_example("carers-respite-direct-payments.json"), "1.2")
    staff = data["projects"][1]["outcomes"][1]
    assert staff["domain"] == "job-satisfaction-practice"
    assert {r["population"] for r in staff["indicators"][0]["reports"]} == {"staff"}
    assert data["projects"][0]["outcomes"][1]["domain"] == "mental-health-symptoms"  # GAD-7


def test_a_report_keeps_the_population_it_has_and_unknown_codes_are_left_alone():
    data, _ = upgrade(_example("time-bank.json"), "1.1")
    carer = data["projects"][0]["outcomes"][1]
    carer["indicators"][0]["reports"][0]["population"] = "mixed"  # already says (as 1.2 would)
    data["projects"][0]["outcomes"][0]["domain"] = "not-a-domain"
    data["version"] = "1.1"
    out, _ = upgrade(data, "1.2")
    reports = out["projects"][0]["outcomes"][1]["indicators"][0]["reports"]
    assert [r["population"] for r in reports] == ["mixed", "unpaid-carers"]
    assert out["projects"][0]["outcomes"][0]["domain"] == "not-a-domain"


def test_consulted_is_no_longer_choosing_after_upgrade():
    data, changes = upgrade(_example("befriending-scheme.json"), "1.2")
    assert data["projects"][0]["outcomes"][3]["chosenBy"] == {
        **_example("befriending-scheme.json")["projects"][0]["outcomes"][3]["chosenBy"],
        "livedExperienceInvolved": False}
    assert any(c.path == "/projects/0/outcomes/3/chosenBy/livedExperienceInvolved"
               and c.kind == "changed" for c in changes)


def _finished(version: str, change=None, status: str = "completed", level: str = "publish"):
    data, _ = upgrade(_example("community-navigators.json"), version)
    project = data["projects"][0]
    project["status"] = status
    if change:
        change(project)
    report = validate(data, level=level)
    return report, {(i.code, i.severity.value, i.path) for i in report.issues
                    if i.code in OUTCOME_CHECKS}


def _baseline_only(project):
    for outcome in project["outcomes"]:
        outcome.pop("qualitativeEvidence", None)
        for indicator in outcome.get("indicators", []):
            indicator["reports"] = [r for r in indicator["reports"]
                                    if r["timepoint"] == "baseline"] or indicator["reports"][:1]
            for report in indicator["reports"]:
                report["timepoint"] = "baseline"


def _outputs_only(project):
    for outcome in project["outcomes"]:
        outcome["resultLevel"] = "output"


def test_an_outcome_level_result_is_a_figure_after_baseline_or_qualitative_evidence():
    report, found = _finished("1.2", _baseline_only)
    assert found == {("finished-without-outcome-result", "error", "/projects/0/outcomes")}
    assert "has been completed" in report.errors[0].message and not report.valid
    _, found = _finished("1.2", _outputs_only, status="ended-early")  # outputs are not outcomes
    assert found == {("finished-without-outcome-result", "error", "/projects/0/outcomes")}

    def words_only(project):
        _baseline_only(project)
        project["outcomes"][2]["qualitativeEvidence"] = "People said they felt more settled."
    assert _finished("1.2", words_only)[1] == set()

    def impact(project):
        _outputs_only(project)
        project["outcomes"][4]["resultLevel"] = "impact"
    assert _finished("1.2", impact)[1] == set()


def test_1_1_keeps_its_warnings_and_a_running_1_2_project_is_warned_not_refused():
    report, found = _finished("1.1", _outputs_only)
    assert report.valid and found == {("outcomes-missing", "warning", "/projects/0/outcomes")}
    report, found = _finished("1.1", lambda p: p.pop("evaluation"))
    assert report.valid and found == {("evaluation-missing", "warning", "/projects/0/evaluation")}

    def running_without(project):
        project.pop("evaluation")
        project.pop("endDate", None)
        _outputs_only(project)
    report, found = _finished("1.2", running_without, status="active")
    assert report.valid and found == {("outcomes-missing", "warning", "/projects/0/outcomes"),
                                      ("evaluation-missing", "warning", "/projects/0/evaluation")}


def test_a_finished_1_2_project_evaluated_with_design_none_is_refused():
    report, found = _finished("1.2", lambda p: p["evaluation"].update(design="none"),
                              status="ended-early")
    assert found == {("finished-without-evaluation", "error", "/projects/0/evaluation/design")}
    assert report.errors[0].message == ("The project has ended early, but it says it was not "
                                        "evaluated.")


def test_at_draft_level_a_finished_1_2_project_is_still_warned():
    _, found = _finished("1.2", _outputs_only, level="draft")
    assert found == {("outcomes-missing", "warning", "/projects/0/outcomes")}


def test_only_choosing_counts_as_lived_experience_choosing_the_measures_from_1_2():
    def consulted(project):
        for outcome in project["outcomes"]:
            outcome["chosenBy"] = {"livedExperienceInvolved": True, "method": "consulted"}
    codes = {}
    for version in ("1.1", "1.2"):
        data, _ = upgrade(_example("community-navigators.json"), version)
        consulted(data["projects"][0])
        codes[version] = {i.code for i in validate(copy.deepcopy(data)).issues}
    assert not {"measures-not-chosen-with-lived-experience",
                "chosen-by-contradiction"} & codes["1.1"]
    assert {"measures-not-chosen-with-lived-experience", "chosen-by-contradiction"} <= codes["1.2"]


def test_the_cli_upgrade_lists_each_domain_change(tmp_path, coprod):
    source = tmp_path / "time-bank.json"
    source.write_text((ROOT / "examples" / "time-bank.json").read_text(encoding="utf-8"))
    result = coprod("upgrade", source, tmp_path / "out.json", "--to", "1.2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert ("changed: /projects/0/outcomes/1/domain: outcome domain 'carer-wellbeing' is now "
            "'independence-quality-of-life'") in result.stdout
    out = json.loads((tmp_path / "out.json").read_text())
    assert validate(out).valid
