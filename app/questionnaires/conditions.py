"""Evaluating show_if conditions against the answers given so far.

Answers map a question code to an option code (single and reference choice), a set of option
codes (multiple choice), a number, or text. A question that is unanswered is simply absent.
"""

from collections.abc import Mapping

COMPARISONS = {
    "gt": lambda value, operand: value > operand,
    "gte": lambda value, operand: value >= operand,
    "lt": lambda value, operand: value < operand,
    "lte": lambda value, operand: value <= operand,
}


def condition_holds(condition: dict | None, answers: Mapping[str, object]) -> bool:
    if condition is None:
        return True
    if "all" in condition:
        return all(condition_holds(item, answers) for item in condition["all"])
    if "any" in condition:
        return any(condition_holds(item, answers) for item in condition["any"])
    if "not" in condition:
        return not condition_holds(condition["not"], answers)
    value = answers.get(condition["question"])
    if "answered" in condition:
        return (value not in (None, "", set(), frozenset())) == condition["answered"]
    if value is None:
        return False
    if "equals" in condition:
        return value == condition["equals"]
    if "not_equals" in condition:
        return value != condition["not_equals"]
    if "in" in condition:
        return value in condition["in"]
    if "includes" in condition:
        return isinstance(value, set | frozenset) and condition["includes"] in value
    for operator, compare in COMPARISONS.items():
        if operator in condition:
            return isinstance(value, int | float) and compare(value, condition[operator])
    raise ValueError(f"unsupported condition {condition!r}")
