"""Outcome instruments: scoring to the published rules, aggregates that equal hand-worked
values, disclosure control at every boundary, and no individual answers in any output."""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from coprod_standard.instruments.disclosure import Policy
from coprod_standard.instruments.publish import merge, standalone
from coprod_standard.instruments.registry import instruments, load_bespoke
from coprod_standard.instruments.run import aggregate_responses
from coprod_standard.instruments.stats import summarise, t_quantile
from coprod_standard.schemas import load_schema, registry, schemas_dir
from tests.conftest import ROOT

# Domain notes, section 3: the published SWEMWBS raw-to-metric table, raw 7 to 35.
SWEMWBS = [7.00, 9.51, 11.25, 12.40, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36, 16.88, 17.43,
           17.98, 18.59, 19.25, 19.98, 20.73, 21.54, 22.35, 23.21, 24.11, 25.03, 26.02,
           27.03, 28.13, 29.31, 30.70, 32.55, 35.00]
RESPONSES = ROOT / "examples" / "responses"
HEAD = "respondent,instrument,timepoint,date,item1,item2,item3,item4,item5,item6,item7"


def _csv(*rows: str, head: str = HEAD) -> bytes:
    return ("\n".join([head, *rows]) + "\n").encode()


def _items_for(total: int, count: int = 7, low: int = 1, high: int = 5) -> list[int]:
    items = [low] * count
    left = total - low * count
    for i in range(count):
        step = min(high - low, left)
        items[i] += step
        left -= step
    return items


def test_every_instrument_is_a_valid_definition_without_item_wording():
    schema = json.loads((schemas_dir() / "instruments" / "instrument.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    found = instruments()
    assert set(found) == {"wemwbs", "swemwbs", "ons4", "ucla-3", "phq-9", "gad-7",
                          "ascot-sct4", "ascot-carer", "pam", "ascof-1d-carer-qol",
                          "ascot-carer-sct4", "rses", "gse"}
    for path in (schemas_dir() / "instruments").glob("*.json"):
        text = path.read_text()
        assert "wording\"" not in text and "question\"" not in text
    swemwbs = found["swemwbs"]
    assert (swemwbs.item_count, swemwbs.item_minimum, swemwbs.item_maximum) == (7, 1, 5)
    assert swemwbs.missing == "complete-only" and swemwbs.meaningful_change["value"] == 3
    assert "Stewart-Brown" in json.loads((schemas_dir() / "instruments" / "swemwbs.json")
                                         .read_text())["scores"][1]["provenance"]
    assert found["ons4"].missing == "each-item-alone"
    assert all(s.method == "item" for s in found["ons4"].scores)  # never summed
    assert found["pam"].item_count == 0 and found["pam"].licence["type"] == "proprietary"


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_score_type_in_the_registry_is_in_the_codelist_with_the_same_range(version):
    """The registry is shared by every version; each version's instrument.csv says which
    instruments it accepts, and their scores match its score-type.csv."""
    from coprod_standard.checks.data import score_types
    from coprod_standard.instruments.registry import for_version

    listed = score_types(version)
    known = for_version(version)
    for instrument in known.values():
        for score in instrument.scores:
            entry = listed[score.score_type]
            assert entry["instrument"] == instrument.code
            assert (entry["minimum"], entry["maximum"]) == (score.minimum, score.maximum)
            assert entry["higherIsBetter"] in (None, score.higher_is_better)
    if version == "1.2":  # the replaced code is gone; its successor and ASCOT-Carer are in
        assert "ascot-carer" not in known and "ascot-carer-total" not in listed
        assert {"ascof-1d-carer-qol", "ascot-carer-sct4", "rses", "gse"} <= set(known)
    else:  # 1.0 and 1.1 keep the six-question 0 to 12 meaning of ascot-carer
        carer = known["ascot-carer"]
        assert (carer.item_count, carer.item_maximum) == (6, 2)
        assert carer.replaced_by == "ascof-1d-carer-qol"
        assert not {"ascof-1d-carer-qol", "ascot-carer-sct4", "rses", "gse"} & set(known)


def test_every_instrument_states_one_threshold_on_a_stated_basis():
    bases = {}
    for code, instrument in instruments().items():
        change = instrument.meaningful_change
        assert change and change["source"], code
        bases[code] = change["basis"]
        if change["basis"] == "none-verified":
            assert "value" not in change and instrument.threshold(instrument.default_score) \
                is None, code
        else:
            assert instrument.score(change["scoreType"]) is not None, code
    assert {c for c, b in bases.items() if b == "reliable-change-95"} == {
        "wemwbs", "swemwbs", "phq-9", "gad-7"}
    assert bases["pam"] == "owner-threshold"  # kept as published; said in the file and docs
    found = instruments()
    assert (found["wemwbs"].threshold("wemwbs-total"), found["swemwbs"].threshold(
        "swemwbs-metric"), found["phq-9"].threshold("phq9-total"),
        found["gad-7"].threshold("gad7-total")) == (9, 3, 6, 4)
    assert "Kroenke" in " ".join(json.loads((schemas_dir() / "instruments" / "phq-9.json")
                                            .read_text())["sources"])
    assert "NHS England" not in found["swemwbs"].meaningful_change["source"]
    assert found["pam"].versions == ("PAM-13", "PAM-10")


def test_proportion_improved_uses_the_registered_wemwbs_threshold_of_9():
    head = "respondent,instrument,timepoint,date," + ",".join(f"q{n}" for n in range(1, 15))
    rows = []
    for i in range(10):  # gains of 8 (not reliable) for four people, 9 for six
        rows.append(f"R{i},wemwbs,baseline,2025-01-01," + ",".join(["2"] * 14))
        gain = 8 if i < 4 else 9
        rows.append(f"R{i},wemwbs,follow-up,2025-07-01," + ",".join(
            map(str, _items_for(28 + gain, 14))))
    run = aggregate_responses(_csv(*rows, head=head), policy=Policy(national=True))
    follow = next(r for r in run.reports[("wemwbs", "wemwbs-total")]
                  if r["timepoint"] == "follow-up")
    assert follow["change"]["mean"] == 8.6 and follow["proportionImproved"] == 0.6
    indicator = standalone(run)["indicators"][0]
    assert indicator["meaningfulChange"]["value"] == 9


@pytest.mark.parametrize("raw", range(7, 36))
def test_swemwbs_scoring_equals_the_published_table_for_every_raw_total(raw):
    items = ",".join(map(str, _items_for(raw)))
    run = aggregate_responses(_csv(f"R001,swemwbs,baseline,2025-01-01,{items}"),
                              policy=Policy(national=True))
    [metric] = run.reports[("swemwbs", "swemwbs-metric")]
    [raw_report] = run.reports[("swemwbs", "swemwbs-raw")]
    assert raw_report["mean"] == raw
    assert metric["mean"] == SWEMWBS[raw - 7]


def test_scoring_rules_of_each_instrument(tmp_path, coprod):
    rows = [
        "respondent,instrument,timepoint,date,item1,item2,item3,item4,item5,item6,item7,"
        "item8,item9,item10,item11,item12,item13,item14,total,scale",
        "R1,wemwbs,baseline,2025-01-01," + ",".join(["3"] * 14) + ",,",
        "R2,phq-9,baseline,2025-01-01,1,1,1,1,1,1,1,2,3,,,,,,,",
        "R3,ons4,baseline,2025-01-01,8,7,,3,,,,,,,,,,,,",
        "R4,ascot-sct4,baseline,2025-01-01,3,3,3,2,2,3,3,,,,,,,,,",
        "R5,ascot-carer,baseline,2025-01-01,2,2,1,1,2,0,,,,,,,,,,",
        "R6,pam,baseline,2025-01-01,,,,,,,,,,,,,,,62.5,pam-score",
        "R7,ucla-3,baseline,2025-01-01,1,2,3,,,,,,,,,,,,,",
        "R8,gad-7,baseline,2025-01-01,3,3,3,3,3,3,3,,,,,,,,,",
    ]
    path = tmp_path / "responses.csv"
    path.write_text("\n".join(rows) + "\n")
    result = coprod("score", path)
    scores = {(r["respondent"], r["scoreType"]): (r["score"], r["band"])
              for r in csv.DictReader(io.StringIO(result.stdout)) if r["scoreType"]}
    assert scores[("R1", "wemwbs-total")] == ("42", "")
    assert scores[("R2", "phq9-total")] == ("12", "moderate")
    assert scores[("R3", "ons4-life-satisfaction")] == ("8", "high")
    assert scores[("R3", "ons4-anxiety")] == ("3", "low")
    assert ("R3", "ons4-happiness") not in scores  # unanswered, each item stands alone
    assert not any(k[1].startswith("ons4-total") for k in scores)
    assert ("R4", "ascot-sct4-ascof") not in scores  # 7 of 8: ASCOF needs all eight
    assert scores[("R5", "ascot-carer-total")] == ("8", "")
    assert scores[("R6", "pam-score")] == ("62.5", "")
    assert scores[("R7", "ucla3-total")] == ("6", "")
    assert scores[("R8", "gad7-total")] == ("21", "severe")
    assert "keep them private" in result.stderr


def test_scoring_the_instruments_added_in_1_2(tmp_path, coprod):
    """ASCOF 1D, ASCOT-Carer SCT4, Rosenberg (five items reversed) and GSE, scored by
    'coprod score' from a small responses file, each checked by hand."""
    head = ("respondent,instrument,timepoint,date,item1,item2,item3,item4,item5,item6,item7,"
            "item8,item9,item10")
    rows = [head,
            "C1,ascof-1d-carer-qol,baseline,2025-01-01,2,1,1,0,2,1,,,,",
            "C2,ascof-1d-carer-qol,baseline,2025-01-01,2,1,1,0,2,,,,,",  # five of six
            "C3,ascof-1d-carer-qol,baseline,2025-01-01,2,3,1,0,2,1,,,,",  # 3 is out of range
            "A1,ascot-carer-sct4,baseline,2025-01-01,3,2,2,3,1,0,2,,,",
            "A2,ascot-carer-sct4,baseline,2025-01-01,3,3,3,3,3,3,3,,,",
            # Rosenberg, answered 3 = strongly agree ... 0 = strongly disagree; items
            # 2, 5, 6, 8 and 9 reversed: 3+(3-0)+2+2+(3-1)+(3-1)+3+(3-0)+(3-1)+3 = 25
            "S1,rses,baseline,2025-01-01,3,0,2,2,1,1,3,0,1,3",
            "S2,rses,baseline,2025-01-01,0,3,0,0,3,3,0,3,3,0",  # lowest self-esteem: 0
            "G1,gse,baseline,2025-01-01,4,3,3,2,3,4,2,3,3,4",
            "G2,gse,baseline,2025-01-01,4,3,3,2,5,4,2,3,3,4",  # 5 is out of range
            ]
    path = tmp_path / "responses.csv"
    path.write_text("\n".join(rows) + "\n")
    result = coprod("score", path)
    assert result.returncode == 1  # two answers out of range
    scored = {(r["respondent"], r["scoreType"]): r["score"]
              for r in csv.DictReader(io.StringIO(result.stdout)) if r["scoreType"]}
    status = {r["respondent"]: r["status"] for r in csv.DictReader(io.StringIO(result.stdout))}
    assert scored == {("C1", "ascof-1d-carer-qol-total"): "7",
                      ("A1", "ascot-carer-sct4-total"): "13",
                      ("A2", "ascot-carer-sct4-total"): "21",
                      ("S1", "rses-total"): "25", ("S2", "rses-total"): "0",
                      ("G1", "gse-total"): "31"}
    assert status["C2"] == "excluded: response-incomplete"
    assert status["C3"] == status["G2"] == "excluded: response-item-out-of-range"
    assert "items are scored 0 to 2" in result.stderr


def test_a_bespoke_instrument_is_defined_in_a_file(tmp_path):
    definition = {"code": "confidence", "title": "Confidence checklist",
                  "items": {"count": 3, "minimum": 0, "maximum": 4},
                  "scores": [{"scoreType": "confidence-total", "method": "sum", "minimum": 0,
                              "maximum": 12, "higherIsBetter": True}],
                  "defaultScore": "confidence-total", "missingItems": "complete-only",
                  "licence": {"type": "free", "licensor": "Our members",
                              "note": "Written by the members; free to use."}}
    (tmp_path / "confidence.json").write_text(json.dumps(definition))
    assert load_bespoke(tmp_path / "confidence.json").code == "confidence"
    run = aggregate_responses(_csv("R1,confidence,baseline,2025-01-01,1,2,3",
                                   head="respondent,instrument,timepoint,date,q1,q2,q3"),
                              bespoke=[tmp_path / "confidence.json"],
                              policy=Policy(national=True))
    assert run.reports[("confidence", "confidence-total")][0]["mean"] == 6
    indicator = standalone(run)["indicators"][0]
    assert (indicator["instrument"], indicator["scoreType"]) == ("bespoke", "bespoke-score")
    bad = dict(definition, items={"count": "three"})
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    from coprod_standard.instruments.registry import InstrumentError
    with pytest.raises(InstrumentError, match="is not a valid definition"):
        load_bespoke(tmp_path / "bad.json")


def _people(n: int, timepoint: str = "baseline", start: int = 0, items: str = "3,3,3,3,3,3,3"):
    return [f"R{i:04d},swemwbs,{timepoint},2025-01-01,{items}" for i in range(start, start + n)]


def test_aggregates_equal_hand_worked_values():
    rows = []
    base = [[2, 3, 3, 2, 3, 3, 2], [4, 4, 3, 4, 4, 3, 4], [3, 3, 3, 3, 3, 3, 3],
            [1, 2, 2, 1, 2, 2, 1], [5, 4, 4, 5, 4, 4, 4], [3, 2, 3, 3, 2, 3, 3],
            [2, 2, 2, 3, 3, 3, 3], [4, 3, 4, 3, 4, 3, 4], [3, 4, 3, 4, 3, 4, 3],
            [2, 3, 2, 3, 2, 3, 2]]
    later = [[3, 3, 3, 3, 3, 3, 3], [4, 4, 4, 4, 4, 4, 4], [3, 4, 3, 4, 3, 4, 3],
             [2, 2, 2, 2, 2, 2, 2], [5, 5, 4, 5, 4, 5, 4], [3, 3, 3, 3, 3, 3, 3],
             [3, 3, 3, 3, 3, 3, 3], [4, 4, 4, 4, 4, 4, 4], [3, 4, 3, 4, 3, 4, 3],
             [3, 3, 3, 3, 3, 3, 3]]
    for i, (b, f) in enumerate(zip(base, later, strict=True)):
        rows.append(f"R{i},swemwbs,baseline,2025-0{1 + i % 2}-10," + ",".join(map(str, b)))
        rows.append(f"R{i},swemwbs,follow-up,2025-07-1{i % 3}," + ",".join(map(str, f)))
    run = aggregate_responses(_csv(*rows), policy=Policy(national=True))
    reports = {r["timepoint"]: r for r in run.reports[("swemwbs", "swemwbs-metric")]}
    metric = lambda items: SWEMWBS[sum(items) - 7]  # noqa: E731
    b_scores = [metric(b) for b in base]
    f_scores = [metric(f) for f in later]
    assert reports["baseline"]["n"] == 10 and reports["baseline"]["nExcluded"] == 0
    assert reports["baseline"]["mean"] == round(statistics.mean(b_scores), 2)
    assert reports["baseline"]["sd"] == round(statistics.stdev(b_scores), 2)
    assert reports["baseline"]["median"] == round(statistics.median(b_scores), 2)
    half = t_quantile(0.975, 9) * statistics.stdev(b_scores) / 10 ** 0.5
    assert reports["baseline"]["ci95"] == {
        "lower": round(statistics.mean(b_scores) - half, 2),
        "upper": round(statistics.mean(b_scores) + half, 2)}
    assert reports["baseline"]["period"] == {"startDate": "2025-01-10",
                                             "endDate": "2025-02-10"}
    diffs = [f - b for b, f in zip(b_scores, f_scores, strict=True)]
    change = reports["follow-up"]["change"]
    assert change["n"] == 10 and change["method"] == "paired"
    assert change["mean"] == round(statistics.mean(diffs), 2)
    assert change["sd"] == round(statistics.stdev(diffs), 2)
    assert reports["follow-up"]["proportionImproved"] == round(
        sum(d >= 3 for d in diffs) / 10, 4)


def test_t_quantiles_match_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    for df in (1, 2, 3, 5, 8, 13, 29, 30, 60, 120, 500):
        assert t_quantile(0.975, df) == pytest.approx(scipy_stats.t.ppf(0.975, df), abs=1e-9)
    assert summarise([5.0]).sd is None and summarise([]).n == 0


@pytest.mark.parametrize("n,shown", [(7, None), (8, 10), (12, 10), (13, 15), (1, None)])
def test_suppression_and_rounding_at_every_boundary(n, shown):
    run = aggregate_responses(_csv(*_people(n)))
    [report] = run.reports[("swemwbs", "swemwbs-metric")]
    if shown is None:
        assert report["suppressed"] is True
        assert not {"n", "mean", "sd", "median", "ci95"} & report.keys()
    else:
        assert report["n"] == shown and "mean" in report and "suppressed" not in report


@pytest.mark.parametrize("n,shown", [(9, None), (10, 10), (12, 12)])
def test_threshold_10_policy(n, shown):
    run = aggregate_responses(_csv(*_people(n)), policy=Policy("threshold-10"))
    [report] = run.reports[("swemwbs", "swemwbs-metric")]
    assert report.get("n") == shown and (shown is not None or report["suppressed"])


def test_small_changes_proportions_and_exclusions_are_withheld():
    rows = _people(20) + _people(5, "follow-up") + _people(3, start=50, items="3,3,,3,3,3,3")
    run = aggregate_responses(_csv(*rows))
    reports = {r["timepoint"]: r for r in run.reports[("swemwbs", "swemwbs-metric")]}
    assert reports["baseline"]["n"] == 20 and "nExcluded" not in reports["baseline"]  # 3
    assert reports["follow-up"]["suppressed"] is True  # 5 people
    rows = _people(20) + _people(20, "follow-up", items="5,5,5,5,5,5,5")[:14] + _people(
        6, "follow-up", start=14)
    run = aggregate_responses(_csv(*rows))
    follow = next(r for r in run.reports[("swemwbs", "swemwbs-metric")]
                  if r["timepoint"] == "follow-up")
    assert follow["change"]["n"] == 20
    assert "proportionImproved" not in follow  # 6 people did not improve: too few to show


def test_secondary_suppression_in_breakdowns():
    head = HEAD + ",sex"
    rows = [r + ",female" for r in _people(20)] + [r + ",male" for r in _people(9, start=20)]
    rows += [r + ",not-stated" for r in _people(3, start=40)]
    run = aggregate_responses(_csv(*rows, head=head), by="sex")
    groups = {r.get("subgroup", {}).get("code"): r
              for r in run.reports[("swemwbs", "swemwbs-metric")]}
    assert groups["not-stated"]["suppressed"] is True
    assert groups["male"]["suppressed"] is True  # else 32 - 20 - 9 = 3 is revealed
    assert groups["female"]["n"] == 20 and groups[None]["n"] == 30


def test_mixed_scales_are_refused_and_counted():
    head = "respondent,instrument,timepoint,date,total,scale"
    rows = [f"R{i},swemwbs,baseline,2025-01-01,{20 + i % 5},raw" for i in range(10)]
    rows += [f"R{i},swemwbs,baseline,2025-01-01,19.25,metric" for i in range(10, 20)]
    run = aggregate_responses(_csv(*rows, head=head))
    assert run.counts["response-mixed-scales"] == 1 and "swemwbs" in run.refused
    assert run.reports == {}
    message = next(i.message for i in run.issues if i.code == "response-mixed-scales")
    assert "metric in 10 rows" in message and "raw in 10 rows" in message


def test_incomplete_and_bad_responses_are_counted_not_dropped_silently():
    rows = _people(10) + [
        "R0100,swemwbs,baseline,2025-01-01,3,3,,3,3,3,3",
        "R0101,swemwbs,baseline,2025-01-01,3,3,9,3,3,3,3",
        "R0102,swemwbs,baseline,,3,3,3,3,3,3,3",
        "R0103,swemwbs,sometime,2025-01-01,3,3,3,3,3,3,3",
        "jo.bloggs@example.org,swemwbs,baseline,2025-01-01,3,3,3,3,3,3,3",
        "R0104,wembws,baseline,2025-01-01,3,3,3,3,3,3,3",
        "R0001,swemwbs,baseline,2025-01-02,3,3,3,3,3,3,3",
    ]
    run = aggregate_responses(_csv(*rows), policy=Policy(national=True))
    assert run.excluded == {"response-incomplete": 1, "response-item-out-of-range": 1}
    for code in ("response-missing-value", "response-bad-value",
                 "response-identifiable-reference", "response-unknown-instrument",
                 "response-duplicate"):
        assert run.counts[code] == 1, code
    [report] = run.reports[("swemwbs", "swemwbs-metric")]
    assert report["n"] == 10 and report["nExcluded"] == 2
    where = {i.code: i.location.describe() for i in run.issues}
    assert where["response-item-out-of-range"].endswith("cell G13 (Item 3)")
    assert "jo.bloggs" not in json.dumps([i.to_dict() for i in run.issues])


def test_individual_responses_never_appear_in_aggregate_output(tmp_path, coprod):
    source = RESPONSES / "club-wellbeing-responses.csv"
    references = {row[0] for row in csv.reader(source.open()) if row[0].startswith("R")}
    out = tmp_path / "results.json"
    result = coprod("aggregate", source, "--by", "role", "--out", out)
    assert result.returncode == 0, result.stdout + result.stderr
    text = out.read_text() + result.stdout + result.stderr
    assert references and not [ref for ref in references if ref in text]
    document = json.loads(out.read_text())
    indicator_schema = load_schema("1.0", "indicator.schema.json")
    checker = Draft202012Validator(indicator_schema, registry=registry("1.0"))
    for indicator in document["indicators"]:  # the results stand alone, and validate
        assert list(checker.iter_errors(indicator)) == []


def test_from_the_example_spreadsheet_to_a_publishable_dataset(tmp_path, coprod):
    merged = tmp_path / "club.json"
    result = coprod("aggregate", RESPONSES / "club-wellbeing-responses.xlsx", "--by", "role",
                    "--into", ROOT / "examples" / "dementia-club.json", "--project",
                    "GB-CHC-9990201-running-the-club", "--out", merged)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "placed under indicator 'ind-swemwbs'" in result.stdout
    checked = coprod("validate", "--level", "publish", merged)
    assert checked.returncode == 0, checked.stdout
    # every number can be re-derived by hand from the responses file
    rows = list(csv.DictReader((RESPONSES / "club-wellbeing-responses.csv").open()))
    scores: dict[str, dict[str, float]] = {"baseline": {}, "interim": {}}
    for row in rows:
        items = [row[f"Item {n}"] for n in range(1, 8)]
        if all(items):
            scores[row["Timepoint"]][row["Respondent reference"]] = SWEMWBS[
                sum(map(int, items)) - 7]
    dataset = json.loads(merged.read_text())
    indicator = dataset["projects"][0]["outcomes"][0]["indicators"][0]
    reports = {(r["timepoint"], json.dumps(r.get("subgroup"))): r
               for r in indicator["reports"]}
    baseline = reports[("baseline", "null")]
    values = list(scores["baseline"].values())
    assert baseline["n"] == int(len(values) / 5 + 0.5) * 5
    # issue 18: beside a breakdown by role that holds everyone, the whole group's mean has
    # a place fewer (to 2 places it would rule out counts, with the roles' means)
    assert baseline["mean"] == round(statistics.mean(values), 1)
    assert baseline["sd"] == round(statistics.stdev(values), 2)
    assert "nExcluded" not in baseline  # 3 incomplete responses: too few to publish
    both = [r for r in scores["interim"] if r in scores["baseline"]]
    change = reports[("interim", "null")]["change"]
    diffs = [scores["interim"][r] - scores["baseline"][r] for r in both]
    # issue 18: not everyone answered both times, so beside the roles' changes the whole
    # group's change mean has a place fewer (to 2 places it could rule out counts)
    assert change["mean"] == round(statistics.mean(diffs), 1)
    # issue 18: the interval is worked out from the published figures (n rounded), and the
    # proportion improved from the rounded numbers (18 of 51 published as 20 of 50)
    from scipy.stats import t

    half = t.ppf(0.975, baseline["n"] - 1) * baseline["sd"] / math.sqrt(baseline["n"])
    assert baseline["ci95"] == {"lower": round(baseline["mean"] - half, 2),
                                "upper": round(baseline["mean"] + half, 2)}
    improved = sum(d >= 3 for d in diffs)
    assert change["n"] == int(len(diffs) / 5 + 0.5) * 5 != len(diffs)
    assert reports[("interim", "null")]["proportionImproved"] == round(
        int(improved / 5 + 0.5) * 5 / change["n"], 4) != round(improved / len(diffs), 4)


def test_aggregate_cli_errors(tmp_path, coprod):
    source = RESPONSES / "club-wellbeing-responses.csv"
    assert coprod("aggregate", source, "--into", "x.json").returncode == 2  # no --project
    result = coprod("aggregate", source, "--into", ROOT / "examples" / "minimal.json",
                    "--project", "nope", "--out", tmp_path / "o.json")
    assert result.returncode == 1 and "has no project 'nope'" in result.stderr
    result = coprod("aggregate", source, "--into", ROOT / "examples" / "minimal.json",
                    "--project", "GB-CHC-9990001-listening-group", "--out", tmp_path / "o.json")
    # no outcome to make the indicator under: the outcome's facts are the publisher's
    assert result.returncode == 1 and "has no outcome to put the swemwbs" in result.stderr
    assert coprod("aggregate", tmp_path / "missing.csv").returncode == 3
    assert coprod("score", tmp_path).returncode == 3
    assert "Traceback" not in result.stderr


def test_the_responses_template(tmp_path, coprod):
    import openpyxl

    assert coprod("template", "--kind", "responses", tmp_path / "r.xlsx").returncode == 0
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    headings = [c.value for c in book["Responses"][1]]
    assert headings[:4] == ["Respondent reference", "Instrument", "Timepoint", "Date"]
    assert "Item 14" in headings and "Never a name" in book["Responses"]["A1"].comment.text
    run = aggregate_responses(Path(tmp_path / "r.xlsx"))
    assert run.responses == 0


def test_merging_replaces_results_for_the_same_timepoint_and_subgroup():
    dataset = json.loads((ROOT / "examples" / "dementia-club.json").read_text())
    run = aggregate_responses(RESPONSES / "club-wellbeing-responses.csv")
    merged, notes = merge(dataset, "GB-CHC-9990201-running-the-club", run)
    reports = merged["projects"][0]["outcomes"][0]["indicators"][0]["reports"]
    assert [r["timepoint"] for r in reports].count("baseline") == 1
    assert dataset != merged  # the input is not changed
    assert not [n for n in notes if "meaningful change is now" in n]  # it said 3 already
    dataset["projects"][0]["outcomes"][0]["indicators"][0]["meaningfulChange"]["value"] = 2
    merged, notes = merge(dataset, "GB-CHC-9990201-running-the-club", run)
    indicator = merged["projects"][0]["outcomes"][0]["indicators"][0]
    assert indicator["meaningfulChange"]["value"] == 3  # what proportionImproved used
    assert "Shah" in indicator["meaningfulChange"]["source"]
    assert any("meaningful change is now 3" in n and "(it said 2)" in n for n in notes)
    dataset["projects"][0]["outcomes"][0]["indicators"][0]["meaningfulChange"]["value"] = 3
    assert json.loads((ROOT / "examples" / "dementia-club.json").read_text()) == dataset


def test_json_responses_follow_the_responses_schema_and_score_the_same(tmp_path):
    from coprod_standard.formats import format_checker

    schema = json.loads((schemas_dir() / "instruments" / "responses.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    rows = list(csv.DictReader((RESPONSES / "club-wellbeing-responses.csv").open()))
    as_json = [{"respondent": r["Respondent reference"], "instrument": r["Instrument"],
                "timepoint": r["Timepoint"], "date": r["Date"],
                "items": [int(r[f"Item {n}"]) if r[f"Item {n}"] else None
                          for n in range(1, 8)], "role": r["Role"]} for r in rows]
    checker = Draft202012Validator(schema, format_checker=format_checker())
    assert list(checker.iter_errors(as_json)) == []
    assert list(checker.iter_errors([{**as_json[0], "respondent": "Jo Bloggs"}]))
    path = tmp_path / "responses.json"
    path.write_text(json.dumps(as_json))
    from_json = aggregate_responses(path, by="role").reports
    from_csv = aggregate_responses(RESPONSES / "club-wellbeing-responses.csv", by="role").reports
    assert from_json == from_csv


def test_aggregating_instruments_without_a_threshold_publishes_valid_results(tmp_path, coprod):
    """UCLA-3 has no verified meaningful change and ONS4's is per item: aggregating them
    (once a KeyError) gives indicators that validate, with no proportion improved where
    no threshold could be verified."""
    rows = ["respondent,instrument,timepoint,date,item1,item2,item3,item4"]
    for person in range(1, 21):
        for timepoint, day in (("baseline", "2025-01-01"), ("end", "2025-07-01")):
            shift = 1 if timepoint == "end" else 0
            ucla = [str(1 + (person + i + shift) % 3) for i in range(3)]
            ons = [str((person + i * 3 + shift) % 11) for i in range(4)]
            rows.append(f"R{person},ucla-3,{timepoint},{day}," + ",".join(ucla) + ",")
            rows.append(f"R{person},ons4,{timepoint},{day}," + ",".join(ons))
    path = tmp_path / "responses.csv"
    path.write_text("\n".join(rows) + "\n")
    out = tmp_path / "aggregate.json"
    result = coprod("aggregate", path, "--out", out)
    assert result.returncode == 0, result.stderr
    indicators = {i["scoreType"]: i for i in json.loads(out.read_text())["indicators"]}
    assert {"ucla3-total", "ons4-life-satisfaction", "ons4-anxiety"} <= set(indicators)
    assert "meaningfulChange" not in indicators["ucla3-total"]
    assert not any("proportionImproved" in r for r in indicators["ucla3-total"]["reports"])
    checker = Draft202012Validator(load_schema("1.1", "indicator.schema.json"),
                                   registry=registry("1.1"))
    for indicator in indicators.values():
        assert list(checker.iter_errors(indicator)) == []
