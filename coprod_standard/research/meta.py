"""Random-effects meta-analysis (DerSimonian and Laird) of change from baseline, and
standardised mean differences where projects used different scales. The tests compare
every pooled figure with statsmodels' implementation."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..instruments.stats import t_quantile

Z95 = 1.959963984540054


@dataclass
class Study:
    label: str  # the project
    effect: float
    variance: float
    n: int
    basis: str = ""  # how the effect was worked out (e.g. "change scores", "adjusted")
    key: tuple = ()  # (dataset, project, outcome, indicator, report) it came from

    @property
    def lower(self) -> float:
        return self.effect - Z95 * math.sqrt(self.variance)

    @property
    def upper(self) -> float:
        return self.effect + Z95 * math.sqrt(self.variance)


@dataclass
class Pooled:
    k: int
    estimate: float
    lower: float
    upper: float
    tau2: float
    i2: float
    q: float
    fixed: float
    studies: list[Study] = field(default_factory=list)
    method: str = "DL"  # how tau squared was estimated: "DL" or "REML"
    interval: str = "normal"  # the pooled interval: "normal" (z) or "HKSJ" (t, k - 1)
    se: float = 0.0  # the pooled estimate's standard error (HKSJ-scaled when HKSJ)


def dersimonian_laird(studies: list[Study]) -> Pooled:
    """Pool effects with their variances: tau squared by the method of moments."""
    weights = [1.0 / s.variance for s in studies]
    total = math.fsum(weights)
    fixed = math.fsum(w * s.effect for w, s in zip(weights, studies, strict=True)) / total
    q = math.fsum(w * (s.effect - fixed) ** 2 for w, s in zip(weights, studies, strict=True))
    df = len(studies) - 1
    c = total - math.fsum(w * w for w in weights) / total
    tau2 = max(0.0, (q - df) / c) if c > 0 else 0.0
    random = [1.0 / (s.variance + tau2) for s in studies]
    estimate = math.fsum(w * s.effect for w, s in zip(random, studies, strict=True)) / math.fsum(
        random)
    se = math.sqrt(1.0 / math.fsum(random))
    i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
    return Pooled(len(studies), estimate, estimate - Z95 * se, estimate + Z95 * se, tau2,
                  i2, q, fixed, studies)


def change_variance(n: int | None, sd: float | None, lower: float | None,
                    upper: float | None, bucket: range | None = None) -> float | None:
    """The variance of a mean change: from its SD, or else from its 95% interval.

    BUCKET is every true count the published N may stand for (`Policy.bucket(n)` of the
    dataset's policy). When given, 1/n is replaced by its average over the bucket
    (`inverse_n`), so that a count published rounded still gives an unbiased variance;
    an interval is then read as one worked out from the published figures (mean, SD and
    n), as `coprod aggregate` publishes it."""
    if not n or n < 2:
        return None
    inverse = inverse_n(bucket) if bucket else 1.0 / n
    if sd is not None and sd > 0:
        return sd * sd * inverse
    if lower is not None and upper is not None and upper > lower:
        se = (upper - lower) / (2 * t_quantile(0.975, n - 1))
        return se * se * n * inverse  # the SD the interval implies, over the bucket's 1/n
    return None


def inverse_n(bucket: range) -> float:
    """1/n for a count published rounded: the average of 1/k over every count k that the
    policy publishes the same way (its bucket), so that SD^2 x inverse_n is an unbiased
    variance of a mean when the true count is equally likely to be any in the bucket.
    For a count published as it is, the bucket holds it alone and this is exactly 1/n."""
    return math.fsum(1.0 / k for k in bucket) / len(bucket)


def standardised(mean: float, sd: float, n: int, higher_is_better: bool,
                 bucket: range | None = None) -> tuple[float, float]:
    """The standardised mean change (improvement positive) and its variance, for a
    before-and-after design: d = change / SD of change; var = 1/n + d^2 / 2n. With
    BUCKET (as in `change_variance`), 1/n is its unbiased average over the bucket."""
    d = (mean / sd) * (1 if higher_is_better else -1)
    inverse = inverse_n(bucket) if bucket else 1.0 / n
    return d, inverse * (1.0 + d * d / 2.0)


def caveats(pooled: Pooled, mixed_scales: bool = False) -> list[str]:
    notes = []
    if pooled.k == 2:
        notes.append("Only two projects: the pooled estimate is very uncertain.")
    if pooled.i2 >= 0.75:
        notes.append(f"The projects' results differ a great deal (I\u00b2 = {pooled.i2:.0%}); "
                     "a single pooled figure may mislead.")
    elif pooled.i2 >= 0.5:
        notes.append(f"The projects' results differ substantially (I\u00b2 = {pooled.i2:.0%}).")
    if mixed_scales:
        notes.append("The projects used different instruments, so changes are compared as "
                     "standardised mean differences, which assumes they measure the same "
                     "thing.")
    if any(s.n < 30 for s in pooled.studies):
        notes.append("Some projects measured fewer than 30 people.")
    return notes


# -- placeholders until the meta branch lands (replaced there, checked against metafor) --

def _correction(m: float) -> float:
    return math.exp(math.lgamma(m / 2) - math.log(math.sqrt(m / 2)) - math.lgamma((m - 1) / 2))


def mean_difference(m1, sd1, n1, m2, sd2, n2, bucket1=None, bucket2=None):
    i1 = inverse_n(bucket1) if bucket1 else 1.0 / n1
    i2 = inverse_n(bucket2) if bucket2 else 1.0 / n2
    return m1 - m2, sd1 * sd1 * i1 + sd2 * sd2 * i2


def hedges_g(m1, sd1, n1, m2, sd2, n2, bucket1=None, bucket2=None):
    i1 = inverse_n(bucket1) if bucket1 else 1.0 / n1
    i2 = inverse_n(bucket2) if bucket2 else 1.0 / n2
    sp = math.sqrt(((n1 - 1) * sd1 * sd1 + (n2 - 1) * sd2 * sd2) / (n1 + n2 - 2))
    g = _correction(n1 + n2 - 2) * (m1 - m2) / sp
    return g, i1 + i2 + g * g / (2 * (n1 + n2))


def from_interval(value, lower, upper):
    return ((upper - lower) / (2 * Z95)) ** 2


def pool(studies, method="DL", hksj=False):
    return dersimonian_laird(studies)
