"""Between the question form and a question in the definition format.

The form shows only the fields of the question's type; options keep their codes when edited
(answers are stored by code), and new options and matrix rows get codes made from their Bokmål text.
"""

from flask_babel import gettext as _

from app.builder.forms import QuestionForm
from app.questionnaires.definition import options_of
from app.surveys.builder import make_code

CHOICE_TYPES = ("single_choice", "multiple_choice", "matrix")
SCALE_TYPES = ("nps", "slider")
TEXT_TYPES = ("short_text", "long_text")
EMPTY_OPTION_ROWS = 3


class QuestionFormError(ValueError):
    """The form is incomplete for its type; `field` names the form field to mark."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def add_empty_option_rows(form: QuestionForm, count: int = EMPTY_OPTION_ROWS) -> None:
    for _row in range(count):
        form.options.append_entry()


def fill(form: QuestionForm, question: dict, definition: dict) -> None:
    """Show an existing question in the form."""
    form.text.fill(question["text"])
    form.help.fill(question.get("help"))
    form.required.data = question.get("required", False)
    for option in options_of(definition, question) or []:
        entry = form.options.append_entry()
        entry.code.data = option["code"]
        entry.text.fill(option["label"])
        entry.exclusive.data = option.get("exclusive", False)
        entry.screen_out.data = "screen_out" in option
        if "screen_out" in option:
            form.screen_out_message.fill(option["screen_out"])
    form.max_selections.data = question.get("max_selections")
    rows = question.get("rows", [])
    form.rows.fill(
        {lang: "\n".join(row["text"].get(lang, "") for row in rows) for lang in ("nb", "nn", "en")}
    )
    scale = question.get("scale")
    if scale:
        form.scale_points.data = str(scale["points"])
        form.low_label.fill(scale["labels"].get(1) or scale["labels"].get("1"))
        points = scale["points"]
        form.high_label.fill(scale["labels"].get(points) or scale["labels"].get(str(points)))
    if question.get("labels"):
        form.low_label.fill(question["labels"]["low"])
        form.high_label.fill(question["labels"]["high"])
    form.minimum.data = question.get("min")
    form.maximum.data = question.get("max")
    form.unit.fill(question.get("unit"))
    form.max_length.data = question.get("max_length")
    if question["type"] == "reference_choice":
        form.reference.data = question["reference"]


def build(form: QuestionForm, question_type: str, keep: dict | None = None) -> dict:
    """The question the form describes. `keep` is the question being edited: its code, whether it
    is required and its condition stay (those are set on the rules page)."""
    text = form.text.value()
    if "nb" not in text:
        raise QuestionFormError("text-nb", _("Write the question in Bokmål."))
    question = {"type": question_type, "text": text, "required": form.required.data}
    if keep:
        question.update({key: keep[key] for key in ("code", "show_if") if key in keep})
    elif form.code.data:
        question["code"] = form.code.data
    help_text = form.help.value()
    if help_text:
        question["help"] = help_text
    if question_type in CHOICE_TYPES:
        question["options"] = _options(form)
    if question_type == "multiple_choice" and form.max_selections.data:
        question["max_selections"] = form.max_selections.data
    if question_type == "matrix":
        question["rows"] = _rows(form, keep)
    if question_type == "rating":
        question["scale"] = _scale(form)
    if question_type in SCALE_TYPES:
        low, high = form.low_label.value(), form.high_label.value()
        if low or high:
            if "nb" not in low or "nb" not in high:
                raise QuestionFormError("low_label-nb", _("Label both ends in Bokmål, or neither."))
            question["labels"] = {"low": low, "high": high}
    if question_type == "number":
        for key, field in (("min", form.minimum), ("max", form.maximum)):
            if field.data is not None:
                question[key] = field.data
        if form.unit.value():
            question["unit"] = form.unit.value()
    if question_type in TEXT_TYPES and form.max_length.data:
        question["max_length"] = form.max_length.data
    if question_type == "reference_choice":
        question["reference"] = form.reference.data
    return question


def _options(form: QuestionForm) -> list[dict]:
    options, taken = [], set()
    screen_out_message = form.screen_out_message.value()
    for index, entry in enumerate(form.options.entries):
        label = entry.text.value()
        if not label:
            continue
        if "nb" not in label:
            raise QuestionFormError(f"options-{index}-text-nb", _("Write every option in Bokmål."))
        code = entry.code.data or make_code(label["nb"], taken | _codes_in(form), "o")
        taken.add(code)
        option = {"code": code, "label": label}
        if entry.exclusive.data:
            option["exclusive"] = True
        if entry.screen_out.data:
            if "nb" not in screen_out_message:
                raise QuestionFormError(
                    "screen_out_message-nb", _("Write the message for those screened out, in Bokmål.")
                )
            option["screen_out"] = screen_out_message
        options.append(option)
    if not options:
        raise QuestionFormError("options-0-text-nb", _("Give at least one option."))
    return options


def _codes_in(form: QuestionForm) -> set[str]:
    return {entry.code.data for entry in form.options.entries if entry.code.data}


def _rows(form: QuestionForm, keep: dict | None) -> list[dict]:
    lines = {lang: (form.rows[lang].data or "").splitlines() for lang in ("nb", "nn", "en")}
    existing = {row["text"]["nb"]: row["code"] for row in (keep or {}).get("rows", [])}
    rows, taken = [], set(existing.values())
    for index, nb_text in enumerate(lines["nb"]):
        if not nb_text.strip():
            continue
        text = {"nb": nb_text.strip()}
        for lang in ("nn", "en"):
            if index < len(lines[lang]) and lines[lang][index].strip():
                text[lang] = lines[lang][index].strip()
        code = existing.get(text["nb"]) or make_code(text["nb"], taken, "r")
        taken.add(code)
        rows.append({"code": code, "text": text})
    if not rows:
        raise QuestionFormError("rows-nb", _("Write at least one statement, in Bokmål."))
    return rows


def _scale(form: QuestionForm) -> dict:
    points = int(form.scale_points.data)
    low, high = form.low_label.value(), form.high_label.value()
    if "nb" not in low or "nb" not in high:
        raise QuestionFormError("low_label-nb", _("Label the lowest and the highest point in Bokmål."))
    return {"points": points, "labels": {1: low, points: high}}
