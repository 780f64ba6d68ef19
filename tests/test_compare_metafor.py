"""`coprod compare`'s pooled figures equal R's metafor, end to end: Normand's (1999) nine
stroke trials published as 1.2 datasets (tests/fixtures/normand1999) and the bundled
examples, combined into a store and compared under DL and REML, with the normal and the
Hartung-Knapp-Sidik-Jonkman interval."""

from __future__ import annotations

import math

import pytest

from coprod_standard.research.combine import combine
from coprod_standard.research.compare import compare
from coprod_standard.research.findings import Settings
from coprod_standard.research.sources import expand
from tests import metafor
from tests.conftest import ROOT

CHOICES = [("DL", False, "z"), ("DL", True, "knha"), ("REML", False, "z"),
           ("REML", True, "knha")]


def _store(tmp_path_factory, name: str, source) -> object:
    folder = tmp_path_factory.mktemp(name)
    result = combine(expand([str(source)], []), folder / "s.duckdb")
    assert {d["status"] for d in result.datasets} == {"valid"}
    return folder / "s.duckdb"


@pytest.fixture(scope="module")
def normand(tmp_path_factory):
    return _store(tmp_path_factory, "normand", ROOT / "tests" / "fixtures" / "normand1999")


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    return _store(tmp_path_factory, "examples", ROOT / "examples")


def _same(pooled, theirs: dict) -> None:
    ours = {"estimate": pooled.estimate, "lower": pooled.lower, "upper": pooled.upper,
            "tau2": pooled.tau2, "i2": 100 * pooled.i2, "q": pooled.q, "se": pooled.se}
    for name, value in ours.items():
        assert math.isclose(value, theirs[name], rel_tol=1e-8, abs_tol=1e-10), \
            (name, value, theirs[name])


def test_normand_through_combine_and_compare_equals_metafor(normand):
    metafor.require()
    trials = [row for row in metafor.dataset("dat.normand1999") if row["study"] != 5]
    reference = metafor.escalc("MD", [{k: row[k] for k in ("m1i", "sd1i", "n1i", "m2i",
                                                          "sd2i", "n2i")} for row in trials])
    [pooled_by_r] = metafor.rma([reference])
    for method, hksj, test in CHOICES:
        found = compare(normand, settings=Settings(method, hksj))
        [analysis] = found.analyses
        assert analysis.stratum.design == "randomised"
        assert analysis.stratum.population == "service-users"
        assert analysis.pooled.method == method
        assert analysis.pooled.interval == ("HKSJ" if hksj else "normal")
        effects = sorted((s.effect, s.variance) for s in analysis.pooled.studies)
        for (y, v), (ry, rv) in zip(effects, sorted(reference), strict=True):
            assert math.isclose(y, ry, rel_tol=1e-12) and math.isclose(v, rv, rel_tol=1e-12)
        _same(analysis.pooled, pooled_by_r[(method, test)])
        # Montreal-Home's specialist arm (8 people) is withheld: listed, not pooled
        assert [(i.project.rsplit("-", 2)[-2:], i.reason) for i in found.left_out] == [
            (["montreal", "home"], "suppressed")]


def test_every_analysis_of_the_examples_equals_metafor(examples):
    metafor.require()
    for method, hksj, test in CHOICES:
        found = compare(examples, settings=Settings(method, hksj))
        assert len(found.analyses) >= 2
        by_r = metafor.rma([[(s.effect, s.variance) for s in a.pooled.studies]
                            for a in found.analyses])
        for analysis, theirs in zip(found.analyses, by_r, strict=True):
            _same(analysis.pooled, theirs[(method, test)])
