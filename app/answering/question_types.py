"""How each question type reads its answer from a submitted form, checks it, and stores it.

One class per type, so the rules for a type live in one place (the answer page, resuming and
imports all use them).
"""

from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.core.markdown import markdown_to_text
from app.questionnaires.definition import options_of
from app.reference.services import reference_codes
from app.responses.services import AnswerValue

DEFAULT_SHORT_TEXT = 200
DEFAULT_LONG_TEXT = 2000


class AnswerError(ValueError):
    """An answer that does not fit its question; the message is for the respondent."""


class QuestionType:
    def read(self, definition: dict, question: dict, form: MultiDict):
        """The answer given, None when unanswered; raises AnswerError when it does not fit."""
        raise NotImplementedError

    def to_answers(self, question: dict, value) -> list[AnswerValue]:
        raise NotImplementedError

    def from_answers(self, question: dict, rows: list) -> object:
        raise NotImplementedError


def _clean(text: str) -> str:
    if "\x00" in text:
        raise AnswerError(_("The answer contains characters that cannot be stored."))
    return text.strip()


class SingleChoice(QuestionType):
    def allowed(self, definition: dict, question: dict) -> set[str]:
        return {option["code"] for option in options_of(definition, question) or []}

    def read(self, definition, question, form):
        value = _clean(form.get(question["code"], ""))
        if not value:
            return None
        if value not in self.allowed(definition, question):
            raise AnswerError(_("Choose one of the options."))
        return value

    def to_answers(self, question, value):
        return [AnswerValue(question["code"], option_code=value)]

    def from_answers(self, question, rows):
        return rows[0].option_code if rows else None


class ReferenceChoice(SingleChoice):
    def allowed(self, definition, question):
        extra = {option["code"] for option in question.get("extra_options", [])}
        return extra | reference_codes(question["reference"], current_only=True)


class MultipleChoice(QuestionType):
    def read(self, definition, question, form):
        chosen = {_clean(value) for value in form.getlist(question["code"]) if value.strip()}
        if not chosen:
            return None
        options = {option["code"]: option for option in options_of(definition, question) or []}
        if not chosen <= set(options):
            raise AnswerError(_("Choose among the options shown."))
        exclusive = [code for code in chosen if options[code].get("exclusive")]
        if exclusive and len(chosen) > 1:
            raise AnswerError(
                _(
                    "This answer cannot be combined with others: %(option)s",
                    option=markdown_to_text(label(options[exclusive[0]]["label"])),
                )
            )
        maximum = question.get("max_selections")
        if maximum and len(chosen) > maximum:
            raise AnswerError(_("Choose at most %(count)d.", count=maximum))
        return frozenset(chosen)

    def to_answers(self, question, value):
        return [AnswerValue(question["code"], option_code=code) for code in sorted(value)]

    def from_answers(self, question, rows):
        return frozenset(row.option_code for row in rows) or None


class WholeNumber(QuestionType):
    def bounds(self, question: dict) -> tuple[int | None, int | None]:
        raise NotImplementedError

    def read(self, definition, question, form):
        text = _clean(form.get(question["code"], ""))
        if not text:
            return None
        low, high = self.bounds(question)
        try:
            value = int(text.replace(" ", "").replace("\u00a0", ""))
        except ValueError:
            if low is not None and high is not None:  # "such as 12" could itself be out of range
                raise AnswerError(_("Write a number from %(low)d to %(high)d.", low=low, high=high)) from None
            raise AnswerError(_("Write a whole number, such as 12.")) from None
        if low is not None and value < low or high is not None and value > high:
            if low is not None and high is not None:
                raise AnswerError(_("Write a number from %(low)d to %(high)d.", low=low, high=high))
            if low is not None:
                raise AnswerError(_("Write a number of at least %(low)d.", low=low))
            raise AnswerError(_("Write a number of at most %(high)d.", high=high))
        return value

    def to_answers(self, question, value):
        return [AnswerValue(question["code"], number_value=float(value))]

    def from_answers(self, question, rows):
        return int(rows[0].number_value) if rows else None


class Rating(WholeNumber):
    def bounds(self, question):
        return 1, question["scale"]["points"]


class Recommend(WholeNumber):
    def bounds(self, question):
        return 0, 10


class Slider(WholeNumber):
    def bounds(self, question):
        return 0, 100


class Number(WholeNumber):
    def bounds(self, question):
        return question.get("min"), question.get("max")


class Text(QuestionType):
    def __init__(self, default_length: int):
        self.default_length = default_length

    def read(self, definition, question, form):
        value = _clean(form.get(question["code"], ""))
        limit = question.get("max_length", self.default_length)
        if len(value) > limit:
            raise AnswerError(_("Shorten the answer to at most %(count)d characters.", count=limit))
        return value or None

    def to_answers(self, question, value):
        return [AnswerValue(question["code"], text_value=value)]

    def from_answers(self, question, rows):
        return rows[0].text_value if rows else None


class Matrix(QuestionType):
    """Each row is a question of its own for data; the matrix is answered when any row is."""

    def read(self, definition, question, form):
        allowed = {option["code"] for option in options_of(definition, question) or []}
        values = {}
        for row in question["rows"]:
            value = _clean(form.get(row["code"], ""))
            if value and value not in allowed:
                raise AnswerError(_("Choose one of the options."))
            if value:
                values[row["code"]] = value
        if question["required"] and values and len(values) < len(question["rows"]):
            raise AnswerError(_("Answer every line."))
        return values or None

    def to_answers(self, question, value):
        return [AnswerValue(code, option_code=option) for code, option in value.items()]

    def from_answers(self, question, rows):
        return {row.question_code: row.option_code for row in rows} or None


TYPES: dict[str, QuestionType] = {
    "single_choice": SingleChoice(),
    "reference_choice": ReferenceChoice(),
    "multiple_choice": MultipleChoice(),
    "rating": Rating(),
    "nps": Recommend(),
    "slider": Slider(),
    "number": Number(),
    "short_text": Text(DEFAULT_SHORT_TEXT),
    "long_text": Text(DEFAULT_LONG_TEXT),
    "matrix": Matrix(),
}


def label(texts: dict, language: str | None = None) -> str:
    """A text in the respondent's language, falling back to Bokmål."""
    return texts.get(language or str(get_locale())) or texts["nb"]
