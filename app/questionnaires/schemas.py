"""Marshmallow schemas for the questionnaire definition format (docs/questionnaire-format.md).

The schemas check structure and value types; rules that need the whole definition (unique codes,
conditions on earlier questions) live in `validation.py`.
"""

import re

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from app.core.languages import LANGUAGES

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
VERSION_PATTERN = re.compile(r"^\d+(\.\d+)*$")
KINDS = ("base", "bank_module", "survey")
REFERENCE_LISTS = ("fylke", "country", "sector", "size_band")
CHOICE_TYPES = ("single_choice", "multiple_choice", "matrix")
NUMERIC_TYPES = ("rating", "nps", "slider", "number")
OPT_IN_KINDS = ("newsletter", "prize_draw")


class Code(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError(f'a code must be text, not {_describe(value)} (quote values such as "yes")')
        if not CODE_PATTERN.match(value):
            raise ValidationError(
                f"invalid code '{value}': use lowercase letters, digits and underscore, "
                "starting with a letter, at most 32 characters"
            )
        return value


class Text(fields.Field):
    """A text in several languages: {nb: ..., nn: ..., en: ...} with nb mandatory."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ValidationError("expected texts per language, e.g. {nb: ..., nn: ..., en: ...}")
        unknown = sorted(str(key) for key in value if key not in LANGUAGES)
        if unknown:
            raise ValidationError(f"unknown language '{unknown[0]}' (use nb, nn or en)")
        if not value.get("nb"):
            raise ValidationError("missing nb text")
        for language, text in value.items():
            if not isinstance(text, str) or not text.strip():
                raise ValidationError(f"the {language} text must be non-empty text")
        return dict(value)


def _describe(value) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__
    )


def whole_number(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, error_messages={"invalid": "expected a whole number"}, **kwargs)


class ScalePoint(fields.Integer):
    """A scale point used as a key: a number in YAML, text once the definition is stored as JSON."""

    def __init__(self):
        super().__init__(strict=True, error_messages={"invalid": "expected a whole number"})

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        return super()._deserialize(value, attr, data, **kwargs)


def at_least(minimum: int, what: str) -> validate.Validator:
    return validate.Length(min=minimum, error=f"needs at least {minimum} {what}")


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class OptionSchema(StrictSchema):
    code = Code(required=True)
    label = Text(required=True)
    exclusive = fields.Boolean(load_default=False)
    screen_out = Text()


class OptionsField(fields.Field):
    """Either the name of a shared option list or an inline list of options."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            return value
        if not isinstance(value, list):
            raise ValidationError("expected the name of an option list or a list of options")
        if not value:
            raise ValidationError("a choice question needs at least one option")
        return OptionSchema(many=True).load(value)


class ConditionField(fields.Field):
    """A show_if condition: a comparison on one question, or all/any/not of conditions."""

    OPERATORS = ("equals", "not_equals", "in", "includes", "gt", "gte", "lt", "lte", "answered")

    def _deserialize(self, value, attr, data, **kwargs):
        return self.check(value)

    def check(self, value):
        if not isinstance(value, dict):
            raise ValidationError("a condition must be a mapping such as {question: code, equals: option}")
        combinators = [key for key in ("all", "any", "not") if key in value]
        if combinators:
            if len(value) != 1:
                raise ValidationError(f"'{combinators[0]}' must stand alone in its condition")
            key = combinators[0]
            if key == "not":
                return {"not": self._nested(value["not"], "not")}
            items = value[key]
            if not isinstance(items, list) or len(items) < 2:
                raise ValidationError(f"'{key}' needs a list of at least two conditions")
            errors, checked = {}, []
            for index, item in enumerate(items):
                try:
                    checked.append(self.check(item))
                except ValidationError as error:
                    errors[index] = error.messages
            if errors:
                raise ValidationError({key: errors})
            return {key: checked}
        return self._comparison(value)

    def _nested(self, value, key):
        try:
            return self.check(value)
        except ValidationError as error:
            raise ValidationError({key: error.messages}) from None

    def _comparison(self, value):
        if "question" not in value:
            raise ValidationError("missing required key 'question' in condition")
        operators = [key for key in value if key != "question"]
        unknown = [key for key in operators if key not in self.OPERATORS]
        if unknown:
            raise ValidationError(f"unknown condition operator '{unknown[0]}'")
        if len(operators) != 1:
            raise ValidationError("a condition compares one question with exactly one operator")
        operator = operators[0]
        operand = value[operator]
        if operator in ("gt", "gte", "lt", "lte") and (
            isinstance(operand, bool) or not isinstance(operand, int | float)
        ):
            raise ValidationError(f"'{operator}' needs a number")
        if operator == "in" and not (isinstance(operand, list) and operand):
            raise ValidationError("'in' needs a list of option codes")
        if operator == "answered" and not isinstance(operand, bool):
            raise ValidationError("'answered' needs true or false")
        if operator in ("equals", "not_equals", "includes") and not isinstance(operand, str):
            raise ValidationError(f"'{operator}' needs an option code (quote values such as \"yes\")")
        return {"question": value["question"], operator: operand}


class QuestionBaseSchema(StrictSchema):
    code = Code(required=True)
    type = fields.String(required=True)
    text = Text(required=True)
    help = Text()
    required = fields.Boolean(load_default=False)
    locked = fields.Boolean(load_default=False)
    show_if = ConditionField()
    comparable_with = fields.List(Code())
    # In a survey: the question-bank module a question was copied from (it stays comparable).
    bank_module = Code()


class SingleChoiceSchema(QuestionBaseSchema):
    options = OptionsField(required=True)


class MultipleChoiceSchema(SingleChoiceSchema):
    max_selections = whole_number(validate=validate.Range(min=1, error="max_selections must be at least 1"))


class ReferenceChoiceSchema(QuestionBaseSchema):
    reference = fields.String(
        required=True,
        validate=validate.OneOf(
            REFERENCE_LISTS, error="unknown reference list '{input}' (use one of {choices})"
        ),
    )
    extra_options = fields.List(fields.Nested(OptionSchema))


class ScaleSchema(StrictSchema):
    points = whole_number(
        required=True, validate=validate.Range(min=2, max=11, error="a scale has from 2 to 11 points")
    )
    labels = fields.Dict(keys=ScalePoint(), values=Text(), required=True)
    midpoint = Text()

    @validates_schema
    def check_labels(self, data, **kwargs):
        points = data["points"]
        given = set(data["labels"])
        if given not in ({1, points}, set(range(1, points + 1))):
            raise ValidationError(
                f"label every point 1..{points} or only the ends 1 and {points}", field_name="labels"
            )
        if "midpoint" in data and points % 2 == 0:
            raise ValidationError("a midpoint label needs an odd number of points", field_name="midpoint")


class EndLabelsSchema(StrictSchema):
    low = Text(required=True)
    high = Text(required=True)


class RatingSchema(QuestionBaseSchema):
    scale = fields.Nested(ScaleSchema, required=True)


class EndLabelledSchema(QuestionBaseSchema):
    labels = fields.Nested(EndLabelsSchema)


class NumberSchema(QuestionBaseSchema):
    min = whole_number()
    max = whole_number()
    unit = Text()

    @validates_schema
    def check_range(self, data, **kwargs):
        if "min" in data and "max" in data and data["min"] >= data["max"]:
            raise ValidationError("min must be less than max", field_name="max")


class TextQuestionSchema(QuestionBaseSchema):
    max_length = whole_number(validate=validate.Range(min=1, max=10_000, error="max_length must be 1–10000"))


class MatrixRowSchema(StrictSchema):
    code = Code(required=True)
    text = Text(required=True)


class MatrixSchema(SingleChoiceSchema):
    rows = fields.List(fields.Nested(MatrixRowSchema), required=True, validate=at_least(1, "row"))


QUESTION_SCHEMAS: dict[str, type[Schema]] = {
    "single_choice": SingleChoiceSchema,
    "multiple_choice": MultipleChoiceSchema,
    "reference_choice": ReferenceChoiceSchema,
    "rating": RatingSchema,
    "nps": EndLabelledSchema,
    "slider": EndLabelledSchema,
    "number": NumberSchema,
    "short_text": TextQuestionSchema,
    "long_text": TextQuestionSchema,
    "matrix": MatrixSchema,
}


class QuestionField(fields.Field):
    """Dispatches each question to the schema of its type."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ValidationError("a question must be a mapping")
        if "type" not in value:
            raise ValidationError({"type": ["Missing data for required field."]})
        question_type = value["type"]
        if question_type not in QUESTION_SCHEMAS:
            raise ValidationError(
                {
                    "type": [
                        f"unknown question type '{question_type}' (use one of {', '.join(QUESTION_SCHEMAS)})"
                    ]
                }
            )
        return QUESTION_SCHEMAS[question_type]().load(value)


class SectionSchema(StrictSchema):
    code = Code(required=True)
    title = Text(required=True)
    intro = Text()
    questions = fields.List(QuestionField(), required=True, validate=at_least(1, "question"))


class IsoDate(fields.Date):
    """A date kept as ISO text, so that definitions stay plain JSON."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).isoformat()


class ChangelogEntrySchema(StrictSchema):
    version = fields.String(required=True)
    date = IsoDate(required=True)
    text = Text(required=True)


class OptInSchema(StrictSchema):
    """A box offered on the thank-you page; the e-mail given for it is stored apart from the answers."""

    code = Code(required=True)
    kind = fields.String(
        required=True,
        validate=validate.OneOf(OPT_IN_KINDS, error="unknown opt-in kind '{input}' (use {choices})"),
    )
    text = Text(required=True)


class DefinitionSchema(StrictSchema):
    kind = fields.String(
        required=True, validate=validate.OneOf(KINDS, error="unknown kind '{input}' (use {choices})")
    )
    code = Code(required=True)
    version = fields.String(
        required=True,
        error_messages={"invalid": 'version must be quoted text such as "2026.1"'},
        validate=validate.Regexp(VERSION_PATTERN, error='version must be dotted numbers such as "2026.1"'),
    )
    title = Text(required=True)
    description = Text()
    # A survey's own texts for respondents: before the first page, after the last, on the privacy page.
    intro = Text()
    thank_you = Text()
    privacy_notice = Text()
    languages = fields.List(
        fields.String(
            validate=validate.OneOf(LANGUAGES, error="unknown language '{input}' (use nb, nn or en)")
        ),
        required=True,
    )
    topic = Code()
    base_version = fields.String()
    changelog = fields.List(fields.Nested(ChangelogEntrySchema))
    option_lists = fields.Dict(keys=Code(), values=fields.List(fields.Nested(OptionSchema)))
    sections = fields.List(fields.Nested(SectionSchema), required=True, validate=at_least(1, "section"))
    opt_ins = fields.List(fields.Nested(OptInSchema))

    @validates_schema
    def check_kind_fields(self, data, **kwargs):
        if "nb" not in data.get("languages", []):
            raise ValidationError("languages must include nb", field_name="languages")
        if data.get("kind") == "bank_module" and "topic" not in data:
            raise ValidationError("Missing data for required field.", field_name="topic")
        if data.get("kind") == "survey" and "base_version" not in data:
            raise ValidationError("Missing data for required field.", field_name="base_version")


class DraftSectionSchema(SectionSchema):
    """A page of a survey being built may still be empty."""

    questions = fields.List(QuestionField(), required=True)


class DraftDefinitionSchema(DefinitionSchema):
    """A survey being built: everything checked, except that pages may still be empty."""

    sections = fields.List(fields.Nested(DraftSectionSchema), required=True, validate=at_least(1, "section"))
