"""The statistics of the comparison page, from sufficient statistics, with statsmodels.

t statistics depend on a sample only through its size, mean and variance. Two points at mean ± sd
(population sd), each weighing n/2, have exactly that size, mean and variance, so statsmodels'
weighted tools give the exact intervals and tests from counts and sums without the raw answers.
"""

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    test_proportions_2indep,
)
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

ALPHA = 0.05


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float | None
    high: float | None
    n: int


@dataclass(frozen=True)
class Difference:
    value: float
    low: float
    high: float
    p_value: float


def share(count: int, n: int) -> Estimate:
    """A share (0–1) with its Wilson 95% interval."""
    return shares([count], [n])[0]


def shares(counts: Sequence[int], totals: Sequence[int]) -> list[Estimate]:
    """Many shares at once: statsmodels takes arrays, and one call costs what one share did."""
    if not counts:
        return []
    low, high = proportion_confint(np.asarray(counts), np.asarray(totals), alpha=ALPHA, method="wilson")
    return [
        Estimate(count / n, float(lower), float(upper), n)
        for count, n, lower, upper in zip(counts, totals, low, high, strict=True)
    ]


def compare_shares(count: int, n: int, peer_count: int, peer_n: int) -> Difference:
    """Own share minus the peers' share: score test and Newcombe's interval for the difference."""
    return compare_many_shares([(count, n, peer_count, peer_n)])[0]


def compare_many_shares(pairs: Sequence[tuple[int, int, int, int]]) -> list[Difference]:
    """compare_shares of many (count, n, peer count, peer n) at once, with array calls."""
    if not pairs:
        return []
    count, n, peer_count, peer_n = (np.asarray(column) for column in zip(*pairs, strict=True))
    # statsmodels also computes an odds ratio on the way, which divides by zero for shares of 0 or 1.
    with np.errstate(divide="ignore", invalid="ignore"):
        test = test_proportions_2indep(count, n, peer_count, peer_n, method="score")
        low, high = confint_proportions_2indep(count, n, peer_count, peer_n, method="newcomb", alpha=ALPHA)
    p_values = np.atleast_1d(test.pvalue)
    return [
        Difference(c / m - pc / pm, float(lower), float(upper), _finite(p_value))
        for (c, m, pc, pm), lower, upper, p_value in zip(
            pairs, np.atleast_1d(low), np.atleast_1d(high), p_values, strict=True
        )
    ]


def moments_sample(n: int, value_sum: float, value_sum_sq: float) -> DescrStatsW:
    mean = value_sum / n
    variance = max(value_sum_sq / n - mean * mean, 0.0)
    spread = math.sqrt(variance)
    return DescrStatsW(np.array([mean - spread, mean + spread]), weights=np.array([n / 2, n / 2]), ddof=1)


def mean(n: int, value_sum: float, value_sum_sq: float) -> Estimate:
    """A mean with its t 95% interval (none from a single answer)."""
    sample = moments_sample(n, value_sum, value_sum_sq)
    if n < 2:
        return Estimate(sample.mean, None, None, n)
    low, high = sample.tconfint_mean(alpha=ALPHA)
    return Estimate(float(sample.mean), float(low), float(high), n)


def compare_means(own: DescrStatsW, peers: DescrStatsW) -> Difference:
    """Welch's t-test and interval for the difference of two means."""
    difference = float(own.mean - peers.mean)
    if own.var == 0 and peers.var == 0:
        # Every answer alike on both sides: no spread to test against, the difference is exact.
        return Difference(difference, difference, difference, 1.0 if difference == 0 else 0.0)
    comparison = CompareMeans(own, peers)
    _, p_value, _ = comparison.ttest_ind(usevar="unequal")
    low, high = comparison.tconfint_diff(alpha=ALPHA, usevar="unequal")
    return Difference(difference, float(low), float(high), _finite(p_value))


def nps_sample(promoters: int, passives: int, detractors: int) -> DescrStatsW:
    """NPS is 100 × the mean of +1 (promoter), 0 (passive), −1 (detractor)."""
    return DescrStatsW(
        np.array([100.0, 0.0, -100.0]),
        weights=np.array([promoters, passives, detractors], dtype=float),
        ddof=1,
    )


def nps(promoters: int, passives: int, detractors: int) -> Estimate:
    sample = nps_sample(promoters, passives, detractors)
    n = promoters + passives + detractors
    if n < 2:
        return Estimate(float(sample.mean), None, None, n)
    low, high = sample.tconfint_mean(alpha=ALPHA)
    return Estimate(float(sample.mean), float(low), float(high), n)


def typical_organisation(values: list[float]) -> Estimate | None:
    """The mean of the peer organisations' own results, each counting once, with a t interval."""
    if len(values) < 2:
        return None
    sample = DescrStatsW(np.asarray(values, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):  # organisations all alike: no interval
        low, high = sample.tconfint_mean(alpha=ALPHA)
    return Estimate(float(sample.mean), _finite_or_none(low), _finite_or_none(high), len(values))


def peer_distributions(
    samples: Sequence[list[float]],
) -> list[tuple[Estimate | None, tuple[float, float, float]]]:
    """typical_organisation and quartiles of many samples: one statsmodels call per sample size,
    since a report's samples mostly share a few sizes (the organisations of each peer group)."""
    results: list = [(None, (math.nan,) * 3)] * len(samples)
    by_size = defaultdict(list)
    for index, values in enumerate(samples):
        if values:
            by_size[len(values)].append(index)
    for size, indices in by_size.items():
        data = np.array([samples[index] for index in indices], dtype=float).T
        first, median, third = np.percentile(data, [25, 50, 75], axis=0)
        typical = [None] * len(indices)
        if size >= 2:
            sample = DescrStatsW(data)
            with np.errstate(divide="ignore", invalid="ignore"):  # organisations all alike: no interval
                low, high = sample.tconfint_mean(alpha=ALPHA)
            typical = [
                Estimate(float(value), _finite_or_none(lower), _finite_or_none(upper), size)
                for value, lower, upper in zip(sample.mean, low, high, strict=True)
            ]
        for column, index in enumerate(indices):
            results[index] = (
                typical[column],
                (float(first[column]), float(median[column]), float(third[column])),
            )
    return results


def quartiles(values: list[float]) -> tuple[float, float, float]:
    first, median, third = np.percentile(np.asarray(values, dtype=float), [25, 50, 75])
    return float(first), float(median), float(third)


def percentile_rank(own: float, values: list[float]) -> float:
    """Share of peers below the viewer's value, ties counting half, in percent."""
    array = np.asarray(values, dtype=float)
    below = int(np.count_nonzero(array < own))
    equal = int(np.count_nonzero(array == own))
    return 100.0 * (below + 0.5 * equal) / len(values)


def benjamini_hochberg(p_values: list[float]) -> list[float]:
    """False-discovery-rate adjusted p-values for all tests of one report."""
    if not p_values:
        return []
    _, adjusted, _, _ = multipletests(p_values, alpha=ALPHA, method="fdr_bh")
    return [float(value) for value in adjusted]


def _finite(value) -> float:
    value = float(value)
    return 1.0 if math.isnan(value) else value


def _finite_or_none(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value
