"""Checks on answer scales: balance around a neutral middle, and direction as in the base questionnaire.

A scale is a rating's points, the two ends of an NPS or slider, or the options of a single choice
or matrix whose labels the word lists read as positive and negative. Labels the lists cannot read
leave the scale unchecked: guessing would bring false alarms.
"""

from collections.abc import Iterator

from flask_babel import gettext as _

from app.core.markdown import markdown_to_text
from app.design_checks.answer_labels import is_opt_out, polarity
from app.design_checks.design import Design, Finding
from app.design_checks.wording import plain
from app.design_checks.wordlists import search
from app.questionnaires.definition import iter_questions, options_of

# The format numbers rating points from the most negative (docs/questionnaire-format.md).
NEGATIVE_FIRST = 1
# Options need at least this many answers to be read as a scale.
MIN_SCALE_OPTIONS = 3


def check_scales(design: Design) -> Iterator[Finding]:
    direction = _base_direction(design)
    for ref in design.own_questions():
        balance = direction_finding = None
        for language in design.languages:
            labels = scale_labels(design.definition, ref.question, language)
            if not labels:
                continue
            balance = balance or _balance_message(ref.question, labels, language)
            direction_finding = direction_finding or _direction_message(labels, language, direction)
        if balance:
            yield design.finding("scale_balance", balance, ref)
        if direction_finding:
            yield design.finding("scale_direction", direction_finding, ref)


def scale_labels(definition: dict, question: dict, language: str) -> list[str | None]:
    """The labels from the first answer to the last (None for an unlabelled rating point)."""
    kind = question["type"]
    if kind == "rating":
        scale = question["scale"]
        labels = scale.get("labels", {})
        # Point keys are numbers in YAML and text once stored as JSON.
        points = [
            _text(labels.get(point) or labels.get(str(point)), language)
            for point in range(1, scale["points"] + 1)
        ]
        middle = scale["points"] // 2
        if scale["points"] % 2 and points[middle] is None and scale.get("midpoint"):
            points[middle] = _text(scale["midpoint"], language)
        return points
    if kind in ("nps", "slider"):
        labels = question.get("labels", {})
        return [_text(labels.get("low"), language), _text(labels.get("high"), language)] if labels else []
    if kind in ("single_choice", "matrix"):
        options = [option for option in options_of(definition, question) or [] if not is_opt_out(option)]
        return [_text(option["label"], language) for option in options]
    return []


def _text(text: dict | None, language: str) -> str | None:
    return markdown_to_text(text[language]) if text and text.get(language) else None


def _balance_message(question: dict, labels: list[str | None], language: str) -> str | None:
    polarities = [polarity(label, language) if label else None for label in labels]
    ends = polarities[0], polarities[-1]
    if question["type"] in ("rating", "nps", "slider") and None not in ends and ends[0] == ends[1] != 0:
        return _(
            "Both ends of the scale are on the same side (“%(first)s”, “%(last)s”): let it run from one "
            "extreme to the other.",
            first=labels[0],
            last=labels[-1],
        )
    if None in polarities:
        return None  # unlabelled points, or labels the word lists cannot read
    if any(search(language, "scales.unipolar", plain(label)) for label in labels):
        return None  # from nothing to a lot ("Not important" … "Very important"): one-sided by nature
    if question["type"] in ("single_choice", "matrix") and (
        len(labels) < MIN_SCALE_OPTIONS or not {-1, 1} <= set(polarities)
    ):
        return None  # too short, or not a scale from negative to positive
    negative, positive = polarities.count(-1), polarities.count(1)
    if negative == positive:
        return None
    return _(
        "The scale has %(positive)d positive and %(negative)d negative answers: give it as many of each, "
        "around a neutral middle.",
        positive=positive,
        negative=negative,
    )


def _direction_message(labels: list[str | None], language: str, expected: int) -> str | None:
    if labels[0] is None or labels[-1] is None:
        return None
    first, last = polarity(labels[0], language), polarity(labels[-1], language)
    if first is None or last is None or first == last or _direction(first, last) == expected:
        return None
    return _(
        "The scale runs from “%(first)s” to “%(last)s”, the other way round from the base "
        "questionnaire's scales: turn it round.",
        first=labels[0],
        last=labels[-1],
    )


def _direction(first: int, last: int) -> int:
    return NEGATIVE_FIRST if first < last else -NEGATIVE_FIRST


def _base_direction(design: Design) -> int:
    """The direction most of the base questionnaire's rating scales run in (Bokmål labels)."""
    votes = 0
    for ref in iter_questions(design.base or {}):
        if ref.question["type"] != "rating":
            continue
        labels = scale_labels(design.base, ref.question, "nb")
        ends = [polarity(label, "nb") if label else None for label in (labels[0], labels[-1])]
        if None not in ends and ends[0] != ends[1]:
            votes += _direction(*ends)
    return -NEGATIVE_FIRST if votes < 0 else NEGATIVE_FIRST
