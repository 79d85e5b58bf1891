"""The end of a response's life: deleted one at a time, with its survey, or when the organisation's
retention period has passed. Every deletion sets off the same follow-up as new responses (counts and
benchmark cells recomputed), so the figures never keep what is gone.
"""

import calendar
import logging
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app.benchmarks.aggregation import forget_deleted_responses, forget_survey
from app.core.types import utcnow
from app.extensions import db
from app.jobs.services import record_job
from app.organisations.models import Organisation
from app.responses.models import Response
from app.surveys.models import Survey

log = logging.getLogger(__name__)

MAX_RETENTION_MONTHS = 120


class RetentionError(ValueError):
    """A retention period the organisation cannot have; the message is for the member."""


def _recount(survey_id: int) -> None:
    forget_deleted_responses(survey_id)
    record_job("aggregate_responses", survey_id=survey_id)


def responses_of(survey: Survey, page: int, per_page: int = 50) -> tuple[list[Response], int]:
    """The survey's responses, newest first, one page at a time, and how many there are."""
    scope = (Response.survey_id == survey.id, Response.organisation_id == survey.organisation_id)
    total = db.session.scalar(select(func.count()).where(*scope))
    rows = db.session.scalars(
        select(Response)
        .where(*scope)
        .order_by(Response.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), total


def delete_response(response: Response, user) -> None:
    """Delete one response and its answers."""
    survey_id = response.survey_id
    log.info("response %d of survey %d deleted by user %s", response.id, survey_id, user.id)
    db.session.execute(delete(Response).where(Response.id == response.id))
    _recount(survey_id)


def delete_survey_with_responses(survey: Survey, user) -> int:
    """Delete a survey with every revision, link, history entry and response. Its benchmark cells go
    with it; the peer-group snapshots drop its responses at the recompute recorded here."""
    deleted = db.session.execute(delete(Response).where(Response.survey_id == survey.id)).rowcount
    log.info(
        "survey %d of organisation %d deleted with %d responses by user %s",
        survey.id,
        survey.organisation_id,
        deleted,
        user.id,
    )
    forget_survey(survey.id)
    db.session.delete(survey)
    db.session.flush()
    record_job("recompute_benchmarks")
    return deleted


def set_retention(organisation: Organisation, months: int | None) -> None:
    if months is not None and not 1 <= months <= MAX_RETENTION_MONTHS:
        raise RetentionError(
            _l(
                "Keep responses for 1 to %(most)d months, or leave the field empty.",
                most=MAX_RETENTION_MONTHS,
            )
        )
    organisation.response_retention_months = months


def retention_cutoff(months: int, now: datetime) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day if it is shorter)."""
    year, month_index = divmod(now.year * 12 + now.month - 1 - months, 12)
    month = month_index + 1
    return now.replace(year=year, month=month, day=min(now.day, calendar.monthrange(year, month)[1]))


def purge_expired_responses(now: datetime | None = None) -> int:
    """Delete, for every organisation with a retention period, the responses older than it
    (submitted, or started while unfinished, before the cutoff). Returns how many were deleted."""
    now = now or utcnow()
    moment = func.coalesce(Response.submitted_at, Response.started_at)
    purged = 0
    for organisation_id, months in db.session.execute(
        select(Organisation.id, Organisation.response_retention_months).where(
            Organisation.response_retention_months.is_not(None)
        )
    ).all():
        expired = (Response.organisation_id == organisation_id, moment < retention_cutoff(months, now))
        survey_ids = db.session.scalars(select(Response.survey_id).where(*expired).distinct()).all()
        if not survey_ids:
            continue
        purged += db.session.execute(delete(Response).where(*expired)).rowcount
        for survey_id in survey_ids:
            _recount(survey_id)
    log.info("retention purge deleted %d responses", purged)
    return purged
