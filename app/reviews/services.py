"""Reviewing survey designs: the advisors' queue, comments, decisions and the audit history.

Decisions and submissions go through `app.surveys.lifecycle`; this module adds what a review
needs around them: a snapshot of the definition decided on (to show what changed when the survey
comes back), comments in threads, assignments and notifications.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import GlobalRole, User
from app.core.types import utcnow
from app.design_checks import run_checks
from app.extensions import db
from app.organisations.models import Organisation
from app.questionnaires.definition import iter_questions
from app.questionnaires.services import latest_bank_modules
from app.reference.services import label as reference_label
from app.reviews import notifications
from app.reviews.diff import DefinitionDiff, diff_definitions
from app.reviews.models import ReviewAssignment, ReviewComment, ReviewSnapshot
from app.surveys import lifecycle
from app.surveys.estimate import count_questions, estimated_minutes
from app.surveys.models import Survey, SurveyEvent, SurveyStatus

COMMENT_MAX_LENGTH = 4000
ASSIGNED_FILTERS = ("all", "me", "unassigned")
SORTS = ("submitted", "organisation")


class ReviewError(Exception):
    """A comment or review action that cannot be taken; the message says why."""


# --- The queue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    sector: str | None = None
    fylke: str | None = None
    assigned: str = "all"
    sort: str = "submitted"

    def __post_init__(self):
        if self.assigned not in ASSIGNED_FILTERS or self.sort not in SORTS:
            raise ValueError("unknown filter or sort")


@dataclass(frozen=True)
class QueueItem:
    survey: Survey
    sector: str
    fylke: str
    submitted_at: datetime | None
    question_count: int
    minutes: int
    findings: int
    assigned_to: User | None


def _submitted_at(survey_ids: list[int]) -> dict[int, datetime]:
    rows = db.session.execute(
        select(SurveyEvent.survey_id, SurveyEvent.created_at)
        .where(SurveyEvent.survey_id.in_(survey_ids), SurveyEvent.action == lifecycle.Action.SUBMIT.value)
        .order_by(SurveyEvent.created_at)
    )
    return {survey_id: created_at for survey_id, created_at in rows}  # the newest wins


def _assignments(survey_ids: list[int]) -> dict[int, ReviewAssignment]:
    found = db.session.scalars(
        select(ReviewAssignment)
        .options(joinedload(ReviewAssignment.advisor))
        .where(ReviewAssignment.survey_id.in_(survey_ids))
    )
    return {assignment.survey_id: assignment for assignment in found}


def _items(surveys: list[Survey], language: str) -> list[QueueItem]:
    ids = [survey.id for survey in surveys]
    submitted, assignments = _submitted_at(ids), _assignments(ids)
    bank = [module.definition for module in latest_bank_modules()]
    items = []
    for survey in surveys:
        definition = survey.revisions[-1].definition
        base = survey.base_version.definition if survey.base_version else None
        assignment = assignments.get(survey.id)
        items.append(
            QueueItem(
                survey=survey,
                sector=reference_label("sector", survey.organisation.sector_code, language),
                fylke=reference_label("fylke", survey.organisation.fylke_code, language),
                submitted_at=submitted.get(survey.id),
                question_count=count_questions(definition),
                minutes=estimated_minutes(definition),
                findings=len(run_checks(definition, base=base, bank=bank)),
                assigned_to=assignment.advisor if assignment else None,
            )
        )
    return items


def _surveys(*conditions) -> list[Survey]:
    return list(
        db.session.scalars(
            select(Survey)
            .options(
                joinedload(Survey.organisation),
                joinedload(Survey.base_version),
                selectinload(Survey.revisions),
            )
            .where(*conditions)
        ).unique()
    )


def queue(filters: QueueFilters, advisor: User, language: str) -> list[QueueItem]:
    """Every survey waiting for review, across organisations, filtered and sorted."""
    conditions = [Survey.status == SurveyStatus.SUBMITTED]
    if filters.sector:
        conditions.append(Survey.organisation.has(Organisation.sector_code == filters.sector))
    if filters.fylke:
        conditions.append(Survey.organisation.has(Organisation.fylke_code == filters.fylke))
    assigned = select(ReviewAssignment.survey_id)
    if filters.assigned == "me":
        conditions.append(Survey.id.in_(assigned.where(ReviewAssignment.advisor_id == advisor.id)))
    elif filters.assigned == "unassigned":
        conditions.append(Survey.id.not_in(assigned))
    items = _items(_surveys(*conditions), language)
    if filters.sort == "organisation":
        return sorted(items, key=lambda item: (item.survey.organisation.name.casefold(), item.survey.title))
    oldest = datetime.min.replace(tzinfo=utcnow().tzinfo)
    return sorted(items, key=lambda item: item.submitted_at or oldest)


def my_reviews(advisor: User, language: str) -> list[QueueItem]:
    """The surveys assigned to the advisor, whatever their state now."""
    mine = select(ReviewAssignment.survey_id).where(ReviewAssignment.advisor_id == advisor.id)
    items = _items(_surveys(Survey.id.in_(mine)), language)
    return sorted(items, key=lambda item: item.survey.updated_at, reverse=True)


def assign(survey: Survey, advisor: User) -> None:
    """The advisor takes the survey; taking it from another advisor is allowed (holidays happen)."""
    if survey.status != SurveyStatus.SUBMITTED:
        raise ReviewError(_("Only a survey waiting for review can be assigned."))
    assignment = db.session.get(ReviewAssignment, survey.id)
    if assignment is None:
        db.session.add(ReviewAssignment(survey_id=survey.id, advisor_id=advisor.id, assigned_at=utcnow()))
    else:
        assignment.advisor_id, assignment.assigned_at = advisor.id, utcnow()
    db.session.flush()


def assignment_of(survey: Survey) -> ReviewAssignment | None:
    return db.session.get(ReviewAssignment, survey.id)


# --- Comments -------------------------------------------------------------------------------


@dataclass
class Thread:
    comment: ReviewComment
    replies: list[ReviewComment]

    @property
    def resolved(self) -> bool:
        return self.comment.resolved_at is not None


def _comments(survey: Survey) -> list[ReviewComment]:
    return list(
        db.session.scalars(
            select(ReviewComment)
            .options(joinedload(ReviewComment.author), joinedload(ReviewComment.resolved_by))
            .where(
                ReviewComment.survey_id == survey.id, ReviewComment.organisation_id == survey.organisation_id
            )
            .order_by(ReviewComment.created_at, ReviewComment.id)
        )
    )


def threads(survey: Survey) -> dict[str | None, list[Thread]]:
    """Comment threads by question code (None: about the survey as a whole), oldest first."""
    comments = _comments(survey)
    by_id = {comment.id: Thread(comment, []) for comment in comments if comment.parent_id is None}
    for comment in comments:
        if comment.parent_id is not None and comment.parent_id in by_id:
            by_id[comment.parent_id].replies.append(comment)
    found: dict[str | None, list[Thread]] = {}
    for thread in by_id.values():
        found.setdefault(thread.comment.question_code, []).append(thread)
    return found


def comment_in_survey(survey: Survey, comment_id: int) -> ReviewComment | None:
    return db.session.scalar(
        select(ReviewComment).where(
            ReviewComment.id == comment_id,
            ReviewComment.survey_id == survey.id,
            ReviewComment.organisation_id == survey.organisation_id,
        )
    )


def add_comment(
    survey: Survey,
    author: User,
    body: str,
    question_code: str | None = None,
    parent_id: int | None = None,
) -> ReviewComment:
    body = (body or "").strip()
    if not body:
        raise ReviewError(_("Write a comment first."))
    if len(body) > COMMENT_MAX_LENGTH:
        raise ReviewError(_("A comment can be at most %(count)d characters.", count=COMMENT_MAX_LENGTH))
    parent = None
    if parent_id is not None:
        parent = comment_in_survey(survey, parent_id)
        if parent is None or parent.parent_id is not None:
            raise ReviewError(_("The comment you answered no longer exists."))
        question_code = parent.question_code
    elif question_code is not None:
        codes = {ref.question["code"] for ref in iter_questions(survey.revisions[-1].definition)}
        if question_code not in codes:
            raise ReviewError(_("The survey has no question %(code)s.", code=question_code))
    comment = ReviewComment(
        survey_id=survey.id,
        organisation_id=survey.organisation_id,
        question_code=question_code,
        parent_id=parent.id if parent else None,
        author_id=author.id,
        body=body,
        revision_number=survey.revisions[-1].number,
        created_at=utcnow(),
    )
    db.session.add(comment)
    db.session.flush()
    notifications.comment_added(survey, author, by_advisor=author.global_role == GlobalRole.ADVISOR)
    return comment


def resolve(comment: ReviewComment, user: User) -> None:
    if comment.parent_id is not None:
        raise ReviewError(_("Resolve the first comment of the thread."))
    comment.resolved_at = utcnow()
    comment.resolved_by_id = user.id
    db.session.flush()


# --- Submissions and decisions --------------------------------------------------------------


def submit(survey: Survey, user: User, message: str | None = None) -> SurveyEvent:
    event = lifecycle.submit_for_review(survey, user, message)
    notifications.survey_submitted(survey, user)
    return event


def _snapshot(survey: Survey, event: SurveyEvent) -> None:
    db.session.add(
        ReviewSnapshot(
            survey_id=survey.id,
            event_id=event.id,
            definition=survey.revisions[-1].definition,
            created_at=utcnow(),
        )
    )
    db.session.flush()


def approve(survey: Survey, advisor: User, message: str | None = None) -> SurveyEvent:
    event = lifecycle.approve(survey, advisor, message)
    _snapshot(survey, event)
    notifications.review_decided(survey, advisor, notifications.APPROVED)
    return event


def request_changes(survey: Survey, advisor: User, message: str) -> SurveyEvent:
    event = lifecycle.request_changes(survey, advisor, message)
    _snapshot(survey, event)
    notifications.review_decided(survey, advisor, notifications.CHANGES_REQUESTED)
    return event


def last_snapshot(survey: Survey) -> ReviewSnapshot | None:
    return db.session.scalar(
        select(ReviewSnapshot)
        .where(ReviewSnapshot.survey_id == survey.id)
        .order_by(ReviewSnapshot.created_at.desc(), ReviewSnapshot.id.desc())
        .limit(1)
    )


def changes_since_last_review(survey: Survey) -> tuple[ReviewSnapshot, DefinitionDiff] | None:
    """What changed in the definition since an advisor last decided on it; None before any decision."""
    snapshot = last_snapshot(survey)
    if snapshot is None:
        return None
    return snapshot, diff_definitions(snapshot.definition, survey.revisions[-1].definition)


# --- History --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    created_at: datetime
    actor: User | None
    action: str  # a key of SURVEY_ACTION_NAMES
    revision_number: int
    message: str | None


def audit_history(survey: Survey) -> list[HistoryEntry]:
    """Every change of state and every comment, reply and resolution, newest first."""
    entries = [
        HistoryEntry(event.created_at, event.actor, event.action, event.revision_number, event.message)
        for event in lifecycle.history(survey)
    ]
    for comment in _comments(survey):
        where = _("Question %(code)s: ", code=comment.question_code) if comment.question_code else ""
        action = "reply" if comment.parent_id else "comment"
        entries.append(
            HistoryEntry(
                comment.created_at, comment.author, action, comment.revision_number, where + comment.body
            )
        )
        if comment.resolved_at is not None:
            entries.append(
                HistoryEntry(
                    comment.resolved_at,
                    comment.resolved_by,
                    "resolve_comment",
                    comment.revision_number,
                    where + comment.body,
                )
            )
    return sorted(entries, key=lambda entry: entry.created_at, reverse=True)
