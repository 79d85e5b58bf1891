"""Pure statistics for the results: counts in, figures out. No database, no Flask.

Intervals are 95 %: Wilson for shares, Student's t for means (NPS is the mean of +1/0/−1 scores).
"""

import math
from dataclasses import dataclass
from statistics import median

from scipy.stats import t as student_t
from statsmodels.stats.proportion import proportion_confint

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float


def wilson(count: int, total: int) -> Interval | None:
    """The share count/total with its Wilson interval; None when there is nobody to share among."""
    if total <= 0:
        return None
    low, high = proportion_confint(count, total, alpha=1 - CONFIDENCE, method="wilson")
    return Interval(count / total, float(low), float(high))


def mean_interval(n: int, total: float, sum_of_squares: float) -> Interval | None:
    """Mean with a t-interval from the sufficient statistics that SQL returns (n, Σx, Σx²)."""
    if n <= 0:
        return None
    mean = total / n
    if n == 1:
        return Interval(mean, mean, mean)
    # Σx² − n·mean² can come out a hair below zero in floating point for identical values.
    variance = max((sum_of_squares - n * mean * mean) / (n - 1), 0.0)
    margin = student_t.ppf((1 + CONFIDENCE) / 2, n - 1) * math.sqrt(variance / n)
    return Interval(mean, mean - margin, mean + margin)


def nps_interval(promoters: int, passives: int, detractors: int) -> Interval | None:
    """Net Promoter Score: 100 × the mean of +1 (9–10), 0 (7–8) and −1 (0–6), with a t-interval."""
    n = promoters + passives + detractors
    # The scores are ±1 or 0, so Σx = P − D and Σx² = P + D.
    interval = mean_interval(n, promoters - detractors, promoters + detractors)
    if interval is None:
        return None
    return Interval(100 * interval.value, max(100 * interval.low, -100.0), min(100 * interval.high, 100.0))


def speeder_limit(durations: list[int]) -> float | None:
    """Completion times below this are speeders: under a third of the median."""
    return median(durations) / 3 if durations else None


def hidden(count: int, minimum: int) -> bool:
    """A figure based on 1 to minimum−1 responses could point at people, so it is not shown.
    Zero says nothing about anyone and stays visible."""
    return 0 < count < minimum
