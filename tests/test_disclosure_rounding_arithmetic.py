"""mean-reveals-count's arithmetic in whole numbers (checks/disclosure_rounding.py) gives
the verdict of the exact fractions it replaced, on every kind of mean, step and bucket."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from coprod_standard.checks.disclosure_rounding import Block, _fits_every


def fits_in_fractions(mean: Decimal, bucket: range, step: float) -> bool:
    """The former rule: some whole number of steps S gives S × step ÷ k rounding to MEAN."""
    decimals = max(0, -int(mean.as_tuple().exponent))
    half, steps, shown = Fraction(1, 2 * 10 ** decimals), Fraction(step), Fraction(mean)
    return all(math.floor((shown + half) / steps * k) >= math.ceil((shown - half) / steps * k)
               for k in bucket)


@settings(max_examples=3000, derandomize=True, deadline=None, database=None)
@given(st.integers(-10**7, 10**7), st.integers(0, 5), st.integers(1, 5000),
       st.sampled_from([1, 0.5, 0.25, 2, 0.1, 1 / 3, 7]))
def test_whole_numbers_agree_with_fractions(scaled, decimals, n, step):
    mean = Decimal(scaled).scaleb(-decimals)
    bucket = range(max(1, n - 2), n + 3)
    block = Block("/x", {}, n, bucket, None, None, step)
    assert _fits_every(mean, block) is fits_in_fractions(mean, bucket, step)


def test_a_mean_of_whole_scores_to_two_decimals_rules_counts_out():
    # 12.35 from 55 people (53 to 57): 679.25 / 55 is not whole, so some counts are ruled out
    block = Block("/x", {}, 55, range(53, 58), None, None, 1)
    assert _fits_every(Decimal("12.35"), block) is False
    assert _fits_every(Decimal("12.4"), block) is True
