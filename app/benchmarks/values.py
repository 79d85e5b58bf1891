"""One organisation's headline estimates from its sufficient statistics."""

from collections.abc import Iterable

from app.benchmarks.models import WHOLE_QUESTION
from app.benchmarks.questions import Kind

MEAN = "mean"
NPS = "nps"


def organisation_estimates(
    kind: Kind, cells: dict[str, list], options: Iterable[str] = ()
) -> dict[str, float]:
    """{measure: estimate}: the share choosing each option (0–1), the mean, or the NPS (−100…100).

    Cells exist only for options someone chose, so each of `options` (those of the organisation's
    peer group) gets its share too, 0 where none of the organisation's respondents chose it."""
    answered, value_sum, _ = cells.get(WHOLE_QUESTION, [0, None, None])
    if not answered:
        return {}
    if kind == Kind.MEAN:
        return {MEAN: value_sum / answered} if value_sum is not None else {}
    if kind == Kind.NPS:
        return {NPS: nps_score(cells)}
    chosen = {*cells, *options} - {WHOLE_QUESTION}
    return {option: cells.get(option, [0])[0] / answered for option in chosen}


def nps_score(cells: dict[str, list]) -> float:
    answered = cells[WHOLE_QUESTION][0]
    promoters = cells.get("promoter", [0])[0]
    detractors = cells.get("detractor", [0])[0]
    return 100.0 * (promoters - detractors) / answered
