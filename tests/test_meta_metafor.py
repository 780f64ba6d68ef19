"""research/meta.py against R's metafor (tests/metafor.py runs it): effect sizes against
`escalc` (MD, SMD, SMCC) and pooling against `rma` (DL and REML, each with a normal and a
knha interval), on Normand (1999)'s nine stroke trials and on random sets of studies.
Random sets are sent to R in batches, one Rscript run per batch."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coprod_standard.research.meta import (
    Study,
    correction,
    dersimonian_laird,
    from_interval,
    hedges_g,
    inverse_n,
    mean_difference,
    pool,
    standardised,
)
from tests import metafor
from tests.conftest import FIXTURES, run_coprod
from tests.fixtures.make_normand_fixtures import TRIALS, project_id

NORMAND = FIXTURES / "normand1999"
GROUPS = ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")
CONFIGS = [("DL", False), ("DL", True), ("REML", False), ("REML", True)]


@pytest.fixture(scope="module")
def normand():
    return metafor.dataset("dat.normand1999")


def _groups(rows: list[dict]) -> list[tuple]:
    return [tuple(r[k] for k in GROUPS) for r in rows]


def _same_pooled(ours, theirs: dict, scale: float = 1.0, rel: float = 1e-10) -> None:
    """Every figure equal; SCALE sets what counts as zero (the studies' typical variance
    plus tau squared)."""
    pairs = {"estimate": ours.estimate, "se": ours.se, "lower": ours.lower,
             "upper": ours.upper, "q": ours.q}
    for name, mine in pairs.items():
        assert math.isclose(mine, theirs[name], rel_tol=rel, abs_tol=1e-12 * math.sqrt(scale)), \
            (name, mine, theirs[name])
    assert math.isclose(ours.tau2, theirs["tau2"], rel_tol=rel, abs_tol=1e-9 * scale), \
        ("tau2", ours.tau2, theirs["tau2"])
    assert math.isclose(100 * ours.i2, theirs["i2"], rel_tol=rel, abs_tol=1e-7), \
        ("i2", ours.i2, theirs["i2"])


# -- Normand (1999): nine trials of specialist stroke care ------------------------------

def test_the_fixtures_hold_normands_figures(normand):
    order = ("n1i", "m1i", "sd1i", "n2i", "m2i", "sd2i")  # as TRIALS lists them
    assert [(int(r["study"]), r["source"], *(int(r[k]) for k in order)) for r in normand] \
        == TRIALS
    files = sorted(NORMAND.glob("*.json"), key=lambda p: int(p.name.split("-")[0]))
    assert len(files) == 9
    for path, (study, source, n1, m1, sd1, n2, m2, sd2) in zip(files, TRIALS, strict=True):
        project = json.loads(path.read_text(encoding="utf-8"))["projects"][0]
        assert project["id"] == project_id(study, source)
        [report] = project["outcomes"][0]["indicators"][0]["reports"]
        group = report["comparisonGroup"]
        assert (group["formation"], group["n"], group["mean"], group["sd"]) == \
            ("randomised", n2, m2, sd2)
        if n1 < 10:  # threshold-10 withholds Montreal-Home's specialist arm of 8
            assert report["suppressed"] is True and "mean" not in report
        else:
            assert (report["n"], report["mean"], report["sd"]) == (n1, m1, sd1)


def test_every_normand_fixture_is_valid_at_the_publish_level():
    result = run_coprod("validate", "--level", "publish", "--format", "json",
                        *sorted(NORMAND.glob("*.json")))
    assert result.returncode == 0, result.stdout[-2000:]
    files = json.loads(result.stdout)["files"]
    assert len(files) == 9 and all(f["valid"] and f["errors"] == 0 for f in files)


def test_mean_difference_and_hedges_g_equal_escalc(normand):
    rows = [{k: r[k] for k in GROUPS} for r in normand]
    for measure, function in (("MD", mean_difference), ("SMD", hedges_g)):
        for (y, v), groups in zip(metafor.escalc(measure, rows), _groups(normand), strict=True):
            mine = function(*groups)
            assert math.isclose(mine[0], y, rel_tol=1e-12), (measure, groups)
            assert math.isclose(mine[1], v, rel_tol=1e-12), (measure, groups)


@pytest.mark.parametrize("function", [mean_difference, hedges_g])
def test_normand_pooled_equals_rma(normand, function):
    studies = [Study(r["source"], *function(*g), int(r["n1i"] + r["n2i"]))
               for r, g in zip(normand, _groups(normand), strict=True)]
    strict, default = metafor.rma([[(s.effect, s.variance) for s in studies]])[0], \
        metafor.rma([[(s.effect, s.variance) for s in studies]], strict=False)[0]
    for method, hksj in CONFIGS:
        ours = pool(studies, method, hksj)
        assert (ours.k, ours.method, ours.interval) == (9, method, "HKSJ" if hksj else "normal")
        _same_pooled(ours, strict[(method, "knha" if hksj else "z")])
        # metafor's defaults stop REML at a step under 1e-5: the same to the printed digit
        printed = default[(method, "knha" if hksj else "z")]
        for name, mine in (("estimate", ours.estimate), ("lower", ours.lower),
                           ("upper", ours.upper), ("tau2", ours.tau2), ("i2", 100 * ours.i2)):
            assert round(mine, 4) == round(printed[name], 4), (method, hksj, name)
    assert dersimonian_laird(studies) == pool(studies, "DL")


# -- random sets of studies, in batches -------------------------------------------------

study_sets = st.lists(st.tuples(st.floats(-10, 10), st.floats(0.001, 25)),
                      min_size=2, max_size=30)


@settings(max_examples=5, deadline=None)
@given(st.lists(study_sets, min_size=10, max_size=10))
def test_pool_equals_rma_on_random_sets(batch):
    """50 random sets in all (5 batches of 10), each pooled four ways."""
    for pairs, theirs in zip(batch, metafor.rma(batch), strict=True):
        studies = [Study(str(i), e, v, 50) for i, (e, v) in enumerate(pairs)]
        typical = math.fsum(v for _, v in pairs) / len(pairs)
        for method, hksj in CONFIGS:
            ours = pool(studies, method, hksj)
            _same_pooled(ours, theirs[(method, "knha" if hksj else "z")], typical + ours.tau2,
                         rel=1e-8)


two_groups = st.tuples(st.floats(-100, 100), st.floats(0.1, 50), st.integers(2, 500),
                       st.floats(-100, 100), st.floats(0.1, 50), st.integers(2, 500))


@settings(max_examples=3, deadline=None)
@given(st.lists(two_groups, min_size=20, max_size=20))
def test_mean_difference_and_hedges_g_equal_escalc_on_random_groups(batch):
    rows = [dict(zip(GROUPS, groups, strict=True)) for groups in batch]
    for measure, function in (("MD", mean_difference), ("SMD", hedges_g)):
        for (y, v), groups in zip(metafor.escalc(measure, rows), batch, strict=True):
            g, variance = function(*groups)
            assert math.isclose(g, y, rel_tol=1e-10, abs_tol=1e-10), (measure, groups)
            assert math.isclose(variance, v, rel_tol=1e-10), (measure, groups)


# -- before and after: the standardised mean change ------------------------------------

changes = st.tuples(st.floats(-50, 50), st.floats(0.1, 30), st.integers(3, 500), st.booleans())


@settings(max_examples=3, deadline=None)
@given(st.lists(changes, min_size=20, max_size=20))
def test_standardised_change_equals_escalc_smcc(batch):
    """metafor's SMCC takes the two timepoints (m1i, sd1i after; m2i, sd2i before) and
    their correlation ri; the SD of the change is sqrt(sd1^2 + sd2^2 - 2 ri sd1 sd2). A
    change with its own SD is m1i = the mean change, sd1i = its SD, m2i = sd2i = ri = 0.
    metafor signs it as after minus before: ours is flipped where lower is better."""
    rows = [{"m1i": m, "m2i": 0.0, "sd1i": sd, "sd2i": 0.0, "ni": n, "ri": 0.0}
            for m, sd, n, _ in batch]
    for (y, v), (mean, sd, n, higher) in zip(metafor.escalc("SMCC", rows), batch, strict=True):
        g, variance = standardised(mean, sd, n, higher)
        assert math.isclose(g, y if higher else -y, rel_tol=1e-10, abs_tol=1e-12)
        assert math.isclose(variance, v, rel_tol=1e-10)


def test_standardised_change_from_two_timepoints_equals_smcc():
    """The same from the two timepoints' figures and their correlation."""
    rows = [{"m1i": 21.5, "m2i": 18.0, "sd1i": 6.0, "sd2i": 5.5, "ni": 40, "ri": 0.6},
            {"m1i": 9.0, "m2i": 11.0, "sd1i": 3.0, "sd2i": 3.5, "ni": 3, "ri": -0.2}]
    for (y, v), r in zip(metafor.escalc("SMCC", rows), rows, strict=True):
        sd = math.sqrt(r["sd1i"] ** 2 + r["sd2i"] ** 2 - 2 * r["ri"] * r["sd1i"] * r["sd2i"])
        assert standardised(r["m1i"] - r["m2i"], sd, r["ni"], True) == \
            pytest.approx((y, v), rel=1e-12)


# -- what metafor does not do: rounded counts, intervals, refusals ----------------------

def test_a_bucket_replaces_each_1_over_n_by_its_average():
    assert mean_difference(5, 2, 50, 3, 4, 60, range(50, 51), range(60, 61)) == \
        mean_difference(5, 2, 50, 3, 4, 60)
    md, variance = mean_difference(5, 2, 50, 3, 4, 60, range(48, 53))
    assert md == 2 and variance == pytest.approx(4 * inverse_n(range(48, 53)) + 16 / 60)
    g, variance = hedges_g(5, 2, 50, 3, 4, 60, range(48, 53), range(58, 63))
    total = sum(1 / (a + b) for a in range(48, 53) for b in range(58, 63)) / 25
    assert g == hedges_g(5, 2, 50, 3, 4, 60)[0]
    assert variance == pytest.approx(inverse_n(range(48, 53)) + inverse_n(range(58, 63))
                                     + g * g * total / 2, rel=1e-12)
    g, variance = standardised(2.0, 4.0, 50, False, range(48, 53))
    assert g == pytest.approx(-0.5 * correction(49), rel=1e-15)
    assert variance == pytest.approx(inverse_n(range(48, 53)) * (1 + g * g / 2), rel=1e-12)


def test_from_interval_reads_a_normal_95_percent_interval():
    assert from_interval(-0.6, -1.2, -0.1) == pytest.approx((1.1 / (2 * 1.959963984540054)) ** 2)
    assert from_interval(0.5, 0.6, 0.9) is None and from_interval(1.0, 1.0, 1.0) is None


def test_what_cannot_be_worked_out_is_refused_in_words():
    with pytest.raises(ValueError, match="more than one degree of freedom"):
        standardised(1.0, 2.0, 2, True)  # metafor gives NA for n = 2
    with pytest.raises(ValueError, match="more than one degree of freedom"):
        hedges_g(1, 1, 2, 0, 1, 1)
    with pytest.raises(ValueError, match="at least two studies"):
        pool([Study("a", 1.0, 0.5, 10)], hksj=True)
    with pytest.raises(ValueError, match="Unknown pooling method"):
        pool([Study("a", 1.0, 0.5, 10)], "PM")
    one = pool([Study("a", 1.0, 0.25, 10)], "REML")
    assert (one.estimate, one.se, one.tau2, one.i2, one.q) == (1.0, 0.5, 0.0, 0.0, 0.0)
