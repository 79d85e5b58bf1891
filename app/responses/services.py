"""Storing responses. Each stored response records the follow-up work it causes in the same transaction."""

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete

from app.benchmarks.aggregation import forget_deleted_responses
from app.core.types import utcnow
from app.extensions import db
from app.jobs.services import record_job
from app.responses.models import Answer, Response, ResponseStatus
from app.surveys.models import Collector, SurveyRevision


@dataclass(frozen=True)
class AnswerValue:
    question_code: str
    option_code: str | None = None
    number_value: float | None = None
    text_value: str | None = None


def ordinals(answers: list[AnswerValue]) -> list[int]:
    """Each row's place among the rows of its question code, in order (Answer.ordinal)."""
    seen: Counter[str] = Counter()
    places = []
    for answer in answers:
        seen[answer.question_code] += 1
        places.append(seen[answer.question_code])
    return places


def store_response(
    revision: SurveyRevision,
    answers: list[AnswerValue],
    language: str,
    collector: Collector | None = None,
    status: ResponseStatus = ResponseStatus.COMPLETE,
    submitted_at: datetime | None = None,
    submission_key: str | None = None,
    is_test: bool = False,
) -> Response:
    now = utcnow()
    response = Response(
        survey_id=revision.survey_id,
        survey_revision_id=revision.id,
        collector_id=collector.id if collector else None,
        organisation_id=revision.survey.organisation_id,
        status=status,
        language=language,
        is_test=is_test,
        submission_key=submission_key or secrets.token_urlsafe(24),
        started_at=now,
        submitted_at=submitted_at or (now if status == ResponseStatus.COMPLETE else None),
        answers=[
            Answer(
                question_code=value.question_code,
                option_code=value.option_code,
                number_value=value.number_value,
                text_value=value.text_value,
                ordinal=ordinal,
            )
            for value, ordinal in zip(answers, ordinals(answers), strict=True)
        ],
    )
    db.session.add(response)
    db.session.flush()
    record_job("aggregate_responses", survey_id=revision.survey_id)
    return response


def delete_test_responses(survey_id: int) -> int:
    """Remove the answers given through test links; they never counted, and now they are gone."""
    deleted = db.session.execute(
        delete(Response).where(Response.survey_id == survey_id, Response.is_test.is_(True))
    ).rowcount
    forget_deleted_responses(survey_id)
    record_job("aggregate_responses", survey_id=survey_id)
    return deleted
