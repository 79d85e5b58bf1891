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

# The generic t interval and test behind DescrStatsW and CompareMeans, which take arrays: a report
# computes all its means in one call rather than one DescrStatsW each.
from statsmodels.stats.weightstats import DescrStatsW, _tconfint_generic, _tstat_generic

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


# (n, sum, sum of squares) of a sample: all a mean, its interval and a t-test need.
Moments = tuple[int, float, float]


def nps_moments(promoters: int, passives: int, detractors: int) -> Moments:
    """NPS is the mean of +100 (promoter), 0 (passive) and −100 (detractor)."""
    return (
        promoters + passives + detractors,
        100.0 * (promoters - detractors),
        10_000.0 * (promoters + detractors),
    )


def mean(n: int, value_sum: float, value_sum_sq: float) -> Estimate:
    """A mean with its t 95% interval (none from a single answer)."""
    return means([(n, value_sum, value_sum_sq)])[0]


def nps(promoters: int, passives: int, detractors: int) -> Estimate:
    return mean(*nps_moments(promoters, passives, detractors))


def means(samples: Sequence[Moments]) -> list[Estimate]:
    """Many means at once, each with the t interval statsmodels' DescrStatsW.tconfint_mean gives."""
    if not samples:
        return []
    n, mean_, standard_error = _mean_and_error(samples)
    with np.errstate(divide="ignore", invalid="ignore"):  # single answers: no interval, see below
        low, high = _tconfint_generic(mean_, standard_error, n - 1, ALPHA, "two-sided")
    return [
        Estimate(value, lower, upper, count) if count >= 2 else Estimate(value, None, None, count)
        for value, lower, upper, count in zip(
            mean_.tolist(), low.tolist(), high.tolist(), n.astype(int).tolist(), strict=True
        )
    ]


def compare_means(own: Moments, peers: Moments) -> Difference:
    """Welch's t-test and interval for the difference of two means."""
    return compare_many_means([(own, peers)])[0]


def compare_many_means(pairs: Sequence[tuple[Moments, Moments]]) -> list[Difference]:
    """compare_means of many pairs at once: statsmodels' CompareMeans(...).ttest_ind and
    tconfint_diff with usevar="unequal", from the moments."""
    if not pairs:
        return []
    n1, mean1, error1 = _mean_and_error([own for own, _ in pairs])
    n2, mean2, error2 = _mean_and_error([peers for _, peers in pairs])
    variance1, variance2 = error1**2, error2**2
    spread = np.sqrt(variance1 + variance2)
    difference = mean1 - mean2
    with np.errstate(divide="ignore", invalid="ignore"):  # no spread on either side: handled below
        dof = (variance1 + variance2) ** 2 / (variance1**2 / (n1 - 1) + variance2**2 / (n2 - 1))
        _, p_values = _tstat_generic(mean1, mean2, spread, dof, "two-sided", diff=0)
        low, high = _tconfint_generic(difference, spread, dof, ALPHA, "two-sided")
    results = []
    for value, lower, upper, p_value, alike in zip(
        difference.tolist(),
        low.tolist(),
        high.tolist(),
        p_values.tolist(),
        (spread == 0).tolist(),
        strict=True,
    ):
        if alike:
            # Every answer alike on both sides: no spread to test against, the difference is exact.
            results.append(Difference(value, value, value, 1.0 if value == 0 else 0.0))
        else:
            results.append(Difference(value, lower, upper, _finite(p_value)))
    return results


def _mean_and_error(samples: Sequence[Moments]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sizes, means and standard errors (sample sd over √n, as DescrStatsW's std_mean)."""
    n, total, squares = (np.asarray(column, dtype=float) for column in zip(*samples, strict=True))
    mean_ = total / n
    spread = np.maximum(squares / n - mean_ * mean_, 0.0)  # the variance with ddof 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return n, mean_, np.sqrt(spread / (n - 1))


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
        if len(values):
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
