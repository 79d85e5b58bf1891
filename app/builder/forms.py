"""Builder forms. Texts have one field per language; questions are turned into definition
dictionaries (and back) in `question_form.py`."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.languages import LANGUAGES

LANGUAGE_LABELS = {"nb": _l("Bokmål"), "nn": _l("Nynorsk"), "en": _l("English")}
TEXT_LIMIT = 2000

QUESTION_TYPE_NAMES = {
    "single_choice": _l("Single choice"),
    "multiple_choice": _l("Multiple choice"),
    "rating": _l("Rating scale"),
    "nps": _l("0–10 scale (recommendation)"),
    "slider": _l("Slider 0–10"),
    "number": _l("Number"),
    "short_text": _l("Short text"),
    "long_text": _l("Long text"),
    "matrix": _l("Matrix (several statements, one scale)"),
    "reference_choice": _l("Choice from a standard list (county, country, …)"),
}

REFERENCE_LIST_NAMES = {
    "fylke": _l("Counties (fylker)"),
    "country": _l("Countries"),
    "sector": _l("Sectors"),
    "size_band": _l("Organisation sizes"),
}


def _texts_form(field_class, limit: int = TEXT_LIMIT) -> type[Form]:
    class LanguageTexts(Form):
        nb = field_class(LANGUAGE_LABELS["nb"], validators=[Optional(), Length(max=limit)])
        nn = field_class(LANGUAGE_LABELS["nn"], validators=[Optional(), Length(max=limit)])
        en = field_class(LANGUAGE_LABELS["en"], validators=[Optional(), Length(max=limit)])

        def value(self) -> dict:
            return {lang: self[lang].data.strip() for lang in LANGUAGES if (self[lang].data or "").strip()}

        def fill(self, texts: dict | None) -> None:
            for lang in LANGUAGES:
                self[lang].data = (texts or {}).get(lang, "")

    return LanguageTexts


LanguageTexts = _texts_form(StringField, limit=500)
LanguageAreas = _texts_form(TextAreaField)


class OptionRow(Form):
    code = HiddenField()
    text = FormField(LanguageTexts, separator="-")
    exclusive = BooleanField(_l("Excludes the other options (e.g. “None of these”)"))
    screen_out = BooleanField(_l("Ends the survey for those who choose it (screen-out)"))


class QuestionForm(FlaskForm):
    text = FormField(LanguageAreas, label=_l("Question"))
    help = FormField(LanguageAreas, label=_l("Help text (optional)"))
    code = StringField(
        _l("Code (optional)"),
        validators=[
            Optional(),
            Regexp(
                r"^[a-z][a-z0-9_]{0,31}$",
                message=_l("Use lowercase letters a–z, digits and _, starting with a letter (at most 32)."),
            ),
        ],
    )
    required = BooleanField(_l("An answer is required"))
    options = FieldList(FormField(OptionRow), min_entries=0)
    screen_out_message = FormField(LanguageTexts, label=_l("Message for those screened out"))
    max_selections = IntegerField(
        _l("Most options one may choose (optional)"),
        validators=[Optional(), NumberRange(min=1, message=_l("Use a whole number of at least 1."))],
    )
    rows = FormField(LanguageAreas, label=_l("Statements, one per line"))
    scale_points = SelectField(
        _l("Number of points"),
        choices=[SelectChoice(str(points), str(points)) for points in range(2, 12)],
        default="5",
    )
    low_label = FormField(LanguageTexts, label=_l("Label of the lowest point"))
    high_label = FormField(LanguageTexts, label=_l("Label of the highest point"))
    minimum = IntegerField(_l("Smallest allowed number (optional)"), validators=[Optional()])
    maximum = IntegerField(_l("Largest allowed number (optional)"), validators=[Optional()])
    unit = FormField(LanguageTexts, label=_l("Unit (optional)"))
    max_length = IntegerField(
        _l("Longest answer in characters (optional)"),
        validators=[Optional(), NumberRange(min=1, max=10_000, message=_l("Use a number from 1 to 10000."))],
    )
    reference = SelectField(
        _l("Standard list"),
        choices=[SelectChoice(code, name) for code, name in REFERENCE_LIST_NAMES.items()],
        default="fylke",
    )


class NewQuestionForm(FlaskForm):
    """First step of adding a question: its type and its page (works without JavaScript)."""

    question_type = SelectField(
        _l("Type of question"),
        choices=[SelectChoice(code, name) for code, name in QUESTION_TYPE_NAMES.items()],
    )
    section = SelectField(_l("Page"))


class RulesForm(FlaskForm):
    required = BooleanField(_l("An answer is required"))
    show_if = SelectField(_l("Show this question"))
    negate = BooleanField(_l("… except to those who gave that answer"))


class SectionForm(FlaskForm):
    title = FormField(LanguageTexts, label=_l("Title of the page"))
    intro = FormField(LanguageAreas, label=_l("Introduction (optional)"))


class TextsForm(FlaskForm):
    title = FormField(LanguageTexts, label=_l("Title of the survey"))
    intro = FormField(LanguageAreas, label=_l("Introduction on the first page (optional)"))
    thank_you = FormField(LanguageAreas, label=_l("Thank-you message (optional)"))
    privacy_notice = FormField(LanguageAreas, label=_l("Privacy notice (optional)"))


class LanguagesForm(FlaskForm):
    languages = SelectMultipleField(
        _l("Languages offered"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_LABELS.items()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class BankModuleForm(FlaskForm):
    module = SelectField(_l("Question bank module"), validators=[DataRequired()])


class BankQuestionForm(FlaskForm):
    module = HiddenField(validators=[DataRequired()])
    question = HiddenField(validators=[DataRequired()])
    section = SelectField(_l("Add to page"))


class ConfirmForm(FlaskForm):
    """A button with CSRF protection (move, delete)."""
