"""The API's endpoints (`/api/v1/...`): read-only, for the organisation the bearer token belongs to.

Every endpoint is marked `api_token` (the access policy authenticates the token and sets the
organisation in use) and documents its problem responses with `problems(...)`.
"""

from http import HTTPStatus

from flask import abort, g, url_for
from flask_smorest import Blueprint
from marshmallow import RAISE

from app.access.policy import api_token
from app.api import schemas, services
from app.results.filters import FilterError
from app.surveys.models import Survey

bp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Surveys, responses and results of the organisation the API token belongs to.",
)


def problems(*statuses: int):
    """Document the problem documents an endpoint may answer, besides the default error."""

    def decorate(view):
        for status in statuses:
            view = bp.alt_response(status, response=HTTPStatus(status).name)(view)
        return view

    return decorate


def survey_of_token(survey_id: int) -> Survey:
    """A survey of the token's organisation, or 404: other organisations' surveys do not exist here."""
    survey = services.survey_in_organisation(g.organisation.id, survey_id)
    if survey is None:
        abort(404, "No survey with this id belongs to the token's organisation.")
    return survey


@bp.route("/surveys")
@api_token
@bp.response(200, schemas.SurveyListSchema)
@problems(401, 429)
def surveys():
    """The organisation's surveys

    Every survey in every state, oldest first, with its newest published revision (if any).
    """
    return {"data": [services.survey_summary(survey) for survey in services.surveys_of(g.organisation.id)]}


@bp.route("/surveys/<int:survey_id>")
@api_token
@bp.response(200, schemas.SurveyDetailSchema)
@problems(401, 404, 429)
def survey(survey_id: int):
    """One survey, with the definition of its newest published revision

    The definition names every question by its stable code; responses and results use the same codes.
    """
    return services.survey_summary(survey_of_token(survey_id), with_definition=True)


@bp.route("/surveys/<int:survey_id>/responses")
@api_token
@bp.arguments(schemas.ResponseQuerySchema, location="query", as_kwargs=True, unknown=RAISE)
@bp.response(200, schemas.ResponsePageSchema)
@problems(401, 404, 429)
def responses(survey_id: int, limit: int, after: str | None = None, since=None, until=None):
    """Complete responses, page by page

    Complete responses in id order, test responses left out. Follow `next` (or pass `next_cursor` as
    `after`) until it is null; `since` and `until` filter by the time of submission.
    """
    survey = survey_of_token(survey_id)
    page = services.response_page(
        survey, limit=limit, after=int(after) if after else None, since=since, until=until
    )
    next_url = None
    if page.next_cursor is not None:
        filters = {
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
        }
        next_url = url_for(
            "api.responses",
            survey_id=survey.id,
            after=page.next_cursor,
            limit=limit,
            _external=True,
            **filters,
        )
    return {"data": page.items, "next_cursor": page.next_cursor, "next": next_url}


@bp.route("/surveys/<int:survey_id>/results")
@api_token
@bp.arguments(schemas.ResultQuerySchema, location="query", unknown=RAISE)
@bp.response(200, schemas.ResultsSchema)
@problems(400, 401, 404, 429)
def results(query: dict, survey_id: int):
    """Aggregated results, as on the results page

    Counts, shares, means and NPS per question with 95 % intervals, and responses over time, under
    the same rules that protect respondents on the results page: a figure based on fewer than
    `thresholds.min_cell` responses is null with `hidden: true`, free text is listed only with at
    least `thresholds.min_free_text` respondents, and filters that narrow to fewer than
    `thresholds.min_filter` respondents are refused (`refused: true`, nothing else given).
    An unknown link, event tag, language or answer option answers 400.
    """
    survey = survey_of_token(survey_id)
    try:
        return services.survey_results(survey, query)
    except FilterError as error:
        abort(400, f"The filter does not fit the survey: {error}.")


@bp.route("/surveys/<int:survey_id>/benchmarks")
@api_token
@bp.arguments(schemas.BenchmarkQuerySchema, location="query", as_kwargs=True, unknown=RAISE)
@bp.response(200, schemas.BenchmarksSchema)
@problems(401, 404, 429)
def benchmarks(survey_id: int, language: str, period: str | None = None):
    """Anonymised peer comparisons for the survey's benchmark questions

    The organisation's own result beside each peer group it may see, under the same rules as the
    comparison page: every peer figure leaves the organisation out, a group is shown only with
    enough other organisations and responses and no dominant one, groups that would reveal a few
    organisations by difference are suppressed (`shown: false`, with a `reason` and no counts), and
    an organisation that does not share its answers sees no groups. Figures change at most nightly.
    A period without comparisons answers 404.
    """
    survey = survey_of_token(survey_id)
    found = services.survey_benchmarks(survey, period, language)
    if found is None:
        abort(404, "There is no comparison for this period.")
    return found
