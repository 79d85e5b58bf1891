"""What respondent templates need from a definition: options, scale labels, stated conditions, and
what surrounds the questions (the organisation's name, logo and colour, the footer's links)."""

from dataclasses import dataclass

from flask import Blueprint, url_for
from flask_babel import gettext as _

from app.answering.flow import LinkOrganisation
from app.answering.question_types import label
from app.core.markdown import markdown_to_text
from app.organisations.models import Organisation
from app.questionnaires.definition import iter_questions, options_of
from app.reference.services import current_items

# A reference list longer than this (countries) is printed as a line to write on, not as boxes.
PRINTED_LIST_LIMIT = 30


def choice_options(question: dict, definition: dict) -> list[dict]:
    if question["type"] == "reference_choice":
        items = [
            {"code": item["code"], "label": item["labels"]} for item in current_items(question["reference"])
        ]
        return items + question.get("extra_options", [])
    return options_of(definition, question) or []


def scale_label(question: dict, point: int) -> dict | None:
    if question["type"] == "rating":
        scale = question["scale"]
        if point == (scale["points"] + 1) // 2 and scale["points"] % 2 and "midpoint" in scale:
            return scale["midpoint"]
        return scale["labels"].get(point) or scale["labels"].get(str(point))
    labels = question.get("labels")
    if labels and point in (0, 10):
        return labels["low"] if point == 0 else labels["high"]
    return None


def condition_text(condition: dict, definition: dict) -> str:
    """The condition of a question shown on the same page, stated for respondents without JavaScript."""
    target = _target(condition, definition)
    answer = _option_text(target, condition.get("equals") or condition.get("includes"), definition)
    if answer is not None:
        return _("If you answered “%(answer)s” to “%(question)s”:", answer=answer, question=_text(target))
    return _("If it applies to you:")


def condition_in_words(condition: dict, definition: dict) -> str:
    """A question's condition on paper, where nothing is hidden: "Answer if you answered “Other” to …"."""
    target = _target(condition, definition)
    if target is None:
        return _("Answer if it applies to you.")
    question = _text(target)
    answer = _option_text(target, condition.get("equals") or condition.get("includes"), definition)
    if answer is not None:
        return _("Answer if you answered “%(answer)s” to “%(question)s”.", answer=answer, question=question)
    if "in" in condition:
        answers = [_option_text(target, code, definition) or code for code in condition["in"]]
        return _(
            "Answer if you answered one of %(answers)s to “%(question)s”.",
            answers=", ".join(f"“{answer}”" for answer in answers),
            question=question,
        )
    not_answer = _option_text(target, condition.get("not_equals"), definition)
    if not_answer is not None:
        return _(
            "Answer if you did not answer “%(answer)s” to “%(question)s”.",
            answer=not_answer,
            question=question,
        )
    if condition.get("answered") is True:
        return _("Answer if you answered “%(question)s”.", question=question)
    comparisons = {
        "gt": _("Answer if your answer to “%(question)s” is more than %(number)s."),
        "gte": _("Answer if your answer to “%(question)s” is %(number)s or more."),
        "lt": _("Answer if your answer to “%(question)s” is less than %(number)s."),
        "lte": _("Answer if your answer to “%(question)s” is %(number)s or less."),
    }
    for operator, sentence in comparisons.items():
        if operator in condition:
            return sentence % {"question": question, "number": condition[operator]}
    return _("Answer if it applies to you.")


def _target(condition: dict, definition: dict) -> dict | None:
    """The question a simple condition refers to; a matrix row counts as a question of its own."""
    code = condition.get("question")
    for ref in iter_questions(definition):
        if ref.question["code"] == code:
            return ref.question
        for row in ref.question.get("rows", []):
            if row["code"] == code:
                return dict(ref.question, code=code, text=row["text"])
    return None


def _text(question: dict) -> str:
    return markdown_to_text(label(question["text"]))


def _option_text(question: dict | None, code, definition: dict) -> str | None:
    if question is None or not isinstance(code, str):
        return None
    option = next((o for o in choice_options(question, definition) if o["code"] == code), None)
    return markdown_to_text(label(option["label"])) if option is not None else None


@dataclass(frozen=True)
class PrintedChoices:
    options: list[dict]
    write_in: bool  # the list is too long for paper: a line to write the answer on


def printed_choices(question: dict, definition: dict) -> PrintedChoices:
    options = choice_options(question, definition)
    if question["type"] == "reference_choice" and len(options) > PRINTED_LIST_LIMIT:
        return PrintedChoices(question.get("extra_options", []), write_in=True)
    return PrintedChoices(options, write_in=False)


@dataclass(frozen=True)
class PreviewLinks:
    restart: str
    back: str  # to the survey's page in the member area, out of a phone frame too


@dataclass(frozen=True)
class Surroundings:
    """What surrounds the questions of a respondent page: the organisation's name, logo and colour,
    and the footer's links. The answering pages point at their survey link; the builder's preview
    points at itself, has no respondent pages to link to, and says that it is a preview."""

    organisation: Organisation | LinkOrganisation
    theme_url: str
    logo_url: str
    privacy_url: str | None = None
    accessibility_url: str | None = None
    preview: PreviewLinks | None = None


def link_surroundings(collector) -> Surroundings:
    token = collector.token
    return Surroundings(
        organisation=collector.organisation,
        theme_url=url_for("answer.theme", token=token),
        logo_url=url_for("answer.logo", token=token),
        privacy_url=url_for("answer.privacy", token=token),
        accessibility_url=url_for("answer.accessibility", token=token),
    )


def theme_css(organisation: Organisation | LinkOrganisation) -> str:
    """The organisation's accent colour as a style sheet (the CSP allows no inline styles)."""
    colour = organisation.accent_colour
    return f":root {{ --accent: {colour}; }}\n" if colour else ""


def init_blueprint(bp: Blueprint) -> None:
    @bp.context_processor
    def respondent_helpers():
        return {
            "choice_options": choice_options,
            "scale_label": scale_label,
            "condition_text": condition_text,
        }
