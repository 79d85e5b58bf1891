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
    for a, b in ((first, second), (second, first)):
        extra = a.others.keys() - b.others.keys()
        if extra and _reason_of_part(a, extra, rules) is not None:
            return True
    return False


def _reason_of_part(candidate: Candidate, part: set[str], rules: Rules) -> str | None:
    """primary_reason of the organisations `part` of a candidate's, without copying them out: a
    report asks this of every pair of groups of every question, most parts hundreds strong."""
    others = candidate.others
    if len(part) < rules.min_organisations:
        return TOO_FEW_ORGANISATIONS
    if 2 * len(part) <= len(others):
        responses = sum(others[org] for org in part)
    else:
        responses = candidate.responses - sum(others[org] for org in others.keys() - part)
    if responses < rules.min_responses:
        return TOO_FEW_RESPONSES
    limit = rules.max_share * responses
    # The group's largest member bounds the part's: only when it is too large is the part searched.
    if candidate.largest > limit and max(others[org] for org in part) > limit:
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
