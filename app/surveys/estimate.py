"""Estimated completion time of a survey design, shown while a member builds the survey.

The estimate is the sum of per-type seconds, each question weighted by the chance that its
`show_if` condition lets it show (docs/builder.md, "Estimated completion time"). It reads only the
definition and the reference lists, so it runs on every edit without touching responses.
"""

import math

from app.questionnaires.definition import iter_questions, options_of
from app.reference.services import current_items

# Seconds to read and answer one question of ordinary length; a matrix counts per row, since
# each row is answered on its own (and is shown as a question of its own on phones).
SECONDS_PER_TYPE = {
    "single_choice": 6,
    "multiple_choice": 10,
    "reference_choice": 8,
    "rating": 5,
    "nps": 5,
    "slider": 7,
    "number": 7,
    "short_text": 15,
    "long_text": 40,
    "matrix": 4,
}
# Used where the definition gives no ground for a better guess (an open-ended number range, an
# unknown operator, an optional question's chance of being answered).
EVEN_CHANCE = 0.5


def estimate_seconds(definition: dict) -> int:
    """Expected seconds for a respondent to get through every question that applies to them."""
    chances = show_chances(definition)
    total = sum(
        SECONDS_PER_TYPE[ref.question["type"]] * _items(ref.question) * chances[ref.question["code"]]
        for ref in iter_questions(definition)
    )
    return round(total)


def estimated_minutes(definition: dict) -> int:
    """The estimate in whole minutes, rounded to the nearest and at least 1, for display."""
    return max(1, math.floor(estimate_seconds(definition) / 60 + 0.5))


def count_questions(definition: dict) -> int:
    """Questions in the design, a matrix counting one per row, shown or not."""
    return sum(_items(ref.question) for ref in iter_questions(definition))


def show_chances(definition: dict) -> dict[str, float]:
    """The chance that each question (and matrix row) is shown, by code.

    Answers are assumed spread evenly over the options or the numeric range and independent of
    each other; a question hidden by its own condition has no answer, so conditions on it hold
    only as often as it shows.
    """
    chances: dict[str, float] = {}
    questions: dict[str, dict] = {}
    for ref in iter_questions(definition):
        question = ref.question
        chance = _condition_chance(question.get("show_if"), definition, questions, chances)
        for code in [question["code"], *(row["code"] for row in question.get("rows", []))]:
            chances[code] = chance
            questions[code] = question
    return chances


def _items(question: dict) -> int:
    return len(question["rows"]) if question["type"] == "matrix" else 1


def _condition_chance(condition: dict | None, definition: dict, questions: dict, chances: dict) -> float:
    if condition is None:
        return 1.0
    if "all" in condition:
        return math.prod(_condition_chance(c, definition, questions, chances) for c in condition["all"])
    if "any" in condition:
        return 1 - math.prod(
            1 - _condition_chance(c, definition, questions, chances) for c in condition["any"]
        )
    if "not" in condition:
        return 1 - _condition_chance(condition["not"], definition, questions, chances)
    target = questions.get(condition.get("question"))
    if target is None:
        return EVEN_CHANCE
    shown = chances[condition["question"]]
    if "answered" in condition:
        answered = shown * (1.0 if target.get("required") else EVEN_CHANCE)
        return answered if condition["answered"] else 1 - answered
    return shown * _value_chance(condition, target, definition)


def _value_chance(condition: dict, target: dict, definition: dict) -> float:
    """The chance that an answer to `target` satisfies a comparison, given it was answered."""
    if {"equals", "not_equals", "in", "includes"} & condition.keys():
        count = max(1, _option_count(target, definition))
        if "not_equals" in condition:
            return 1 - 1 / count
        chosen = len(condition["in"]) if "in" in condition else 1
        return min(1.0, chosen / count)
    bounds = _numeric_bounds(target)
    operator = next((key for key in ("gt", "gte", "lt", "lte") if key in condition), None)
    if bounds is None or operator is None:
        return EVEN_CHANCE
    low, high = bounds
    operand = condition[operator]
    first, last = {
        "gt": (max(low, math.floor(operand) + 1), high),
        "gte": (max(low, math.ceil(operand)), high),
        "lt": (low, min(high, math.ceil(operand) - 1)),
        "lte": (low, min(high, math.floor(operand))),
    }[operator]
    return max(0, last - first + 1) / (high - low + 1)


def _option_count(question: dict, definition: dict) -> int:
    options = options_of(definition, question) or []
    if question["type"] == "reference_choice":
        return len(current_items(question["reference"])) + len(options)
    return len(options)


def _numeric_bounds(question: dict) -> tuple[int, int] | None:
    """The whole numbers an answer may take, if the question bounds them on both sides."""
    if question["type"] == "rating":
        return 1, question["scale"]["points"]
    if question["type"] == "nps":
        return 0, 10
    if question["type"] == "slider":
        return 0, 100
    if question["type"] == "number" and "min" in question and "max" in question:
        return question["min"], question["max"]
    return None
