"""Surveys: listing, and the frozen revisions that responses point at."""

import copy
import secrets
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from app.accounts.models import User
from app.core.types import utcnow
from app.extensions import db
from app.organisations.models import Organisation
from app.questionnaires.models import QuestionnaireVersion
from app.responses.models import ResponseSummary
from app.surveys.models import Collector, Survey, SurveyRevision, SurveyStatus


@dataclass(frozen=True)
class SurveyListing:
    survey: Survey
    summary: ResponseSummary | None


def surveys_with_summaries(organisation_ids: list[int]) -> dict[int, list[SurveyListing]]:
    """Surveys of the given organisations, newest first, grouped by organisation id."""
    if not organisation_ids:
        return {}
    rows = db.session.execute(
        select(Survey, ResponseSummary)
        .outerjoin(ResponseSummary, ResponseSummary.survey_id == Survey.id)
        .where(Survey.organisation_id.in_(organisation_ids))
        .order_by(Survey.created_at.desc(), Survey.id.desc())
    ).all()
    grouped: dict[int, list[SurveyListing]] = defaultdict(list)
    for survey, summary in rows:
        grouped[survey.organisation_id].append(SurveyListing(survey, summary))
    return grouped


def new_survey_from_base(
    organisation: Organisation, title: str, base: QuestionnaireVersion, created_by: User | None = None
) -> tuple[Survey, SurveyRevision]:
    """A draft survey whose first revision is a copy of the base questionnaire."""
    definition = copy.deepcopy(base.definition)
    definition.update(kind="survey", code="survey", version="1", base_version=base.version)
    # The member's title is the survey's in every language until they translate it.
    definition["title"] = {language: title for language in definition["languages"]}
    definition.pop("changelog", None)
    survey = Survey(
        organisation=organisation,
        title=title,
        status=SurveyStatus.DRAFT,
        base_version=base,
        created_by_id=created_by.id if created_by else None,
    )
    revision = SurveyRevision(survey=survey, number=1, definition=definition)
    db.session.add_all([survey, revision])
    db.session.flush()
    return survey, revision


def publish(survey: Survey, revision: SurveyRevision, collector_name: str) -> Collector:
    """Freeze the revision and open the survey's links; a survey without links gets its first one,
    named `collector_name`. Returns the survey's first link. The rules about who may publish when
    are in `app.surveys.lifecycle`."""
    revision.published_at = utcnow()
    survey.status = SurveyStatus.PUBLISHED
    survey.closed_at = None
    if not survey.collectors:
        db.session.add(Collector(survey=survey, name=collector_name, token=new_collector_token()))
    db.session.flush()
    return survey.collectors[0]


def new_collector_token() -> str:
    # 24 random bytes: 192 bits, well above the 128 a link must have to be unguessable.
    return secrets.token_urlsafe(24)
