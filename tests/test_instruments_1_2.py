"""Standard 1.2, instruments: 1.1's 'ascot-carer' (the ASCOF 1D score) keeps its meaning
under its own code on upgrade, ASCOT-Carer results are accepted, and a result can say how
the questionnaire was given."""

from __future__ import annotations

import copy
import json

from coprod_standard import validate
from coprod_standard.upgrade import upgrade
from tests.conftest import ROOT

TRANSITION = json.loads((ROOT / "examples" / "transition-to-adult-life.json").read_text())


def _carer_dataset(version: str, instrument: str, score_type: str, mean: float) -> dict:
    """The transition example with its PAM indicator turned into a carers' measure."""
    data, _ = upgrade(copy.deepcopy(TRANSITION), version)
    indicator = data["projects"][0]["outcomes"][0]["indicators"][0]
    indicator.update(instrument=instrument, scoreType=score_type, unit="points",
                     title="Carers' quality of life")
    indicator.pop("meaningfulChange")
    indicator["instrumentLicence"] = {"licensor": "PSSRU, University of Kent",
                                      "type": "non-commercial"}
    for report in indicator["reports"]:
        for key in ("ci95", "proportionImproved", "change"):
            report.pop(key, None)
        report.update(mean=mean, sd=3.1)
    return data


def _codes(data: dict) -> set[str]:
    return {i.code for i in validate(data).issues}


def test_upgrade_maps_ascot_carer_to_the_ascof_1d_code_and_says_so(tmp_path, coprod):
    old = _carer_dataset("1.1", "ascot-carer", "ascot-carer-total", 7.6)
    assert validate(old).errors == []
    source = tmp_path / "carers.json"
    source.write_text(json.dumps(old))
    out = tmp_path / "carers-1.2.json"
    result = coprod("upgrade", source, out, "--to", "1.2")
    assert result.returncode == 0, result.stdout + result.stderr
    where = "/projects/0/outcomes/0/indicators/0"
    assert f"changed: {where}/instrument: 'ascot-carer' is the ASCOF 1D" in result.stdout
    assert f"changed: {where}/scoreType: 'ascot-carer-total'" in result.stdout
    new = json.loads(out.read_text())
    indicator = new["projects"][0]["outcomes"][0]["indicators"][0]
    assert (indicator["instrument"], indicator["scoreType"]) == (
        "ascof-1d-carer-qol", "ascof-1d-carer-qol-total")
    assert validate(out).errors == []
    stale = copy.deepcopy(new)  # the old code is not accepted in 1.2
    stale["projects"][0]["outcomes"][0]["indicators"][0]["instrument"] = "ascot-carer"
    assert validate(stale).errors


def test_an_ascot_carer_sct4_mean_of_15_is_refused_in_1_1_and_accepted_in_1_2():
    as_1_1 = _carer_dataset("1.1", "ascot-carer", "ascot-carer-total", 15)
    assert "score-out-of-range" in _codes(as_1_1)  # the review's case: forced into bespoke
    as_1_2 = _carer_dataset("1.2", "ascot-carer-sct4", "ascot-carer-sct4-total", 15)
    report = validate(as_1_2)
    assert report.errors == [] and "score-out-of-range" not in _codes(as_1_2)
    as_1_2["projects"][0]["outcomes"][0]["indicators"][0]["reports"][0]["mean"] = 22
    assert "score-out-of-range" in _codes(as_1_2)  # 0 to 21


def test_a_result_says_how_it_was_administered_in_1_2_only():
    data, _ = upgrade(copy.deepcopy(TRANSITION), "1.2")
    report = data["projects"][0]["outcomes"][0]["indicators"][0]["reports"][0]
    report["administration"] = {"mode": ["self-completed", "easy-read", "proxy"],
                                "instrumentVersion": "PAM-13",
                                "missingItemRule": "complete-cases-only"}
    assert validate(data).errors == [] and "instrument-version-unknown" not in _codes(data)
    report["administration"]["mode"] = ["by-carrier-pigeon"]
    assert validate(data).errors  # a closed codelist
    report["administration"] = {"missingItemRule": "guessed"}
    assert validate(data).errors
    old = copy.deepcopy(TRANSITION)  # 1.0 has no such field
    old["projects"][0]["outcomes"][0]["indicators"][0]["reports"][0]["administration"] = {
        "instrumentVersion": "PAM-13"}
    assert validate(old).errors


def test_the_1_2_instrument_checks_are_silent_on_1_1_data():
    data, _ = upgrade(copy.deepcopy(TRANSITION), "1.1")
    data["projects"][0]["outcomes"][0]["indicators"][0]["meaningfulChange"]["value"] = 0.5
    codes = _codes(data)
    assert "threshold-differs-from-registry" not in codes
    data, _ = upgrade(data, "1.2")
    assert "threshold-differs-from-registry" in _codes(data)
