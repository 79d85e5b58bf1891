"""Each question's headline figure across calendar years: own result and the narrowest shown group."""

from dataclasses import dataclass

from app.benchmarks.periods import is_quarter
from app.benchmarks.report import ComparisonReport, QuestionValues, report_values, values_of


@dataclass(frozen=True)
class TrendPoint:
    year: str
    own: float | None
    peer: float | None
    group: str | None


def trend(
    organisation, periods: list[str], language: str, shown: ComparisonReport
) -> dict[str, tuple[str, list[TrendPoint]]]:
    """{question key: (measure label, points oldest first)}, only where there are two years or more.

    Uses the figures of the report shown and, of the other years, the figures alone: the intervals
    and tests of a full report are not shown here."""
    years = sorted(period for period in periods if not is_quarter(period))
    if len(years) < 2:
        return {}
    values = [
        values_of(shown) if year == shown.period else report_values(organisation, year, language)
        for year in years
    ]
    trends = {}
    for key, question in values[-1].items():
        if not question.own:
            continue
        # The only measure for means and NPS, the most chosen option otherwise.
        measure, label, _value = max(question.own, key=lambda own: own[2])
        trends[key] = (
            label,
            [_point(year, by_key.get(key), measure) for year, by_key in zip(years, values, strict=True)],
        )
    return trends


def _point(year: str, question: QuestionValues | None, measure: str) -> TrendPoint:
    if question is None:
        return TrendPoint(year, None, None, None)
    own = next((value for m, _label, value in question.own if m == measure), None)
    for group, peer_values in question.peers:
        if measure in peer_values:
            return TrendPoint(year, own, peer_values[measure], group)
    return TrendPoint(year, own, None, None)
