"""Economics that compare (version 1.2): savings set against the costs of the same period,
negative savings restated as additional costs on upgrade, the new fields in the schema, and
the new checks silent on 1.1 data."""

from __future__ import annotations

import copy
import json

from coprod_standard import validate
from coprod_standard.upgrade import upgrade
from tests.conftest import ROOT
from tests.fixtures.earlier import source_example
from tests.fixtures.make_economics_1_2_fixtures import base

NEW_CHECKS = {"estimate-basis-missing", "estimate-range-excludes-value",
              "wellby-without-life-satisfaction", "saving-below-zero",
              "savings-costs-different-period", "price-years-differ"}
TIME_BANK = json.loads((ROOT / "examples" / "time-bank.json").read_text())


def _issues(data, code):
    return [i for i in validate(data).issues if i.code == code]


def test_savings_are_set_against_the_costs_of_their_own_period():
    data = base()
    nhs = data["projects"][0]["economicEstimates"][1]
    nhs.update(valueGBP=60000, highValueGBP=90000,
               period={"startDate": "2026-07-01", "endDate": "2026-07-31"})
    del nhs["description"]
    # 31 of the 852 days of costs of £129,680: about £4,718, and £60,000 is over ten times it
    [issue] = _issues(data, "savings-exceed-costs")
    assert issue.path == "/projects/0/economicEstimates/1"
    assert "the costs of the same period (2026-07-01 to 2026-07-31) of £4,718" in issue.message
    assert not _issues(data, "savings-costs-different-period")
    whole = copy.deepcopy(data)
    del whole["projects"][0]["economicEstimates"][1]["period"]
    assert not _issues(whole, "savings-exceed-costs")  # against all £129,680: not ten times


def test_savings_over_all_costs_keep_the_1_1_wording_without_a_period():
    data = base()
    nhs = data["projects"][0]["economicEstimates"][1]
    nhs.update(valueGBP=1500000, highValueGBP=1600000)
    del nhs["description"], nhs["period"]
    [issue] = _issues(data, "savings-exceed-costs")
    assert "more than ten times the project's costs of £129,680" in issue.message


def test_a_negative_saving_is_restated_as_an_additional_cost_on_upgrade(tmp_path, coprod):
    data = copy.deepcopy(TIME_BANK)
    data["projects"][0]["economicEstimates"][0]["valueGBP"] = -50000
    assert validate(data).valid  # 1.1 accepts it
    source, out = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(json.dumps(data))
    result = coprod("upgrade", source, out, "--to", "1.2")
    assert result.returncode == 0, result.stdout
    assert "changed: /projects/0/economicEstimates/0/type" in result.stdout
    assert "changed: /projects/0/economicEstimates/0/valueGBP: -50000 is now 50000" \
        in result.stdout
    estimate = json.loads(out.read_text())["projects"][0]["economicEstimates"][0]
    assert estimate["type"] == "additional-cost" and estimate["valueGBP"] == 50000
    assert validate(out, level="schema").valid
    assert not _issues(json.loads(out.read_text()), "saving-below-zero")


def test_the_1_1_examples_upgrade_with_their_economics_unchanged():
    for name in ("time-bank", "befriending-scheme", "community-navigators"):
        data = source_example(f"{name}.json")  # as it was in 1.1
        upgraded, changes = upgrade(data, "1.2")
        assert not [c for c in changes if "/costs" in c.path or "/economicEstimates" in c.path]
        for key in ("costs", "economicEstimates"):
            assert upgraded["projects"][0][key] == data["projects"][0][key]
        assert validate(upgraded, level="schema").valid


def test_the_new_checks_are_silent_on_1_1_data():
    data = copy.deepcopy(TIME_BANK)
    estimate = data["projects"][0]["economicEstimates"][0]
    estimate.update(valueGBP=-50000, method="wellby", outcomes=[])
    assert not NEW_CHECKS & {i.code for i in validate(data).issues}


def test_the_schema_takes_the_new_fields_and_refuses_bad_ones():
    data = base()
    assert validate(data, level="schema").valid
    cost = data["projects"][0]["costs"][0]
    estimate = data["projects"][0]["economicEstimates"][0]
    for bad in ({"priceYear": "19"}, {"perspective": "council"}, {"displacement": 120}):
        wrong = copy.deepcopy(data)
        wrong["projects"][0]["economicEstimates"][0].update(bad)
        assert not validate(wrong, level="schema").valid, bad
    for bad in ({"purpose": "delivery"}, {"funder": "Westmoor Council"}):
        wrong = copy.deepcopy(data)
        wrong["projects"][0]["costs"][0].update(bad)
        assert not validate(wrong, level="schema").valid, bad
    assert cost["purpose"] == "service-delivery" and estimate["perspective"] == "society"
