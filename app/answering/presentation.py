"""What respondent templates need from a definition: options, scale labels, stated conditions, and
what surrounds the questions (the organisation's name, logo and colour, the footer's links)."""

from dataclasses import dataclass

from flask import Blueprint, url_for
from flask_babel import gettext as _

from app.answering.question_types import label
from app.core.markdown import markdown_to_text
from app.organisations.models import Organisation
from app.questionnaires.definition import iter_questions, options_of
from app.reference.services import current_items


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
    questions = {ref.question["code"]: ref.question for ref in iter_questions(definition)}
    target = questions.get(condition.get("question"))
    operand = condition.get("equals") or condition.get("includes")
    if target is not None and isinstance(operand, str):
        option = next((o for o in choice_options(target, definition) if o["code"] == operand), None)
        if option is not None:
            return _(
                "If you answered “%(answer)s” to “%(question)s”:",
                answer=markdown_to_text(label(option["label"])),
                question=markdown_to_text(label(target["text"])),
            )
    return _("If it applies to you:")


@dataclass(frozen=True)
class Surroundings:
    """What surrounds the questions of a respondent page: the organisation's name, logo and colour,
    and the footer's links. The answering pages point at their survey link."""

    organisation: Organisation
    theme_url: str
    logo_url: str
    privacy_url: str | None = None
    accessibility_url: str | None = None


def link_surroundings(collector) -> Surroundings:
    token = collector.token
    return Surroundings(
        organisation=collector.survey.organisation,
        theme_url=url_for("answer.theme", token=token),
        logo_url=url_for("answer.logo", token=token),
        privacy_url=url_for("answer.privacy", token=token),
        accessibility_url=url_for("answer.accessibility", token=token),
    )


def theme_css(organisation: Organisation) -> str:
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
