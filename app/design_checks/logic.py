"""Checks on `show_if` conditions: unknown answers, conditions that can never hold, optional targets.

The format check already refuses conditions on unknown or later questions; these checks look at
what a valid condition means. Whether a condition can hold is decided by trying answers: for
each question it names, the answers it names, one answer it does not name, and no answer at all
when the question may be left unanswered. Treating the named questions as independent can only
make a condition look satisfiable, so a condition reported as never true really is.
"""

import itertools
import math
from collections.abc import Iterator

from flask_babel import gettext as _

from app.design_checks.design import Design, Finding
from app.questionnaires.conditions import condition_holds
from app.questionnaires.definition import QuestionRef, options_of
from app.reference.services import reference_codes

# Stands for any answer a condition does not name.
UNNAMED = "\x00unnamed"
CHOICE_OPERATORS = ("equals", "not_equals", "in", "includes")
NUMERIC_OPERATORS = ("gt", "gte", "lt", "lte")
# Beyond this many answer combinations the condition is assumed satisfiable rather than tried.
MAX_COMBINATIONS = 100_000
MAX_NAMED_OPTIONS = 10


def check_logic(design: Design) -> Iterator[Finding]:
    earlier: dict[str, dict] = {}
    never_shown: set[str] = set()
    for ref in design.refs:
        question = ref.question
        condition = question.get("show_if")
        # Common questions keep the base questionnaire's vetted conditions.
        if condition and not question.get("locked"):
            unknown = list(_unknown_options(design, ref, condition, earlier))
            yield from unknown
            if not unknown and not _satisfiable(design.definition, condition, earlier, never_shown):
                never_shown.update(_codes(question))
                yield design.finding(
                    "condition_never_true",
                    _(
                        "No answers satisfy this condition, so the question is never shown: change the "
                        "condition or remove the question."
                    ),
                    ref,
                    ref.path + ("show_if",),
                )
            yield from _optional_targets(design, ref, condition, earlier)
        earlier[question["code"]] = question
        for row in question.get("rows", []):
            # A matrix row is answered like a single choice among the matrix's options.
            earlier[row["code"]] = dict(question, code=row["code"], type="single_choice")


def leaves(condition: dict, path: tuple = (), negated: bool = False) -> Iterator[tuple[dict, tuple, bool]]:
    """Every comparison in a condition, with its path and whether a `not` encloses it."""
    for key in ("all", "any"):
        if key in condition:
            for index, item in enumerate(condition[key]):
                yield from leaves(item, path + (key, index), negated)
            return
    if "not" in condition:
        yield from leaves(condition["not"], path + ("not",), not negated)
        return
    yield condition, path, negated


def _codes(question: dict) -> list[str]:
    return [question["code"], *(row["code"] for row in question.get("rows", []))]


def _unknown_options(design: Design, ref: QuestionRef, condition: dict, earlier: dict) -> Iterator[Finding]:
    for leaf, path, _negated in leaves(condition, ref.path + ("show_if",)):
        target = earlier.get(leaf["question"])
        operator = next((key for key in CHOICE_OPERATORS if key in leaf), None)
        if target is None or operator is None:
            continue
        offered = _offered(design.definition, target)
        for value in leaf[operator] if isinstance(leaf[operator], list) else [leaf[operator]]:
            if value not in offered:
                yield design.finding(
                    "condition_unknown_option",
                    _(
                        "The condition names the answer “%(option)s”, which %(question)s does not offer: "
                        "choose one of its answers.",
                        option=value,
                        question=target["code"],
                    ),
                    ref,
                    path,
                )


def _offered(definition: dict, target: dict) -> set[str]:
    """The answers a respondent can choose now (historic reference codes are not offered)."""
    codes = {option["code"] for option in options_of(definition, target) or []}
    if target["type"] == "reference_choice":
        codes |= reference_codes(target["reference"], current_only=True)
    return codes


def _satisfiable(definition: dict, condition: dict, earlier: dict, never_shown: set[str]) -> bool:
    named: dict[str, list] = {}
    for leaf, _path, _negated in leaves(condition):
        operands = named.setdefault(leaf["question"], [])
        for operator in CHOICE_OPERATORS + NUMERIC_OPERATORS:
            if operator in leaf:
                operands += leaf[operator] if isinstance(leaf[operator], list) else [leaf[operator]]
    if any(code not in earlier for code in named):
        return True  # the format check reports unknown questions
    domains = {
        code: _answers(definition, earlier[code], operands, code in never_shown)
        for code, operands in named.items()
    }
    if any(domain is None for domain in domains.values()):
        return True
    if math.prod(len(domain) for domain in domains.values()) > MAX_COMBINATIONS:
        return True
    codes = list(domains)
    for values in itertools.product(*(domains[code] for code in codes)):
        answers = {code: value for code, value in zip(codes, values, strict=True) if value is not None}
        if condition_holds(condition, answers):
            return True
    return False


def _answers(definition: dict, target: dict, operands: list, never_shown: bool) -> list | None:
    """The answers worth trying for a question a condition names (None: too many to try)."""
    if never_shown:
        return [None]
    kind = target["type"]
    if kind in ("single_choice", "reference_choice"):
        offered = _answerable(definition, target)
        values = [value for value in dict.fromkeys(operands) if value in offered]
        values += [UNNAMED] if offered - set(values) else []
    elif kind == "multiple_choice":
        values = _selections(definition, target, operands)
        if values is None:
            return None
    elif kind in ("rating", "nps", "slider", "number"):
        values = _numbers(target, operands)
    else:
        values = ["text"]
    may_be_unanswered = not target.get("required") or "show_if" in target
    return values + [None] if may_be_unanswered else values


def _answerable(definition: dict, target: dict) -> set[str]:
    """Answers after which the respondent goes on: an answer that screens out ends the survey."""
    options = options_of(definition, target) or []
    screened_out = {option["code"] for option in options if option.get("screen_out")}
    return _offered(definition, target) - screened_out


def _selections(definition: dict, target: dict, operands: list) -> list | None:
    offered = _answerable(definition, target)
    named = [value for value in dict.fromkeys(operands) if value in offered]
    if len(named) > MAX_NAMED_OPTIONS:
        return None
    exclusive = {option["code"] for option in options_of(definition, target) or [] if option.get("exclusive")}
    others = offered - set(named)
    selections = []
    for size in range(len(named) + 1):
        for combination in itertools.combinations(named, size):
            chosen = frozenset(combination)
            if len(chosen) > 1 and chosen & exclusive:
                continue
            if chosen:
                selections.append(chosen)
            if others and not chosen & exclusive:
                selections.append(chosen | {UNNAMED})
    return selections


def _numbers(target: dict, operands: list) -> list[int]:
    low, high = _bounds(target)
    candidates = {low, high} - {None}
    for operand in operands:
        # Either side of each threshold: enough to make any comparison with it true and false.
        candidates |= {
            math.floor(operand) - 1,
            math.floor(operand),
            math.ceil(operand),
            math.ceil(operand) + 1,
        }
    values = sorted(
        value for value in candidates if (low is None or value >= low) and (high is None or value <= high)
    )
    return values or [next((bound for bound in (low, high) if bound is not None), 0)]


def _bounds(target: dict) -> tuple[int | None, int | None]:
    kind = target["type"]
    if kind == "rating":
        return 1, target["scale"]["points"]
    if kind == "nps":
        return 0, 10
    if kind == "slider":
        return 0, 100
    return target.get("min"), target.get("max")


def _optional_targets(design: Design, ref: QuestionRef, condition: dict, earlier: dict) -> Iterator[Finding]:
    """A condition whose outcome for someone who skipped its question is easy to get wrong:
    `not_equals` hides the question from them, a comparison inside `not` shows it to them.
    A condition that tests `answered` for the question has thought of them."""
    found = list(leaves(condition, ref.path + ("show_if",)))
    guarded = {leaf["question"] for leaf, _path, _negated in found if "answered" in leaf}
    for leaf, path, negated in found:
        target = earlier.get(leaf["question"])
        if target is None or "answered" in leaf or leaf["question"] in guarded:
            continue
        if target.get("required") and "show_if" not in target:
            continue
        if negated:
            message = _(
                "The condition depends on %(question)s, which may be left unanswered: those who skip it "
                "are shown this question. If that is not what you want, make %(question)s required.",
                question=target["code"],
            )
        elif "not_equals" in leaf:
            message = _(
                "The condition depends on %(question)s, which may be left unanswered: those who skip it "
                "are not shown this question. If that is not what you want, make %(question)s required.",
                question=target["code"],
            )
        else:
            continue
        yield design.finding("condition_on_optional", message, ref, path)
        return
