"""What the API reads: an organisation's surveys, pages of their responses, and their results.

Read-only queries, each scoped to one organisation by the caller; no request in here.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from app.benchmarks.models import BenchmarkQuestionMap
from app.benchmarks.report import available_periods, build_report
from app.extensions import db
from app.questionnaires.definition import iter_questions
from app.responses.models import Answer, Response, ResponseStatus
from app.results import services as results
from app.results.filters import parse_filters
from app.surveys.lifecycle import live_revision
from app.surveys.models import Collector, Survey, SurveyRevision

# A period ends at the start of the day after its last day, which the last day of year 9999 lacks.
LAST_FILTER_DAY = date.max - timedelta(days=1)
# Ids are 32-bit integers: a larger one names nothing (and SQLite could not even bind it).
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class ResponsePage:
    items: list[dict]
    # The cursor after this page's last response, or None when nothing follows.
    next_cursor: str | None


def surveys_of(organisation_id: int) -> list[Survey]:
    return list(
        db.session.scalars(
            select(Survey)
            .where(Survey.organisation_id == organisation_id)
            .order_by(Survey.id)
            .options(selectinload(Survey.revisions))
        )
    )


def survey_summary(survey: Survey, with_definition: bool = False) -> dict:
    revision = live_revision(survey)
    published = None
    if revision is not None:
        published = {"number": revision.number, "published_at": revision.published_at}
        if with_definition:
            published["definition"] = revision.definition
    return {
        "id": survey.id,
        "title": survey.title,
        "status": survey.status,
        "created_at": survey.created_at,
        "updated_at": survey.updated_at,
        "closed_at": survey.closed_at,
        "published_revision": published,
    }


def response_page(
    survey: Survey,
    *,
    limit: int,
    after: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> ResponsePage:
    """Complete, non-test responses in id order, at most `limit` of them, after the cursor.

    Walks the (survey_id, id) index: the filters only drop rows, they never reorder.
    """
    query = (
        select(Response, SurveyRevision.number, Collector.event_tag)
        .join(SurveyRevision, SurveyRevision.id == Response.survey_revision_id)
        .outerjoin(Collector, Collector.id == Response.collector_id)
        .where(
            Response.survey_id == survey.id,
            Response.status == ResponseStatus.COMPLETE,
            Response.is_test.is_(False),
        )
    )
    if after is not None:
        # No id is above MAX_ID; a larger cursor must not overflow the integer column.
        query = query.where(Response.id > min(after, MAX_ID))
    if since is not None:
        query = query.where(Response.submitted_at >= since)
    if until is not None:
        query = query.where(Response.submitted_at < until)
    rows = db.session.execute(query.order_by(Response.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    answers = _answers_by_response([response.id for response, _number, _tag in rows])
    multiple_choice = _multiple_choice_codes({response.survey_revision_id for response, _n, _t in rows})
    items = [
        {
            "id": response.id,
            "revision": number,
            "language": response.language,
            "submitted_at": response.submitted_at,
            "duration_seconds": response.duration_seconds,
            "collector_id": response.collector_id,
            "event_tag": event_tag,
            "imported": response.is_imported,
            "answers": answer_values(
                answers.get(response.id, []), multiple_choice[response.survey_revision_id]
            ),
        }
        for response, number, event_tag in rows
    ]
    return ResponsePage(items, str(rows[-1][0].id) if more else None)


def _answers_by_response(response_ids: list[int]) -> dict[int, list[Answer]]:
    grouped: dict[int, list[Answer]] = {}
    if not response_ids:
        return grouped
    for answer in db.session.scalars(
        select(Answer).where(Answer.response_id.in_(response_ids)).order_by(Answer.response_id, Answer.id)
    ):
        grouped.setdefault(answer.response_id, []).append(answer)
    return grouped


def _multiple_choice_codes(revision_ids: set[int]) -> dict[int, set[str]]:
    """Per revision, the codes whose answers are lists (multiple choice), even with one option chosen."""
    codes = {}
    for revision in db.session.scalars(select(SurveyRevision).where(SurveyRevision.id.in_(revision_ids))):
        codes[revision.id] = {
            ref.question["code"]
            for ref in iter_questions(revision.definition)
            if ref.question["type"] == "multiple_choice"
        }
    return codes


def answer_values(answers: list[Answer], multiple_choice: set[str]) -> dict:
    """Stored answer rows as one value per stable code."""
    values: dict = {}
    for answer in answers:
        code = answer.question_code
        if code in multiple_choice:
            values.setdefault(code, []).append(answer.option_code)
        elif answer.option_code is not None:
            values[code] = answer.option_code
        elif answer.number_value is not None:
            number = answer.number_value
            values[code] = int(number) if number.is_integer() else number
        elif answer.text_value is not None:
            values[code] = answer.text_value
    return values


def survey_in_organisation(organisation_id: int, survey_id: int) -> Survey | None:
    if survey_id > MAX_ID:
        return None
    return db.session.scalar(
        select(Survey).where(Survey.id == survey_id, Survey.organisation_id == organisation_id)
    )


def survey_results(survey: Survey, query: dict) -> dict:
    """The survey's aggregated results under the API's filters, with the results pages' thresholds.

    The filters go through the results pages' own parser, so both accept exactly the same values;
    raises FilterError for one that does not fit the survey.
    """
    args = MultiDict()
    for collector_id in query.get("collector", []):
        args.add("collector", str(collector_id))
    for option in query.get("answer", []):
        args.add("answer", option)
    for name, value in (
        ("event_tag", query.get("event_tag")),
        ("language", query.get("language")),
        ("from", query["date_from"].isoformat() if query.get("date_from") else None),
        ("to", min(query["date_to"], LAST_FILTER_DAY).isoformat() if query.get("date_to") else None),
        ("exclude_speeders", "y" if query.get("exclude_speeders") else None),
    ):
        if value:
            args.add(name, value)
    filters = parse_filters(args, results.filter_choices(survey))
    return results.survey_results(survey, filters, query.get("interval", "day"))


def survey_benchmarks(survey: Survey, period: str | None, language: str) -> dict | None:
    """The organisation's peer comparison for the benchmark questions of one survey, under the same
    disclosure rules as the comparison page; None when the period has no comparison."""
    periods = available_periods(survey.organisation_id)
    period = period or next((p for p in periods if "-Q" not in p), None)
    if period is not None and period not in periods:
        return None
    keys = set(
        db.session.scalars(
            select(BenchmarkQuestionMap.question_key)
            .join(SurveyRevision, SurveyRevision.id == BenchmarkQuestionMap.survey_revision_id)
            .where(SurveyRevision.survey_id == survey.id)
        )
    )
    answer = {
        "survey_id": survey.id,
        "period": period,
        "periods": periods,
        "contributing": False,
        "questions": [],
    }
    if period is None:
        return answer
    report = build_report(survey.organisation, period, language)
    answer["contributing"] = report.contributing
    answer["questions"] = [_benchmark_question(q) for q in report.questions if q.key in keys]
    return answer


def _benchmark_question(question) -> dict:
    own = {measure: estimate for measure, _label, estimate in question.own}
    return {
        "key": question.key,
        "kind": question.kind.value,
        "text": question.text,
        "own_n": question.own_n,
        "small_base": question.small_base,
        "sentence": question.sentence,
        "own": [{"measure": m, "label": label, "estimate": e} for m, label, e in question.own],
        "groups": [
            {
                "kind": group.kind,
                "label": group.label,
                "shown": group.shown,
                "reason": group.reason,
                "fallback": group.fallback,
                "organisations": group.organisations,
                "responses": group.responses,
                "computed_at": group.computed_at,
                "comparisons": [
                    {
                        "measure": c.measure,
                        "label": c.label,
                        "own": own.get(c.measure),
                        "peer": c.peer,
                        "difference": c.difference,
                        "adjusted_p": c.adjusted_p,
                        "significant": c.significant,
                        "typical": c.typical,
                        "quartiles": list(c.quartiles) if c.quartiles else None,
                        "percentile_rank": c.percentile_rank,
                    }
                    for c in group.comparisons
                ],
            }
            for group in question.groups
        ],
    }
