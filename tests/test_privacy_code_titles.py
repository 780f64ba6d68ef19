"""The name screens and codes' titles (issue 20): "Irish" in "White: Irish" is a word of the
standard, not a person's name. No title of any codelist, in any version, is read as a name,
typed where a code belongs or inside free text, and nothing of it is withheld from the
messages; words naming a people, a nation or a faith need strong evidence to be a name,
so real names are still found."""

from __future__ import annotations

import copy
import json

import pytest

from coprod_standard import validate
from coprod_standard.checks import free_text
from coprod_standard.codelists import load_codelists
from coprod_standard.schemas import version_names
from coprod_standard.withhold import PHRASE
from tests.conftest import ROOT

TITLES = sorted({code.title for version in version_names()
                 for codelist in load_codelists(version).values() for code in codelist.codes})


def test_no_codelist_title_of_any_version_is_read_as_a_name():
    assert len(TITLES) > 400 and "White: Irish" in TITLES
    assert [t for t in TITLES if free_text.names(t)] == []


@pytest.mark.parametrize("text", [
    "White: Irish", "White: Gypsy or Irish Traveller", "Religion: Christian", "White: Roma",
    "Most members are Irish, some Scottish.", "We met Irish Traveller families in Leeds.",
    "Members described themselves as Black: African, White: Irish or Christian."])
def test_peoples_nations_and_faiths_are_not_names(text):
    assert free_text.names(text) == []


@pytest.mark.parametrize(("text", "name"), [
    ("Christian said the group was a lifeline.", "Christian"),
    ("Christian Okafor set up the group.", "Okafor"),
    ("Margaret joined in March.", "Margaret")])
def test_real_names_are_still_found(text, name):
    assert any(name in text[a:b] for a, b in free_text.names(text))


def test_a_title_typed_for_a_code_and_in_free_text_is_neither_flagged_nor_withheld():
    data = json.loads((ROOT / "examples" / "dementia-club.json").read_text(encoding="utf-8"))
    project = data["projects"][0]
    counts = project["participantGroups"][0]["demographics"]["ethnicity"]["counts"]
    counts[0]["code"] = "White: Irish"
    project["description"] += " Members are White: Irish, Black: African and Christian."
    report = validate(copy.deepcopy(data))
    codes = {i.code for i in report.issues}
    assert "possible-name-in-text" not in codes
    wrong = [i for i in report.issues if i.code == "invalid-code"]
    assert len(wrong) == 1 and "'White: Irish'" in wrong[0].message
    assert "white-irish" in wrong[0].message
    assert not any(PHRASE in str(vars(i)) for i in report.issues)
