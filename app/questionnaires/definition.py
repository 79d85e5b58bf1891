"""Reading a validated definition: its questions in order and their options."""

from collections.abc import Iterator
from dataclasses import dataclass

from app.questionnaires.schemas import CHOICE_TYPES


@dataclass(frozen=True)
class QuestionRef:
    question: dict
    path: tuple  # location of the question in the definition, e.g. ("sections", 0, "questions", 2)
    section_code: str


def iter_questions(definition: dict) -> Iterator[QuestionRef]:
    for section_index, section in enumerate(definition.get("sections", [])):
        for question_index, question in enumerate(section.get("questions", [])):
            yield QuestionRef(
                question, ("sections", section_index, "questions", question_index), section["code"]
            )


def options_of(definition: dict, question: dict) -> list[dict] | None:
    """The option list of a choice question (shared lists resolved), or None if it has none."""
    if question["type"] in CHOICE_TYPES:
        options = question.get("options")
        if isinstance(options, str):
            return definition.get("option_lists", {}).get(options)
        return options
    if question["type"] == "reference_choice":
        return question.get("extra_options", [])
    return None
