"""The policy travels with the data (issue 18, point 5): round trips through the real CLI
(aggregate -> merge -> validate -> combine -> compare) under both policies, with a real
DuckDB store. A dataset aggregated under threshold-10 validates, combines and is compared
with no flag; each dataset's policy and level are kept in the store and the report; the
variance of a rounded dataset's mean change is worked out over its rounding bucket; a
store built at draft level pools nothing as if publishable."""

from __future__ import annotations

import csv
import json
import math
from datetime import date

import duckdb
import pytest

from coprod_standard import __version__
from coprod_standard.research.compare import compare
from tests.conftest import ROOT, run_coprod

RESPONSES = ROOT / "examples" / "responses" / "club-wellbeing-responses.csv"
EARLIER = ROOT / "tests" / "fixtures" / "earlier-examples" / "dementia-club.json"  # 1.0
PROJECT = "GB-CHC-9990201-running-the-club"
OTHER = "GB-CHC-9990299-memory-club"


def _ok(result, code: int = 0):
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


def _swemwbs(path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    [indicator] = [i for o in data["projects"][0]["outcomes"] for i in o.get("indicators", [])
                   if i["scoreType"] == "swemwbs-metric"]
    return indicator["reports"]


def _other_club(upgraded: dict) -> dict:
    """A second club: the same kind of dataset from another publisher (not a duplicate)."""
    data = json.loads(json.dumps(upgraded))
    data["publisher"].update(id="GB-CHC-9990299", name="Riverside Memory Club")
    project = data["projects"][0]
    project.update(id=OTHER, title="Riverside memory club")
    if isinstance(project.get("leadOrganisation"), dict):
        project["leadOrganisation"] = dict(data["publisher"])
    return _exact(data)


def _exact(data: dict) -> dict:
    """The club's figures read as exact (threshold-10): the two suppressed ethnic groups of
    its members would be 5 people by subtraction, so a third is suppressed with them."""
    cells = data["projects"][0]["participantGroups"][0]["demographics"]["ethnicity"]["counts"]
    cells[2] = {"code": cells[2]["code"], "suppressed": True}
    return data


@pytest.fixture(scope="module")
def trip(tmp_path_factory):
    """Two 1.2 datasets made from the bundled responses: Brightwater's under nhs-digital
    (the default), Riverside's under threshold-10 (with --applied-by)."""
    folder = tmp_path_factory.mktemp("policy")
    _ok(run_coprod("upgrade", EARLIER, folder / "brightwater-1.2.json", "--to", "1.2"))
    upgraded = json.loads((folder / "brightwater-1.2.json").read_text(encoding="utf-8"))
    assert upgraded["version"] == "1.2" and "disclosureControl" not in upgraded
    (folder / "riverside-1.2.json").write_text(json.dumps(_other_club(upgraded)),
                                               encoding="utf-8")
    (folder / "out").mkdir()
    rounded = _ok(run_coprod("aggregate", RESPONSES, "--into", folder / "brightwater-1.2.json",
                             "--project", PROJECT, "--out", folder / "out" / "brightwater.json"))
    exact = _ok(run_coprod("aggregate", RESPONSES, "--disclosure", "threshold-10",
                           "--applied-by", "Riverside data team", "--into",
                           folder / "riverside-1.2.json", "--project", OTHER, "--out",
                           folder / "out" / "riverside.json"))
    return folder, rounded, exact


def test_aggregate_records_the_policy_in_the_merged_dataset(trip):
    folder, rounded, exact = trip
    today = date.today().isoformat()
    brightwater = json.loads((folder / "out" / "brightwater.json").read_text())
    riverside = json.loads((folder / "out" / "riverside.json").read_text())
    assert brightwater["disclosureControl"] == {
        "policy": "nhs-digital", "appliedBy": "Brightwater Healthy Living Club",
        "appliedOn": today, "tool": f"coprod aggregate {__version__}"}
    assert riverside["disclosureControl"] == {
        "policy": "threshold-10", "appliedBy": "Riverside data team", "appliedOn": today,
        "tool": f"coprod aggregate {__version__}"}
    assert "now records its disclosure policy, nhs-digital" in rounded.stdout
    assert "now records its disclosure policy, threshold-10" in exact.stdout
    # the figures follow their policies: rounded to 5, or exact
    assert [r["n"] % 5 for r in _swemwbs(folder / "out" / "brightwater.json")[-2:]] == [0, 0]
    assert any(r["n"] % 5 for r in _swemwbs(folder / "out" / "riverside.json")[-2:])


def test_validate_honours_the_recorded_policy_without_a_flag(trip):
    folder, _, _ = trip
    for name, policy in (("brightwater.json", "nhs-digital"),
                         ("riverside.json", "threshold-10")):
        result = _ok(run_coprod("validate", "--format", "json", folder / "out" / name))
        [report] = json.loads(result.stdout)["files"]
        assert report["disclosure"] == {"policy": policy, "from": "dataset",
                                        "recorded": policy}
        assert "disclosure-policy-not-recorded" not in {i["code"] for i in report["issues"]}
        text = _ok(run_coprod("validate", folder / "out" / name)).stdout
        assert f"Small numbers checked under {policy}" in text
        assert "the policy the dataset records" in " ".join(text.split())
    # an explicit --disclosure still wins, and the report says what the dataset records
    forced = _ok(run_coprod("validate", "--disclosure", "nhs-digital", "--format", "json",
                            folder / "out" / "riverside.json"), 1)
    [report] = json.loads(forced.stdout)["files"]
    assert report["disclosure"] == {"policy": "nhs-digital", "from": "option",
                                    "recorded": "threshold-10"}
    assert "number-not-rounded" in {i["code"] for i in report["issues"]}


def test_a_1_2_dataset_without_a_record_is_warned_and_checked_under_the_default(trip):
    folder, _, _ = trip
    result = _ok(run_coprod("validate", "--format", "json", folder / "brightwater-1.2.json"))
    [report] = json.loads(result.stdout)["files"]
    assert report["disclosure"] == {"policy": "nhs-digital", "from": "default",
                                    "recorded": None}
    warned = [i for i in report["issues"] if i["code"] == "disclosure-policy-not-recorded"]
    assert [(i["severity"], i["path"]) for i in warned] == [("warning", "/disclosureControl")]
    draft = _ok(run_coprod("validate", "--level", "draft", "--format", "json",
                           folder / "brightwater-1.2.json"))
    assert "disclosure-policy-not-recorded" not in draft.stdout  # publish level only


def test_a_large_file_read_in_parts_is_checked_under_its_recorded_policy(trip, tmp_path):
    from coprod_standard import validate
    from coprod_standard.limits import Limits

    folder, _, _ = trip
    data = json.loads((folder / "out" / "riverside.json").read_text(encoding="utf-8"))
    assert list(data).index("disclosureControl") < list(data).index("projects")
    last = tmp_path / "record-last.json"  # the record after the projects it governs
    record = data.pop("disclosureControl")
    last.write_text(json.dumps({**data, "disclosureControl": record}), encoding="utf-8")
    for path in (folder / "out" / "riverside.json", last):
        for jobs in (1, 2):
            report = validate(path, stream=True, jobs=jobs, limits=Limits(stream_from=1))
            assert report.data is None  # read a project at a time
            assert report.valid, [i.code for i in report.errors]
            assert (report.disclosure.policy, report.disclosure.origin) == (
                "threshold-10", "dataset")


def test_merging_into_a_dataset_that_records_another_policy_is_refused(trip, tmp_path):
    folder, _, _ = trip
    out = tmp_path / "mixed.json"
    result = _ok(run_coprod("aggregate", RESPONSES, "--into", folder / "out" / "riverside.json",
                            "--project", OTHER, "--out", out), 1)
    message = " ".join(result.stderr.split())
    assert "records that its figures follow the disclosure policy 'threshold-10'" in message
    assert "these results follow 'nhs-digital'" in message and "nothing was merged" in message
    assert not out.exists()
    same = _ok(run_coprod("aggregate", RESPONSES, "--disclosure", "threshold-10", "--into",
                          folder / "out" / "riverside.json", "--project", OTHER, "--out", out))
    assert "still records its disclosure policy, threshold-10" in same.stdout
    kept = json.loads(out.read_text())["disclosureControl"]
    assert kept["appliedBy"] == "Riverside data team"  # the organisation recorded before


def test_a_1_0_dataset_has_no_place_for_the_record_and_the_notes_say_so(tmp_path):
    out, earlier = tmp_path / "club-1.0.json", tmp_path / "earlier.json"
    earlier.write_text(json.dumps(_exact(json.loads(EARLIER.read_text(encoding="utf-8")))),
                       encoding="utf-8")
    result = _ok(run_coprod("aggregate", RESPONSES, "--disclosure", "threshold-10", "--into",
                            earlier, "--project", PROJECT, "--out", out))
    notes = " ".join(result.stdout.split())
    assert "follows version 1.0, which has no place to record the disclosure policy " \
           "(threshold-10)" in notes
    assert "coprod validate --disclosure threshold-10" in notes
    data = json.loads(out.read_text())
    assert data["version"] == "1.0" and "disclosureControl" not in data
    _ok(run_coprod("validate", "--disclosure", "threshold-10", out))
    _ok(run_coprod("validate", out), 1)  # without the flag: the default, which rounds


def test_the_standalone_output_carries_the_record(tmp_path):
    out = tmp_path / "results.json"
    _ok(run_coprod("aggregate", RESPONSES, "--disclosure", "threshold-10", "--applied-by",
                   "Performance team", "--out", out))
    document = json.loads(out.read_text())
    assert document["disclosureControl"] == {
        "policy": "threshold-10", "appliedBy": "Performance team",
        "appliedOn": date.today().isoformat(), "tool": f"coprod aggregate {__version__}"}
    assert document["indicators"]


@pytest.fixture(scope="module")
def store(trip):
    folder, _, _ = trip
    made = _ok(run_coprod("combine", folder / "out" / "brightwater.json",
                          folder / "out" / "riverside.json", "--out", folder / "s.duckdb"))
    return folder, made


def test_combine_keeps_both_policies_and_the_level_in_the_store(store):
    folder, made = store
    assert "Combined 2 of 2 datasets" in made.stdout
    assert "nhs-digital 1, threshold-10 1" in made.stdout
    con = duckdb.connect(str(folder / "s.duckdb"), read_only=True)
    rows = con.execute("SELECT source, status, disclosure_policy, disclosure_policy_from, "
                       "checked_level FROM datasets ORDER BY source").fetchall()
    con.close()
    assert [row[1:] for row in rows] == [("valid", "nhs-digital", "dataset", "publish"),
                                         ("valid", "threshold-10", "dataset", "publish")]


def _inverse_mean(low: int, high: int) -> float:
    return sum(1 / k for k in range(low, high + 1)) / (high - low + 1)


def test_compare_pools_both_with_each_variance_read_under_its_policy(store, tmp_path):
    folder, _ = store
    report = _ok(run_coprod("compare", folder / "s.duckdb", "--out", tmp_path / "report"))
    assert "2 datasets (2 valid)" in report.stdout
    from coprod_standard.research.compare import compare

    found = compare(folder / "s.duckdb")
    [analysis] = [a for a in found.analyses if a.scale == "swemwbs-metric"]
    variances = {s.label: s.variance for s in analysis.pooled.studies}
    assert set(variances) == {"Running the club together", "Riverside memory club"}
    rounded = _swemwbs(folder / "out" / "brightwater.json")[-1]["change"]
    exact = _swemwbs(folder / "out" / "riverside.json")[-1]["change"]
    n = rounded["n"]  # published rounded: any of n - 2 .. n + 2 people
    assert n % 5 == 0
    assert math.isclose(variances["Running the club together"],
                        rounded["sd"] ** 2 * _inverse_mean(n - 2, n + 2), rel_tol=1e-12)
    assert not math.isclose(variances["Running the club together"], rounded["sd"] ** 2 / n,
                            rel_tol=1e-6)
    assert math.isclose(variances["Riverside memory club"], exact["sd"] ** 2 / exact["n"],
                        rel_tol=1e-12)
    # (a standardised change reads 1/n over the bucket in the same way: test_meta_metafor)
    with (tmp_path / "report" / "tables" / "datasets.csv").open(encoding="utf-8") as stream:
        rows = {r["Source"].rsplit("/", 1)[-1]: r for r in csv.DictReader(stream)}
    assert {(r["Status"], r["Disclosure policy"], r["Checked at level"])
            for r in rows.values()} == {("valid", "nhs-digital", "publish"),
                                        ("valid", "threshold-10", "publish")}
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "Checked at level" in page and "average of 1/k" in page


def test_a_draft_level_store_pools_nothing_as_if_publishable(trip, tmp_path):
    folder, _, _ = trip
    made = _ok(run_coprod("combine", "--level", "draft", folder / "out" / "brightwater.json",
                          folder / "out" / "riverside.json", "--out", tmp_path / "d.duckdb"))
    assert "Checked at draft level only" in made.stdout
    con = duckdb.connect(str(tmp_path / "d.duckdb"), read_only=True)
    levels = con.execute("SELECT DISTINCT checked_level FROM datasets").fetchall()
    con.close()
    assert levels == [("draft",)]
    report = _ok(run_coprod("compare", tmp_path / "d.duckdb", "--out", tmp_path / "report"))
    assert "2 datasets (2 valid at draft level only)" in report.stdout
    assert "0 meta-analyses" in report.stdout
    note = " ".join(report.stdout.split())
    assert "2 datasets checked only at draft level are left out of every pooled estimate" \
        in note and "coprod combine --level publish" in note
    with (tmp_path / "report" / "tables" / "datasets.csv").open(encoding="utf-8") as stream:
        statuses = {r["Status"] for r in csv.DictReader(stream)}
    assert statuses == {"valid at draft level only"}
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "<td>valid</td>" not in page and "valid at draft level only" in page
    # nor are their counts of people (which may be unsuppressed) used for costs per person:
    # each project is listed without one, and the reason says why
    costs = compare(tmp_path / "d.duckdb").costs
    assert costs and all(row[4] is None and "checked only at the draft level" in row[5]
                         for row in costs)


def test_a_store_from_before_the_policy_was_recorded_is_still_compared(store, tmp_path):
    folder, _ = store
    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    con.execute(f"ATTACH '{folder / 's.duckdb'}' AS new (READ_ONLY)")
    tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables "
                                        "WHERE table_catalog = 'new'").fetchall()]
    for table in tables:
        con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM new."{table}"')
    for column in ("disclosure_policy", "disclosure_policy_from", "checked_level"):
        con.execute(f"ALTER TABLE datasets DROP COLUMN {column}")
    con.close()
    from coprod_standard.research.compare import compare

    found = compare(old)
    assert any(a.scale == "swemwbs-metric" for a in found.analyses)
    assert any("made by an earlier coprod" in n for n in found.not_pooled)


def test_the_web_validator_honours_the_recorded_policy(trip, tmp_path):
    from coprod_standard.web.config import WebConfig
    from tests.live_server import multipart, request, serve

    folder, _, _ = trip
    data = (folder / "out" / "riverside.json").read_bytes()
    with serve(WebConfig(max_upload_bytes=2 * 1024 * 1024, work_dir=tmp_path)) as base:
        answer = request(f"{base}/api/validate?name=riverside.json", data,
                         {"Content-Type": "application/json"})
        body, headers = multipart({}, ("riverside.json", data))
        page = request(f"{base}/check", body, headers)
    assert page.status == 200 and "riverside.json is valid" in page.text
    assert "Small numbers checked under threshold-10" in " ".join(page.text.split())
    [report] = answer.json()["files"]
    assert report["valid"] is True
    assert report["disclosure"] == {"policy": "threshold-10", "from": "dataset",
                                    "recorded": "threshold-10"}
