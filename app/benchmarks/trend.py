"""Each question's headline figure across calendar years: own result and the narrowest shown group."""

from dataclasses import dataclass

from app.benchmarks.periods import is_quarter
from app.benchmarks.report import QuestionResult, build_report


@dataclass(frozen=True)
class TrendPoint:
    year: str
    own: float | None
    peer: float | None
    group: str | None


def trend(organisation, periods: list[str], language: str) -> dict[str, tuple[str, list[TrendPoint]]]:
    """{question key: (measure label, points oldest first)}, only where there are two years or more."""
    years = sorted(period for period in periods if not is_quarter(period))
    if len(years) < 2:
        return {}
    reports = [build_report(organisation, year, language) for year in years]
    latest = {question.key: question for question in reports[-1].questions}
    trends = {}
    for key, question in latest.items():
        measure, label = _headline(question)
        if measure is None:
            continue
        points = []
        for year, report in zip(years, reports, strict=True):
            earlier = next((q for q in report.questions if q.key == key), None)
            points.append(_point(year, earlier, measure))
        trends[key] = (label, points)
    return trends


def _headline(question: QuestionResult) -> tuple[str | None, str | None]:
    """The measure to follow: the only one for means and NPS, the most chosen option otherwise."""
    if not question.own:
        return None, None
    measure, label, _estimate = max(question.own, key=lambda own: own[2].value)
    return measure, label


def _point(year: str, question: QuestionResult | None, measure: str) -> TrendPoint:
    if question is None:
        return TrendPoint(year, None, None, None)
    own = next((estimate.value for m, _label, estimate in question.own if m == measure), None)
    for group in question.shown_groups:
        comparison = next((c for c in group.comparisons if c.measure == measure), None)
        if comparison is not None:
            return TrendPoint(year, own, comparison.peer.value, group.label)
    return TrendPoint(year, own, None, None)
