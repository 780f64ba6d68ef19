"""Random-effects meta-analysis (DerSimonian and Laird, or REML, with a normal or a
Hartung-Knapp-Sidik-Jonkman interval) and the effect sizes it pools: mean differences,
Hedges' g and standardised mean changes. Every formula is metafor's (R), and the tests
compare every figure with metafor's `escalc` and `rma`."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field

from ..instruments.stats import t_quantile

Z95 = 1.959963984540054
METHODS = ("DL", "REML")


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


def pool(studies: list[Study], method: str = "DL", hksj: bool = False) -> Pooled:
    """Pool effects with their variances under a random-effects model, as metafor's
    `rma(yi, vi, method=METHOD, test="knha" if HKSJ else "z")` does.

    Tau squared by DerSimonian and Laird's method of moments (truncated at zero) or by
    restricted maximum likelihood (REML, Fisher scoring as metafor, run to convergence).
    The interval is normal, or with HKSJ the standard error is scaled by
    sqrt(sum w(y - mu)^2 / (k - 1)) (random-effects weights, not truncated) and the t
    distribution with k - 1 degrees of freedom is used. Q is the fixed-effect Q; I^2 is
    tau^2 / (tau^2 + s^2), s^2 = (k - 1) / (sum w - sum w^2 / sum w) the typical
    within-study variance (for DL this is (Q - df) / Q, at least zero)."""
    if method not in METHODS:
        raise ValueError(f"Unknown pooling method {method!r}: use one of {', '.join(METHODS)}.")
    if not studies:
        raise ValueError("There are no studies to pool.")
    if hksj and len(studies) < 2:
        raise ValueError("The HKSJ interval needs at least two studies.")
    if any(not s.variance > 0 for s in studies):
        raise ValueError("Every study needs a variance above zero to be pooled.")
    k = len(studies)
    effects = [s.effect for s in studies]
    variances = [s.variance for s in studies]
    weights = [1.0 / v for v in variances]
    total = math.fsum(weights)
    fixed = _weighted_mean(effects, weights)
    q = math.fsum(w * (y - fixed) ** 2 for w, y in zip(weights, effects, strict=True))
    c = total - math.fsum(w * w for w in weights) / total
    if k == 1:
        tau2 = 0.0
    elif method == "DL":
        tau2 = max(0.0, (q - (k - 1)) / c)
    else:
        tau2 = _reml(effects, variances)
    random = [1.0 / (v + tau2) for v in variances]
    estimate = _weighted_mean(effects, random)
    se = math.sqrt(1.0 / math.fsum(random))
    critical = Z95
    if hksj:
        spread = math.fsum(w * (y - estimate) ** 2 for w, y in zip(random, effects, strict=True))
        se *= math.sqrt(0.0 if spread <= sys.float_info.epsilon else spread / (k - 1))
        critical = t_quantile(0.975, k - 1)
    i2 = tau2 / (tau2 + (k - 1) / c) if k > 1 and tau2 > 0 else 0.0
    return Pooled(k, estimate, estimate - critical * se, estimate + critical * se, tau2, i2,
                  q, fixed, studies, method, "HKSJ" if hksj else "normal", se)


def dersimonian_laird(studies: list[Study]) -> Pooled:
    """Pool effects with their variances: tau squared by the method of moments."""
    return pool(studies, "DL")


def _weighted_mean(values: list[float], weights: list[float]) -> float:
    return math.fsum(w * y for w, y in zip(weights, values, strict=True)) / math.fsum(weights)


def _reml(effects: list[float], variances: list[float]) -> float:
    """Tau squared by restricted maximum likelihood, as metafor finds it: Fisher scoring
    from the Hedges (HE) estimate, a step halved while it would go below zero, and zero
    if the likelihood there is clearly higher. metafor stops when a step is under 1e-5;
    this goes on until the steps are at rounding level."""
    k = len(effects)
    mean = math.fsum(effects) / k
    typical = math.fsum(variances) / k
    tau2 = max(0.0, (math.fsum((y - mean) ** 2 for y in effects)
                     - typical * (k - 1)) / (k - 1))
    for _ in range(10_000):
        w = [1.0 / (v + tau2) for v in variances]
        total, squares = math.fsum(w), math.fsum(x * x for x in w)
        mu = _weighted_mean(effects, w)
        score = math.fsum(x * x * (y - mu) ** 2 for x, y in zip(w, effects, strict=True)) \
            - (total - squares / total)  # y'PPy - tr(P)
        information = squares - 2 * math.fsum(x ** 3 for x in w) / total \
            + (squares / total) ** 2  # tr(PP)
        step = score / information
        while tau2 + step < 0:
            step /= 2
        tau2, before = tau2 + step, tau2
        if abs(tau2 - before) <= 1e-14 * (typical + tau2):
            break
    else:
        raise ArithmeticError("REML did not converge: try the DerSimonian-Laird method.")
    if tau2 <= 1e-12 * typical:  # walked down to the boundary: the maximum is at zero
        return 0.0
    if _reml_likelihood(effects, variances, 0.0) - _reml_likelihood(effects, variances, tau2) \
            > sys.float_info.epsilon ** 0.25:
        return 0.0  # stuck at a local maximum, as metafor checks
    return tau2


def _reml_likelihood(effects: list[float], variances: list[float], tau2: float) -> float:
    """The restricted log-likelihood, without its constant."""
    w = [1.0 / (v + tau2) for v in variances]
    mu = _weighted_mean(effects, w)
    return -0.5 * (math.fsum(math.log(v + tau2) for v in variances) + math.log(math.fsum(w))
                   + math.fsum(x * (y - mu) ** 2 for x, y in zip(w, effects, strict=True)))


def correction(df: float) -> float:
    """Hedges' exact small-sample correction J(df) = Gamma(df/2) / (sqrt(df/2)
    Gamma((df-1)/2)), as metafor computes it; it needs df above 1."""
    if df <= 1:
        raise ValueError("The small-sample correction needs more than one degree of freedom.")
    return math.exp(math.lgamma(df / 2) - math.log(math.sqrt(df / 2))
                    - math.lgamma((df - 1) / 2))


def mean_difference(m1: float, sd1: float, n1: int, m2: float, sd2: float, n2: int,
                    bucket1: range | None = None,
                    bucket2: range | None = None) -> tuple[float, float]:
    """The difference between two groups' means (first minus second) and its variance,
    sd1^2/n1 + sd2^2/n2 (metafor `escalc("MD")`). With a group's BUCKET (as in
    `change_variance`), its 1/n is the average over the bucket (`inverse_n`)."""
    return m1 - m2, sd1 * sd1 * _inverse(n1, bucket1) + sd2 * sd2 * _inverse(n2, bucket2)


def hedges_g(m1: float, sd1: float, n1: int, m2: float, sd2: float, n2: int,
             bucket1: range | None = None, bucket2: range | None = None) -> tuple[float, float]:
    """Hedges' g (first minus second, over the pooled SD, times the exact correction
    J(n1 + n2 - 2)) and its large-sample variance 1/n1 + 1/n2 + g^2 / 2(n1 + n2)
    (metafor `escalc("SMD")`). With BUCKETs each 1/n, and 1/(n1 + n2), is its average
    over the counts the published ones may stand for."""
    df = n1 + n2 - 2
    j = correction(df)
    pooled_sd = math.sqrt(((n1 - 1) * sd1 * sd1 + (n2 - 1) * sd2 * sd2) / df)
    if not pooled_sd > 0:
        raise ValueError("Hedges' g needs a pooled standard deviation above zero.")
    g = j * (m1 - m2) / pooled_sd
    first, second = bucket1 or [n1], bucket2 or [n2]
    inverse_total = math.fsum(1.0 / (a + b) for a in first for b in second) \
        / (len(first) * len(second))
    return g, _inverse(n1, bucket1) + _inverse(n2, bucket2) + g * g * inverse_total / 2


def from_interval(value: float, lower: float, upper: float) -> float | None:
    """The variance of a reported effect from its 95% interval, read as normal:
    ((upper - lower) / (2 x 1.96))^2. None when the interval is empty or does not
    hold the value (a ratio's interval must be given on the log scale)."""
    if not lower <= value <= upper or not upper > lower:
        return None
    return ((upper - lower) / (2 * Z95)) ** 2


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
    inverse = _inverse(n, bucket)
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


def _inverse(n: int, bucket: range | None) -> float:
    return inverse_n(bucket) if bucket else 1.0 / n


def standardised(mean: float, sd: float, n: int, higher_is_better: bool,
                 bucket: range | None = None) -> tuple[float, float]:
    """The standardised mean change (improvement positive) and its variance, for a
    before-and-after design (metafor `escalc("SMCC")`): g = J(n - 1) x change / SD of
    change, var = 1/n + g^2 / 2n. With BUCKET (as in `change_variance`), 1/n is its
    unbiased average over the bucket: var = inverse_n x (1 + g^2 / 2). Needs n of 3 or
    more (the correction is undefined for n = 2) and an SD above zero."""
    if not sd > 0:
        raise ValueError("A standardised change needs a standard deviation above zero.")
    g = correction(n - 1) * (mean / sd) * (1 if higher_is_better else -1)
    return g, _inverse(n, bucket) * (1.0 + g * g / 2.0)


def caveats(pooled: Pooled, mixed_scales: bool = False) -> list[str]:
    notes = []
    if pooled.k == 2:
        notes.append("Only two projects: the pooled estimate is very uncertain.")
    elif pooled.k < 5 and pooled.interval == "normal":
        notes.append("Fewer than five projects: the normal interval may be too narrow; the "
                     "Hartung-Knapp-Sidik-Jonkman (HKSJ) interval is safer.")
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
