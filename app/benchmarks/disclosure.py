"""Which peer groups a viewer may see for one question: the rules of `docs/anonymity.md`.

Pure functions over the membership of published snapshots, so each rule is testable on its own.
"""

from dataclasses import dataclass
from functools import cached_property

from app.benchmarks.rules import Rules

TOO_FEW_ORGANISATIONS = "too_few_organisations"
TOO_FEW_RESPONSES = "too_few_responses"
DOMINATED = "dominated"
DIFFERENCING = "differencing"
WITHDRAWN = "withdrawn"
NO_DATA = "no_data"


@dataclass(frozen=True)
class Candidate:
    """A peer group for one question, as the viewer would see it: the viewer already left out."""

    kind: str
    others: dict[str, int]  # organisation id → responses, without the viewer
    withdrawn: bool = False

    @cached_property
    def responses(self) -> int:
        return sum(self.others.values())

    @cached_property
    def largest(self) -> int:
        return max(self.others.values(), default=0)


def primary_reason(candidate: Candidate, rules: Rules) -> str | None:
    """Why this group cannot be shown on its own, or None when it can."""
    if candidate.withdrawn:
        return WITHDRAWN
    if not candidate.others:
        return NO_DATA
    if len(candidate.others) < rules.min_organisations:
        return TOO_FEW_ORGANISATIONS
    if candidate.responses < rules.min_responses:
        return TOO_FEW_RESPONSES
    if candidate.largest > rules.max_share * candidate.responses:
        return DOMINATED
    return None


def unsafe_difference(first: Candidate, second: Candidate, rules: Rules) -> bool:
    """Whether subtracting one group's totals from the other's would isolate too little: the
    organisations in one group and not the other must be none, or themselves pass the rules."""
    # Built from the smaller group: most pairs are a narrow group inside a broad one, so the broad
    # group's hundreds of organisations outside the narrow one are never copied out.
    common = first.others.keys() & second.others.keys()
    return any(
        len(candidate.others) > len(common) and _reason_of_rest(candidate, common, rules) is not None
        for candidate in (first, second)
    )


def _reason_of_rest(candidate: Candidate, common: set[str], rules: Rules) -> str | None:
    """primary_reason of the organisations of a candidate's that are not in `common` (some of its
    own), without copying them out: a report asks this of every pair of groups of every question."""
    others = candidate.others
    if len(others) - len(common) < rules.min_organisations:
        return TOO_FEW_ORGANISATIONS
    responses = candidate.responses - sum(others[org] for org in common)
    if responses < rules.min_responses:
        return TOO_FEW_RESPONSES
    limit = rules.max_share * responses
    # The group's largest member bounds the rest's: only when it is too large is the rest searched.
    if candidate.largest > limit and max(n for org, n in others.items() if org not in common) > limit:
        return DOMINATED
    return None


def decide(candidates: list[Candidate], rules: Rules) -> dict[str, str | None]:
    """{kind: reason or None} for one question. Groups failing the rules on their own go first; then,
    while two shown groups differ by too little, the smaller of the two is suppressed too."""
    reasons = {candidate.kind: primary_reason(candidate, rules) for candidate in candidates}
    shown = [candidate for candidate in candidates if reasons[candidate.kind] is None]
    while True:
        clash = next(
            (
                (a, b)
                for index, a in enumerate(shown)
                for b in shown[index + 1 :]
                if unsafe_difference(a, b, rules)
            ),
            None,
        )
        if clash is None:
            return reasons
        # Candidates come narrowest first, so of two equal-sized groups the narrower one goes.
        smaller = min(clash, key=lambda candidate: len(candidate.others))
        reasons[smaller.kind] = DIFFERENCING
        shown.remove(smaller)
