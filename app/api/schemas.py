"""What the API reads (query parameters) and writes (bodies), documented in the OpenAPI document."""

from datetime import UTC, datetime

from marshmallow import Schema, fields, validate

from app.core.languages import LANGUAGES
from app.surveys.models import SurveyStatus

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100
# Cursors are response ids today; ten digits cover every id an integer column holds.
CURSOR_PATTERN = r"^[0-9]{1,10}$"


class UTCDateTimeField(fields.AwareDateTime):
    """An ISO 8601 time; without an offset it is taken as UTC. Converted to UTC."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", default_timezone=UTC, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            # Within hours of the first or last representable time: as a filter, the same as that time.
            return (datetime.min if moment.year == 1 else datetime.max).replace(tzinfo=UTC)


class ProblemSchema(Schema):
    """An error, as a problem document (RFC 9457)."""

    type = fields.String(metadata={"description": "`about:blank`: the HTTP status says what went wrong."})
    title = fields.String(metadata={"description": "The HTTP status phrase."})
    status = fields.Integer(metadata={"description": "The HTTP status code."})
    detail = fields.String(metadata={"description": "What went wrong with this request."})
    errors = fields.Dict(
        metadata={"description": "For invalid query parameters: the messages per parameter (422 only)."}
    )


class RevisionSchema(Schema):
    number = fields.Integer(metadata={"description": "The revision's number within the survey, from 1."})
    published_at = fields.DateTime(metadata={"description": "When the revision was published."})


class RevisionWithDefinitionSchema(RevisionSchema):
    definition = fields.Dict(
        metadata={
            "description": "The revision's definition in the questionnaire format: sections, questions "
            "with their stable codes, options and texts in each language."
        }
    )


class SurveySchema(Schema):
    id = fields.Integer()
    title = fields.String()
    status = fields.Enum(SurveyStatus, by_value=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    closed_at = fields.DateTime(
        allow_none=True, metadata={"description": "When the links stopped taking answers; null while open."}
    )
    published_revision = fields.Nested(
        RevisionSchema,
        allow_none=True,
        metadata={"description": "The newest published revision; null before the first publication."},
    )


class SurveyListSchema(Schema):
    data = fields.List(fields.Nested(SurveySchema))


class SurveyDetailSchema(SurveySchema):
    published_revision = fields.Nested(
        RevisionWithDefinitionSchema,
        allow_none=True,
        metadata={"description": "The newest published revision with its definition; null before it."},
    )


class ResponseQuerySchema(Schema):
    after = fields.String(
        validate=validate.Regexp(CURSOR_PATTERN),
        metadata={
            "description": "Continue after this cursor: the `next_cursor` of the previous page. "
            "Treat it as opaque; today it is the id of the previous page's last response."
        },
    )
    limit = fields.Integer(
        load_default=DEFAULT_PAGE_SIZE,
        validate=validate.Range(min=1, max=MAX_PAGE_SIZE),
        metadata={"description": "Responses per page."},
    )
    since = UTCDateTimeField(
        metadata={
            "description": "Only responses submitted at or after this time (ISO 8601; UTC without offset)."
        }
    )
    until = UTCDateTimeField(
        metadata={"description": "Only responses submitted before this time (ISO 8601; UTC without offset)."}
    )


class ResponseSchema(Schema):
    id = fields.Integer()
    revision = fields.Integer(metadata={"description": "The number of the revision that was answered."})
    language = fields.String(metadata={"description": "nb, nn or en."})
    submitted_at = fields.DateTime()
    duration_seconds = fields.Integer(allow_none=True, metadata={"description": "Time taken to answer."})
    collector_id = fields.Integer(
        allow_none=True, metadata={"description": "The link the response came through; null when imported."}
    )
    event_tag = fields.String(allow_none=True, metadata={"description": "The link's event tag."})
    imported = fields.Boolean(metadata={"description": "Collected elsewhere and imported."})
    answers = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        metadata={
            "description": "Answers keyed by the question's stable code (a matrix by each row's code): "
            "an option code for a single choice, a list of option codes for a multiple choice, "
            "a number for ratings, NPS, sliders and numbers, the text for text questions. "
            "Unanswered questions are left out."
        },
    )


class ResponsePageSchema(Schema):
    data = fields.List(fields.Nested(ResponseSchema))
    next_cursor = fields.String(
        allow_none=True, metadata={"description": "Pass as `after` for the next page; null on the last page."}
    )
    next = fields.String(
        allow_none=True,
        metadata={"description": "The URL of the next page with the same filters; null on the last page."},
    )


# --- Results: the structure of `app.results.services.survey_results` -------------------------


def _texts(description: str, **kwargs) -> fields.Dict:
    return fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"description": description}, **kwargs
    )


class ResultQuerySchema(Schema):
    collector = fields.List(
        fields.Integer(), metadata={"description": "Only responses through these links (ids; repeatable)."}
    )
    event_tag = fields.String(metadata={"description": "Only responses through links with this event tag."})
    date_from = fields.Date(
        data_key="from",
        metadata={"description": "Only responses from this day on (YYYY-MM-DD, UTC)."},
    )
    date_to = fields.Date(
        data_key="to",
        metadata={"description": "Only responses up to and including this day (YYYY-MM-DD, UTC)."},
    )
    language = fields.String(
        validate=validate.OneOf(LANGUAGES), metadata={"description": "Only responses in this language."}
    )
    answer = fields.List(
        fields.String(),
        metadata={
            "description": "Only respondents who chose this option, as `question_code:option_code` "
            "(repeatable; any of the options of one question, all of the questions)."
        },
    )
    exclude_speeders = fields.Boolean(
        metadata={"description": "Leave out responses completed in under a third of the median time."}
    )
    interval = fields.String(
        load_default="day",
        validate=validate.OneOf(["day", "week"]),
        metadata={"description": "Periods of the timeline."},
    )


class ThresholdsSchema(Schema):
    min_cell = fields.Integer(
        metadata={"description": "Figures based on 1 to min_cell − 1 responses are hidden."}
    )
    min_free_text = fields.Integer(
        metadata={"description": "Free-text answers are listed only with at least this many respondents."}
    )
    min_filter = fields.Integer(
        metadata={"description": "Filters narrowing to fewer respondents than this are refused."}
    )


class AppliedFiltersSchema(Schema):
    collector_ids = fields.List(fields.Integer())
    event_tag = fields.String(allow_none=True)
    date_from = fields.String(allow_none=True)
    date_to = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    answers = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    exclude_speeders = fields.Boolean()


class PeriodSchema(Schema):
    start = fields.String(metadata={"description": "The period's first day (YYYY-MM-DD)."})
    complete = fields.Integer(allow_none=True)
    complete_hidden = fields.Boolean()
    partial = fields.Integer(allow_none=True)
    partial_hidden = fields.Boolean()


class TimelineSchema(Schema):
    interval = fields.String()
    periods = fields.List(fields.Nested(PeriodSchema))


class OptionResultSchema(Schema):
    code = fields.String()
    label = _texts("The option's label per language.")
    count = fields.Integer(
        allow_none=True, metadata={"description": "Respondents who chose it; null when hidden."}
    )
    share = fields.Float(
        allow_none=True, metadata={"description": "Of those who answered the question (0–1)."}
    )
    ci_low = fields.Float(allow_none=True)
    ci_high = fields.Float(allow_none=True)
    hidden = fields.Boolean()


class MeanSchema(Schema):
    value = fields.Float(allow_none=True)
    ci_low = fields.Float(allow_none=True)
    ci_high = fields.Float(allow_none=True)
    n = fields.Integer(allow_none=True)
    hidden = fields.Boolean()


class NpsSchema(Schema):
    value = fields.Float(allow_none=True, metadata={"description": "From −100 to 100."})
    ci_low = fields.Float(allow_none=True)
    ci_high = fields.Float(allow_none=True)
    promoters = fields.Integer(allow_none=True)
    passives = fields.Integer(allow_none=True)
    detractors = fields.Integer(allow_none=True)
    hidden = fields.Boolean()


class QuestionResultSchema(Schema):
    code = fields.String(metadata={"description": "The stable code (a matrix row's own code)."})
    type = fields.String(metadata={"description": "The question type; `matrix` for a matrix row."})
    kind = fields.String(validate=validate.OneOf(["single", "multiple", "numeric", "nps", "text"]))
    text = _texts("The question's text per language (a matrix row: the row's text).")
    group_text = _texts("A matrix row: the matrix's text; otherwise null.", allow_none=True)
    answered = fields.Integer(allow_none=True, metadata={"description": "Respondents who answered it."})
    answered_hidden = fields.Boolean()
    options = fields.List(
        fields.Nested(OptionResultSchema),
        metadata={"description": "Choice, rating and NPS questions: the figures per option or point."},
    )
    mean = fields.Nested(MeanSchema, allow_none=True)
    nps = fields.Nested(NpsSchema, allow_none=True)
    texts = fields.List(
        fields.String(),
        allow_none=True,
        metadata={"description": "Free text, sorted; null while there are too few respondents."},
    )
    texts_hidden = fields.Boolean()


class ResultsSchema(Schema):
    survey_id = fields.Integer()
    filters = fields.Nested(AppliedFiltersSchema)
    thresholds = fields.Nested(ThresholdsSchema)
    refused = fields.Boolean(
        metadata={
            "description": "True when the filters narrow to too few respondents: nothing else is given."
        }
    )
    respondents = fields.Integer(allow_none=True, metadata={"description": "Complete responses counted."})
    speeders_excluded = fields.Integer()
    speeder_limit_seconds = fields.Float(allow_none=True)
    timeline = fields.Nested(TimelineSchema, allow_none=True)
    questions = fields.List(fields.Nested(QuestionResultSchema))


class BenchmarkQuerySchema(Schema):
    period = fields.String(
        validate=validate.Regexp(r"^\d{4}(-Q[1-4])?$"),
        metadata={"description": "A year (`2026`) or quarter (`2026-Q3`); the newest year when left out."},
    )
    language = fields.String(
        load_default="nb",
        validate=validate.OneOf(LANGUAGES),
        metadata={"description": "Language of labels, group names and sentences."},
    )


class EstimateSchema(Schema):
    value = fields.Float()
    low = fields.Float(allow_none=True, metadata={"description": "95 % interval, lower end."})
    high = fields.Float(allow_none=True, metadata={"description": "95 % interval, upper end."})
    n = fields.Integer()


class DifferenceSchema(Schema):
    value = fields.Float(metadata={"description": "Own minus peers."})
    low = fields.Float()
    high = fields.Float()
    p_value = fields.Float()


class OwnMeasureSchema(Schema):
    measure = fields.String(metadata={"description": "An option code, `mean` or `nps`."})
    label = fields.String()
    estimate = fields.Nested(EstimateSchema)


class PeerComparisonSchema(Schema):
    measure = fields.String()
    label = fields.String()
    own = fields.Nested(EstimateSchema, allow_none=True)
    peer = fields.Nested(EstimateSchema, metadata={"description": "The group without the organisation."})
    difference = fields.Nested(DifferenceSchema, allow_none=True)
    adjusted_p = fields.Float(
        allow_none=True, metadata={"description": "Benjamini–Hochberg over the report."}
    )
    significant = fields.Boolean()
    typical = fields.Nested(EstimateSchema, allow_none=True)
    quartiles = fields.List(fields.Float(), allow_none=True)
    percentile_rank = fields.Float(allow_none=True)


class PeerGroupSchema(Schema):
    kind = fields.String(
        validate=validate.OneOf(["sector_fylke", "sector_size", "sector_country", "fylke", "country"])
    )
    label = fields.String()
    shown = fields.Boolean()
    reason = fields.String(allow_none=True, metadata={"description": "Why the group is not shown."})
    fallback = fields.String(allow_none=True, metadata={"description": "The broader group shown instead."})
    organisations = fields.Integer(allow_none=True, metadata={"description": "Null when not shown."})
    responses = fields.Integer(allow_none=True, metadata={"description": "Null when not shown."})
    computed_at = UTCDateTimeField(allow_none=True)
    comparisons = fields.List(fields.Nested(PeerComparisonSchema))


class BenchmarkQuestionSchema(Schema):
    key = fields.String(metadata={"description": "The stable benchmark code of the question."})
    kind = fields.String(validate=validate.OneOf(["choice", "multiple", "mean", "nps"]))
    text = fields.String()
    own_n = fields.Integer()
    small_base = fields.Boolean()
    sentence = fields.String()
    own = fields.List(fields.Nested(OwnMeasureSchema))
    groups = fields.List(fields.Nested(PeerGroupSchema))


class BenchmarksSchema(Schema):
    survey_id = fields.Integer()
    period = fields.String(allow_none=True)
    periods = fields.List(fields.String(), metadata={"description": "Periods with comparisons."})
    contributing = fields.Boolean(
        metadata={"description": "False when the organisation does not share its answers: no peer groups."}
    )
    questions = fields.List(fields.Nested(BenchmarkQuestionSchema))
