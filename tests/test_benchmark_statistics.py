"""The statistics of the comparison page against values worked out independently in the test.

Expected values come from closed-form formulas written out here with scipy's distributions (never
statsmodels, which the code under test uses), from scipy's own tests on raw answers, and from
published examples. First function by function, then end to end: answers stored through the app,
the full recompute, and `build_report`, checked to the third decimal.
"""

import math
from dataclasses import dataclass

import pytest
from scipy.stats import chi2, chi2_contingency, norm, t, ttest_1samp, ttest_ind

from app.benchmarks import statistics as stats
from app.benchmarks.report import build_report
from app.benchmarks.services import recompute_benchmarks
from tests import benchmark_support as support

Z = norm.ppf(0.975)


def close(value):
    """Equal to the third decimal."""
    return pytest.approx(value, abs=5e-4)


# Closed forms ----------------------------------------------------------------------------------------


def wilson(count: int, n: int) -> tuple[float, float]:
    """Wilson's score interval: the shares p whose score statistic |p̂ − p| / √(p(1 − p)/n) is ≤ z."""
    share = count / n
    denominator = 1 + Z**2 / n
    centre = (share + Z**2 / (2 * n)) / denominator
    half = Z / denominator * math.sqrt(share * (1 - share) / n + Z**2 / (4 * n**2))
    return centre - half, centre + half


def score_test_p(count1: int, n1: int, count2: int, n2: int) -> float:
    """Miettinen–Nurminen score test of p1 − p2 = 0.

    The score statistic is (p̂1 − p̂2 − δ) / √V with V = [p̃1(1 − p̃1)/n1 + p̃2(1 − p̃2)/n2] · N/(N − 1),
    where p̃1 = p̃2 + δ are the maximum-likelihood shares restricted to the null and N = n1 + n2. For
    δ = 0 both restricted shares are one common share, whose maximum-likelihood estimate is the
    pooled share (x1 + x2)/N, so V = p̄(1 − p̄)(1/n1 + 1/n2) · N/(N − 1): the pooled z test with the
    N/(N − 1) correction.
    """
    total = n1 + n2
    pooled = (count1 + count2) / total
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2) * total / (total - 1)
    z = (count1 / n1 - count2 / n2) / math.sqrt(variance)
    return 2 * norm.sf(abs(z))


def newcombe(count1: int, n1: int, count2: int, n2: int) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p1 − p2 (his method 10), from the two Wilson intervals."""
    share1, share2 = count1 / n1, count2 / n2
    low1, high1 = wilson(count1, n1)
    low2, high2 = wilson(count2, n2)
    difference = share1 - share2
    return (
        difference - math.sqrt((share1 - low1) ** 2 + (high2 - share2) ** 2),
        difference + math.sqrt((high1 - share1) ** 2 + (share2 - low2) ** 2),
    )


def moments(values) -> tuple[int, float, float]:
    """The sufficient statistics the cells keep: count, sum and sum of squares."""
    return len(values), float(sum(values)), float(sum(value * value for value in values))


def mean_and_variance(n: int, total: float, squares: float) -> tuple[float, float]:
    """Mean and sample variance (n − 1 in the denominator) from count, sum and sum of squares."""
    mean = total / n
    return mean, (squares - n * mean**2) / (n - 1)


def mean_interval(n: int, total: float, squares: float) -> tuple[float, float, float]:
    mean, variance = mean_and_variance(n, total, squares)
    half = t.ppf(0.975, n - 1) * math.sqrt(variance / n)
    return mean, mean - half, mean + half


def welch(first: tuple, second: tuple) -> tuple[float, float, float, float]:
    """Welch's t-test of two means from their sufficient statistics: difference, interval, p-value.
    Degrees of freedom by the Welch–Satterthwaite equation."""
    (n1, *rest1), (n2, *rest2) = first, second
    mean1, variance1 = mean_and_variance(n1, *rest1)
    mean2, variance2 = mean_and_variance(n2, *rest2)
    a, b = variance1 / n1, variance2 / n2
    error = math.sqrt(a + b)
    freedom = (a + b) ** 2 / (a**2 / (n1 - 1) + b**2 / (n2 - 1))
    difference = mean1 - mean2
    half = t.ppf(0.975, freedom) * error
    return difference, difference - half, difference + half, 2 * t.sf(abs(difference) / error, freedom)


def nps_points(score: int) -> int:
    """A promoter (9–10) counts +100, a passive (7–8) 0, a detractor (0–6) −100."""
    return 100 if score >= 9 else 0 if score >= 7 else -100


def benjamini_hochberg(p_values: list[float]) -> list[float]:
    """Step-up: the i-th smallest of m p-values becomes min over j ≥ i of p_(j) · m / j."""
    m = len(p_values)
    order = sorted(range(m), key=lambda index: p_values[index])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        index = order[rank - 1]
        running = min(running, p_values[index] * m / rank)
        adjusted[index] = running
    return adjusted


def typical(values: list[float]) -> tuple[float, float, float]:
    """Mean of the organisations' own results with a t interval on k − 1 degrees of freedom."""
    k = len(values)
    mean = sum(values) / k
    spread = math.sqrt(sum((value - mean) ** 2 for value in values) / (k - 1))
    half = t.ppf(0.975, k - 1) * spread / math.sqrt(k)
    return mean, mean - half, mean + half


def linear_quantile(values: list[float], q: float) -> float:
    """numpy's default: position (k − 1)·q in the sorted values, interpolated between neighbours."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (position - below) * (ordered[above] - ordered[below])


def rank_of(own: float, values: list[float]) -> float:
    below = sum(value < own for value in values)
    ties = sum(value == own for value in values)
    return 100 * (below + ties / 2) / len(values)


# Function by function --------------------------------------------------------------------------------


# Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I, method 3.
PUBLISHED_WILSON = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("count", "n", "low", "high"), PUBLISHED_WILSON)
def test_a_share_has_the_published_wilson_interval(count, n, low, high):
    estimate = stats.share(count, n)
    assert estimate.value == close(count / n)
    assert (estimate.low, estimate.high) == (close(low), close(high))
    assert estimate.n == n


@pytest.mark.parametrize(("count", "n"), [(14, 40), (33, 120), (1, 3), (0, 30), (30, 30), (57, 1000)])
def test_a_share_has_the_wilson_interval_of_the_closed_form(count, n):
    estimate = stats.share(count, n)
    assert (estimate.low, estimate.high) == tuple(close(bound) for bound in wilson(count, n))


@pytest.mark.parametrize(
    ("count1", "n1", "count2", "n2"),
    [(14, 40, 33, 120), (56, 70, 48, 80), (9, 30, 40, 100), (3, 35, 12, 40), (40, 40, 100, 120)],
)
def test_own_against_peers_is_the_pooled_score_test_with_the_n_over_n_minus_one_correction(
    count1, n1, count2, n2
):
    p_value = stats.compare_shares(count1, n1, count2, n2).p_value
    assert p_value == close(score_test_p(count1, n1, count2, n2))
    # Cross-check: the uncorrected pooled z squared is Pearson's chi-square of the 2 × 2 table, so the
    # corrected test is the "N − 1" chi-square test.
    table = [[count1, n1 - count1], [count2, n2 - count2]]
    pearson = chi2_contingency(table, correction=False).statistic
    total = n1 + n2
    assert p_value == close(chi2.sf(pearson * (total - 1) / total, 1))


def test_shares_without_any_spread_are_not_significantly_different():
    assert stats.compare_shares(0, 40, 0, 120).p_value == 1.0


# Newcombe (1998), "Interval estimation for the difference between independent proportions",
# Table II, method 10.
PUBLISHED_NEWCOMBE = [
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (6, 7, 2, 7, 0.0582, 0.8062),
    (5, 56, 0, 29, -0.0381, 0.1926),
    (0, 10, 0, 20, -0.1611, 0.2775),
    (10, 10, 0, 20, 0.6791, 1.0),
]


@pytest.mark.parametrize(("count1", "n1", "count2", "n2", "low", "high"), PUBLISHED_NEWCOMBE)
def test_a_difference_of_shares_has_newcombes_published_interval(count1, n1, count2, n2, low, high):
    difference = stats.compare_shares(count1, n1, count2, n2)
    assert difference.value == close(count1 / n1 - count2 / n2)
    assert (difference.low, difference.high) == (close(low), close(high))


@pytest.mark.parametrize(
    ("count1", "n1", "count2", "n2"), [(14, 40, 33, 120), (9, 30, 40, 100), (1, 31, 20, 95)]
)
def test_a_difference_of_shares_has_the_hybrid_score_interval_of_the_two_wilson_intervals(
    count1, n1, count2, n2
):
    difference = stats.compare_shares(count1, n1, count2, n2)
    assert (difference.low, difference.high) == tuple(
        close(bound) for bound in newcombe(count1, n1, count2, n2)
    )


RATINGS = [5, 4, 4, 3, 5, 2, 4, 5, 1, 3, 4, 4, 5, 3, 2, 4, 5, 5, 3, 4, 4, 2, 5, 3, 4]
PEER_RATINGS = [3, 4, 2, 5, 4, 3, 1, 3, 3, 4, 2, 4, 5, 3, 3, 2, 4, 3, 1, 4, 3, 3, 4, 2, 5, 3, 4, 2, 3, 3, 4]


def test_a_mean_has_the_t_interval_of_its_count_sum_and_sum_of_squares():
    estimate = stats.mean(*moments(RATINGS))
    mean, low, high = mean_interval(*moments(RATINGS))
    assert (estimate.value, estimate.low, estimate.high) == (close(mean), close(low), close(high))
    # The same as scipy's one-sample t interval on the raw answers.
    raw = ttest_1samp(RATINGS, 0).confidence_interval(0.95)
    assert (estimate.low, estimate.high) == (close(raw.low), close(raw.high))
    assert estimate.n == len(RATINGS)


def test_a_mean_of_one_answer_has_no_interval():
    estimate = stats.mean(*moments([4]))
    assert (estimate.value, estimate.low, estimate.high) == (4.0, None, None)


def test_two_means_are_compared_by_welchs_test_from_sufficient_statistics():
    own, peers = moments(RATINGS), moments(PEER_RATINGS)
    difference = stats.compare_means(own, peers)
    value, low, high, p_value = welch(own, peers)
    assert difference.value == close(value)
    assert (difference.low, difference.high) == (close(low), close(high))
    assert difference.p_value == close(p_value)
    raw = ttest_ind(RATINGS, PEER_RATINGS, equal_var=False)
    interval = raw.confidence_interval(0.95)
    assert difference.p_value == close(raw.pvalue)
    assert (difference.low, difference.high) == (close(interval.low), close(interval.high))


def test_nps_is_the_mean_of_plus_100_0_and_minus_100_with_its_t_interval():
    promoters, passives, detractors = 18, 12, 10
    points = [100] * promoters + [0] * passives + [-100] * detractors
    estimate = stats.nps(promoters, passives, detractors)
    assert estimate.value == close(100 * (promoters - detractors) / 40) == close(20.0)
    mean, low, high = mean_interval(*moments(points))
    assert (estimate.low, estimate.high) == (close(low), close(high))
    assert estimate.n == 40


def test_two_nps_are_compared_by_welchs_test_on_their_points():
    own = [100] * 18 + [0] * 12 + [-100] * 10
    peers = [100] * 41 + [0] * 40 + [-100] * 39
    difference = stats.compare_means(stats.nps_moments(18, 12, 10), stats.nps_moments(41, 40, 39))
    value, low, high, p_value = welch(moments(own), moments(peers))
    assert (difference.value, difference.low, difference.high) == (close(value), close(low), close(high))
    assert difference.p_value == close(p_value)


def test_benjamini_hochberg_adjusts_by_rank_and_keeps_the_order():
    # Worked by hand: m = 4, sorted 0.005, 0.01, 0.03, 0.04 → ×4, ×2, ×4/3, ×1.
    assert stats.benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == [
        close(0.02),
        close(0.04),
        close(0.04),
        close(0.02),
    ]
    # 0.04 × 4 = 0.16 exceeds the next rank's 0.045 × 2 = 0.09, so it takes 0.09.
    assert stats.benjamini_hochberg([0.04, 0.045, 0.2, 0.9]) == [
        close(0.09),
        close(0.09),
        close(0.8 / 3),
        close(0.9),
    ]
    p_values = [0.0008, 0.2, 0.012, 0.049, 0.5, 0.031, 0.0042, 0.74, 0.049]
    assert stats.benjamini_hochberg(p_values) == [close(value) for value in benjamini_hochberg(p_values)]
    assert stats.benjamini_hochberg([]) == []


def test_the_typical_organisation_is_the_mean_of_organisations_with_a_t_interval_across_them():
    values = [0.15, 0.25, 0.3, 0.4, 0.2, 0.35]
    estimate = stats.typical_organisation(values)
    mean, low, high = typical(values)
    assert estimate.value == close(0.275)
    assert (estimate.value, estimate.low, estimate.high) == (close(mean), close(low), close(high))
    assert estimate.n == 6
    assert stats.typical_organisation([0.4]) is None


def test_quartiles_interpolate_linearly_between_neighbours():
    values = [46, 1, 29, 4, 11, 2, 16, 37, 7, 22]
    # Sorted 1 2 4 7 11 16 22 29 37 46: positions 2.25, 4.5 and 6.75.
    assert stats.quartiles(values) == (close(4 + 0.25 * 3), close(11 + 0.5 * 5), close(22 + 0.75 * 7))
    for more in ([50], [50, 3], [50, 3, 12]):
        extended = values + more
        assert stats.quartiles(extended) == tuple(
            close(linear_quantile(extended, q)) for q in (0.25, 0.5, 0.75)
        )


def test_the_percentile_rank_counts_ties_half():
    values = [0.1, 0.2, 0.3, 0.3, 0.4, 0.5, 0.2, 0.6, 0.3, 0.7]
    # Three below 0.3, three equal: (3 + 1.5) / 10.
    assert stats.percentile_rank(0.3, values) == close(45.0)
    assert stats.percentile_rank(0.05, values) == close(0.0)
    assert stats.percentile_rank(0.7, values) == close(95.0)
    assert stats.percentile_rank(0.8, values) == close(100.0)


# End to end through the database ---------------------------------------------------------------------


@dataclass(frozen=True)
class Respondent:
    first_visit: str
    came_with: tuple[str, ...]
    overall: int
    recommend: int


def respondents(count: int, yes: int, came_with, overall, recommend) -> list[Respondent]:
    """`count` respondents, the first `yes` of them first-time visitors; the other answers repeat
    the given cycles."""
    return [
        Respondent(
            "yes" if index < yes else "no",
            came_with[index % len(came_with)],
            overall[index % len(overall)],
            recommend[index % len(recommend)],
        )
        for index in range(count)
    ]


# Below this many own (or peer) answers to a question a result is a small base: flagged, never tested.
SMALL_BASE = 30
OPTIONS = {"first_visit": ("yes", "no"), "came_with": ("alone", "partner", "friends")}
COMPANY = [("alone",), ("partner",), ("partner", "friends"), ("friends",), ("alone", "friends")]
NO_ONE_ALONE = [("partner",), ("friends",), ("partner", "friends")]


def choice_counts(group: list[Respondent], question: str, option: str) -> tuple[int, int]:
    """(respondents choosing the option, respondents answering the question)."""
    if question == "first_visit":
        return sum(r.first_visit == option for r in group), len(group)
    answered = [r for r in group if r.came_with]
    return sum(option in r.came_with for r in answered), len(answered)


def numbers(group: list[Respondent], measure: str) -> list[int]:
    if measure == "mean":
        return [r.overall for r in group]
    return [nps_points(r.recommend) for r in group]


@dataclass
class Expected:
    own: tuple
    peer: tuple
    peer_n: int
    difference: tuple | None  # value, low, high, p-value
    organisation_values: list[float]


def expected_measures(
    own: list[Respondent], peers: list[list[Respondent]]
) -> dict[tuple[str, str], Expected]:
    """Every measure of the report worked out from the raw answers, the viewer left out of the peers."""
    pooled = [respondent for organisation in peers for respondent in organisation]
    expected = {}
    for question, options in OPTIONS.items():
        for option in options:
            count, n = choice_counts(own, question, option)
            peer_count, peer_n = choice_counts(pooled, question, option)
            difference = None
            if n >= SMALL_BASE and peer_n >= SMALL_BASE:
                low, high = newcombe(count, n, peer_count, peer_n)
                p_value = score_test_p(count, n, peer_count, peer_n)
                difference = (count / n - peer_count / peer_n, low, high, p_value)
            values = [c / a for c, a in (choice_counts(o, question, option) for o in peers) if a]
            expected[(question, option)] = Expected(
                (count / n, *wilson(count, n)),
                (peer_count / peer_n, *wilson(peer_count, peer_n)),
                peer_n,
                difference,
                values,
            )
    for question, measure in (("overall", "mean"), ("recommend", "nps")):
        own_moments, peer_moments = moments(numbers(own, measure)), moments(numbers(pooled, measure))
        values = [sum(numbers(o, measure)) / len(o) for o in peers]
        tested = len(own) >= SMALL_BASE and len(pooled) >= SMALL_BASE
        expected[(question, measure)] = Expected(
            mean_interval(*own_moments),
            mean_interval(*peer_moments),
            len(pooled),
            welch(own_moments, peer_moments) if tested else None,
            values,
        )
    return expected


def store(name: str, group: list[Respondent]):
    organisation, revision = support.organisation_with_survey(name)
    for r in group:
        support.respond(
            revision,
            first_visit=r.first_visit,
            came_with=r.came_with,
            overall=r.overall,
            recommend=r.recommend,
        )
    return organisation


def report_for(own: list[Respondent], peers: list[list[Respondent]]):
    viewer = store("Viewer", own)
    for index, group in enumerate(peers):
        store(f"Peer {index}", group)
    recompute_benchmarks()
    return build_report(viewer, "2026", "en")


def comparisons(report) -> dict[tuple[str, str, str], object]:
    """(group kind, question, measure) → comparison, for every shown group."""
    return {
        (group.kind, question.key, comparison.measure): comparison
        for question in report.questions
        for group in question.shown_groups
        for comparison in group.comparisons
    }


# Same sector and fylke, no size band: four groups holding the same organisations.
GROUPS = {"sector_fylke", "sector_country", "fylke", "country"}


def check_report(report, own: list[Respondent], peers: list[list[Respondent]], distribution: bool) -> None:
    expected = expected_measures(own, peers)
    found = comparisons(report)
    assert {kind for kind, _, _ in found} == GROUPS
    assert {(question, measure) for _, question, measure in found} == set(expected)

    tested = [(identity, e.difference[3]) for identity, e in expected.items() if e.difference]
    identities = [(kind, *identity) for kind in sorted(GROUPS) for identity, _ in tested]
    adjusted = dict(zip(identities, benjamini_hochberg([p for _ in GROUPS for _, p in tested]), strict=True))

    for (kind, question, measure), comparison in found.items():
        e = expected[(question, measure)]
        assert (comparison.own.value, comparison.own.low, comparison.own.high) == tuple(map(close, e.own))
        assert (comparison.peer.value, comparison.peer.low, comparison.peer.high) == tuple(map(close, e.peer))
        assert comparison.peer.n == e.peer_n
        if e.difference is None:
            assert comparison.difference is None and comparison.adjusted_p is None
        else:
            d = comparison.difference
            assert (d.value, d.low, d.high, d.p_value) == tuple(map(close, e.difference))
            assert comparison.adjusted_p == close(adjusted[(kind, question, measure)])
        typical_value = comparison.typical
        assert typical_value.n == len(peers)
        assert (typical_value.value, typical_value.low, typical_value.high) == tuple(
            map(close, typical(e.organisation_values))
        )
        if distribution:
            assert comparison.quartiles == tuple(
                close(linear_quantile(e.organisation_values, q)) for q in (0.25, 0.5, 0.75)
            )
            assert comparison.percentile_rank == close(rank_of(e.own[0], e.organisation_values))
        else:
            assert comparison.quartiles is None and comparison.percentile_rank is None


def test_report_against_six_peers_matches_the_hand_computed_statistics(app_context):
    # 14 of 40 first-time visitors; only 29 say whom they came with: a small base for that question.
    own = respondents(40, 14, COMPANY, [5, 4, 4, 3, 5, 2, 4, 5], [10, 9, 8, 7, 6, 3, 9, 10, 0, 9])
    own = [
        r if index < 29 else Respondent(r.first_visit, (), r.overall, r.recommend)
        for index, r in enumerate(own)
    ]
    peers = [
        respondents(20, 3, NO_ONE_ALONE, [3, 4, 2, 5], [9, 7, 3, 10, 8]),
        respondents(20, 5, COMPANY, [4, 4, 5], [10, 10, 9, 6]),
        respondents(20, 6, COMPANY[1:] + [()], [2, 3, 3, 4, 1], [5, 8, 9, 2]),
        respondents(20, 8, COMPANY[::-1], [5, 4], [9, 8, 7, 6, 10, 3, 1]),
        respondents(20, 4, COMPANY, [3], [7, 8, 9, 10, 0]),
        respondents(20, 7, COMPANY[2:], [1, 2, 3, 4, 5, 4], [10, 4, 9]),
    ]
    report = report_for(own, peers)

    check_report(report, own, peers, distribution=False)
    first_visit = next(q for q in report.questions if q.key == "first_visit")
    country = next(group for group in first_visit.groups if group.kind == "country")
    # The viewer's 40 responses are not in the peer figures: 33 first visits of the peers' 120.
    assert (country.organisations, country.responses) == (6, 120)
    yes = next(c for c in country.comparisons if c.measure == "yes")
    assert yes.peer.value == close(33 / 120)
    assert yes.difference.value == close(14 / 40 - 33 / 120)

    came_with = next(q for q in report.questions if q.key == "came_with")
    alone = next(c for c in came_with.shown_groups[0].comparisons if c.measure == "alone")
    # The peer whose visitors never came alone counts, with 0 %, in the typical organisation.
    assert alone.typical.n == 6
    assert alone.typical.value == close((0 + 0.25 + 0.3 + 0.4 + 0.4 + 0.4) / 6)

    small = {q.key: q.small_base for q in report.questions}
    assert small == {"first_visit": False, "came_with": True, "overall": False, "recommend": False}


def test_report_against_ten_peers_adds_quartiles_and_percentile_ranks(app_context):
    # The viewer ties with peers on every headline: 30 % first visits, a mean of 3.5 and an NPS of 20.
    own = respondents(30, 9, COMPANY, [1, 5, 3, 4, 2, 5, 3, 4, 4, 4], [10, 9, 8, 7, 3])
    peers = [
        respondents(10, yes, came_with, overall, recommend)
        for yes, came_with, overall, recommend in [
            (1, COMPANY, [3, 4], [9, 7, 3, 10, 8]),
            (2, NO_ONE_ALONE, [4], [10]),
            (3, COMPANY, [2, 3], [0, 10]),
            (3, COMPANY[1:], [5, 4], [9, 8, 7, 6, 5]),
            (4, COMPANY[::-1], [3, 4], [10, 9, 8, 2, 1]),
            (5, COMPANY, [1, 2, 3, 4, 5], [9, 9, 9, 8, 0]),
            (2, NO_ONE_ALONE, [5], [9, 7, 3, 10, 8]),
            (6, COMPANY, [2, 4], [7, 8]),
            (3, COMPANY[2:], [4, 5], [6, 10]),
            (7, COMPANY, [3, 3, 4, 4, 5], [10, 9, 0, 1, 7]),
        ]
    ]
    report = report_for(own, peers)

    check_report(report, own, peers, distribution=True)
    found = comparisons(report)
    assert found[("sector_fylke", "first_visit", "yes")].percentile_rank == close(45.0)
    # Peers' means 3.5 4 2.5 4.5 3.5 3 5 3 4.5 3.8: three below 3.5 and two equal, (3 + 1) / 10.
    assert found[("sector_fylke", "overall", "mean")].percentile_rank == close(40.0)
    assert {q.key: q.small_base for q in report.questions} == dict.fromkeys(
        ("first_visit", "came_with", "overall", "recommend"), False
    )
