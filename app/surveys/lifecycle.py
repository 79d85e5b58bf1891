"""A survey's lifecycle: draft, review, published, closed, archived; new revisions, copies, deletion.

Every change of state goes through this module, whether a view, the CLI or a job asks for it, and
each one is recorded as a `SurveyEvent` (who, when, from which status to which, for which
revision, with what message). `TRANSITIONS` says from which statuses each action is allowed; a few
actions have one more condition (`_CONDITIONS`), such as the organisation's review rule for
publishing a draft. A refused action raises `LifecycleError` with a message for the user.

The status describes the newest revision. While a new revision is edited and reviewed (status
draft, submitted, changes requested or approved), an earlier published revision may still be
live: the links answer the newest published revision until the survey is closed.
"""

import copy
import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from app.accounts.models import User
from app.core.types import utcnow
from app.design_checks import findings_for_survey
from app.extensions import db
from app.organisations.models import Organisation, ReviewRule
from app.questionnaires.services import current_base_version
from app.questionnaires.validation import check_definition
from app.responses.models import Response
from app.surveys import services
from app.surveys.models import Collector, Survey, SurveyEvent, SurveyRevision, SurveyStatus

TITLE_MAX_LENGTH = 200

log = logging.getLogger(__name__)


class LifecycleError(Exception):
    """An action the survey's state does not allow; the message says why, in the user's language."""


class Action(enum.StrEnum):
    CREATE = "create"
    DUPLICATE = "duplicate"  # recorded on the copy
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    REQUEST_CHANGES = "request_changes"
    APPROVE = "approve"
    PUBLISH = "publish"
    CLOSE = "close"
    REOPEN = "reopen"
    ARCHIVE = "archive"
    NEW_REVISION = "new_revision"
    DISCARD_REVISION = "discard_revision"
    DELETE = "delete"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[SurveyStatus]
    target: SurveyStatus | None  # None: the survey is deleted
    refusal: str  # lazy: why the action is refused from any other status


S = SurveyStatus

TRANSITIONS: dict[Action, Transition] = {
    Action.SUBMIT: Transition(
        frozenset({S.DRAFT, S.CHANGES_REQUESTED}),
        S.SUBMITTED,
        _l("Only a draft can be submitted for review."),
    ),
    Action.WITHDRAW: Transition(
        frozenset({S.SUBMITTED, S.APPROVED}),
        S.DRAFT,
        _l("Only a survey in review or approved can be taken back for editing."),
    ),
    Action.REQUEST_CHANGES: Transition(
        frozenset({S.SUBMITTED}),
        S.CHANGES_REQUESTED,
        _l("Changes can be requested only for a survey submitted for review."),
    ),
    Action.APPROVE: Transition(
        frozenset({S.SUBMITTED}),
        S.APPROVED,
        _l("Only a survey submitted for review can be approved."),
    ),
    Action.PUBLISH: Transition(
        frozenset({S.DRAFT, S.APPROVED}),
        S.PUBLISHED,
        _l("Only a draft or an approved survey can be published."),
    ),
    Action.CLOSE: Transition(
        frozenset({S.PUBLISHED}),
        S.CLOSED,
        _l("Only a published survey can be closed."),
    ),
    Action.REOPEN: Transition(
        frozenset({S.CLOSED}),
        S.PUBLISHED,
        _l("Only a closed survey can be opened again."),
    ),
    Action.ARCHIVE: Transition(
        frozenset({S.CLOSED}),
        S.ARCHIVED,
        _l("Only a closed survey can be archived. Close it first."),
    ),
    Action.NEW_REVISION: Transition(
        frozenset({S.PUBLISHED, S.CLOSED}),
        S.DRAFT,
        _l("A new revision can be started only from a published or closed survey."),
    ),
    # Back to where the survey was before the new revision: published, or closed if its links were.
    Action.DISCARD_REVISION: Transition(
        frozenset({S.DRAFT, S.CHANGES_REQUESTED}),
        S.PUBLISHED,
        _l("Only a new revision that is not in review can be discarded."),
    ),
    Action.DELETE: Transition(
        frozenset({S.DRAFT, S.CHANGES_REQUESTED}),
        None,
        _l("Only a draft that has never been published can be deleted."),
    ),
}


# --- What the survey's state allows ---------------------------------------------------------


def live_revision(survey: Survey) -> SurveyRevision | None:
    """The newest published revision: the one the links answer."""
    return next((r for r in reversed(survey.revisions) if r.published_at is not None), None)


def revision_in_progress(survey: Survey) -> SurveyRevision | None:
    """The newest revision while it is unpublished (being edited or reviewed)."""
    newest = survey.revisions[-1]
    return newest if newest.published_at is None else None


def review_required(survey: Survey) -> bool:
    """Whether the survey's newest revision needs an advisor's approval before it is published."""
    rule = survey.organisation.review_rule
    if rule == ReviewRule.FIRST_SURVEY:
        return not _organisation_has_published(survey.organisation_id)
    return rule == ReviewRule.ALWAYS


def _organisation_has_published(organisation_id: int) -> bool:
    return db.session.scalar(
        select(
            exists().where(
                SurveyRevision.survey_id == Survey.id,
                Survey.organisation_id == organisation_id,
                SurveyRevision.published_at.is_not(None),
            )
        )
    )


def _publish_refusal(survey: Survey) -> str | None:
    if survey.status != S.DRAFT or not review_required(survey):
        return None
    if survey.organisation.review_rule == ReviewRule.ALWAYS:
        return _(
            "NPU reviews every survey of your organisation before it is published. Submit it for review."
        )
    return _(
        "Your organisation's first survey is reviewed by NPU before it is published. Submit it for review."
    )


def _discard_refusal(survey: Survey) -> str | None:
    if live_revision(survey) is None:
        return _("This survey has never been published, so there is no earlier revision to go back to.")
    return None


def _delete_refusal(survey: Survey) -> str | None:
    if live_revision(survey) is not None:
        return _("A survey that has been published cannot be deleted. Close and archive it instead.")
    if db.session.scalar(select(exists().where(Response.survey_id == survey.id))):
        return _("A survey with responses cannot be deleted.")
    return None


_CONDITIONS: dict[Action, Callable[[Survey], str | None]] = {
    Action.PUBLISH: _publish_refusal,
    Action.DISCARD_REVISION: _discard_refusal,
    Action.DELETE: _delete_refusal,
}


def refusal(survey: Survey, action: Action) -> str | None:
    """Why `action` is not possible for the survey now, or None when it is."""
    transition = TRANSITIONS[action]
    if survey.status not in transition.sources:
        return str(transition.refusal)
    condition = _CONDITIONS.get(action)
    return condition(survey) if condition else None


def available_actions(survey: Survey) -> set[Action]:
    """The actions the survey's state allows now (whether the user may take them is for the caller)."""
    return {action for action in TRANSITIONS if refusal(survey, action) is None}


def history(survey: Survey) -> list[SurveyEvent]:
    """What happened to the survey, newest first."""
    return list(
        db.session.scalars(
            select(SurveyEvent)
            .where(SurveyEvent.survey_id == survey.id)
            .order_by(SurveyEvent.created_at.desc(), SurveyEvent.id.desc())
        )
    )


# --- Changes of state -----------------------------------------------------------------------


def _check(survey: Survey, action: Action) -> None:
    reason = refusal(survey, action)
    if reason is not None:
        raise LifecycleError(reason)


def _check_ready(survey: Survey) -> None:
    """A survey goes to review or to respondents only when its definition is complete (no empty
    pages, every text in every language it offers) and no design check finds an error."""
    result = check_definition(survey.revisions[-1].definition)
    if not result.ok:
        raise LifecycleError(
            _(
                "The survey is not ready yet: %(problem)s. Fix it in the question editor.",
                problem=result.problems[0].message,
            )
        )
    error = next((finding for finding in findings_for_survey(survey) if finding.is_error), None)
    if error is not None:
        raise LifecycleError(
            _(
                "A design check found an error to fix first (%(where)s): %(message)s",
                where=error.question or error.section or _("the survey as a whole"),
                message=error.message,
            )
        )


def _record(
    survey: Survey,
    action: Action,
    from_status: SurveyStatus | None,
    actor: User | None,
    message: str | None = None,
    revision_number: int | None = None,
) -> SurveyEvent:
    event = SurveyEvent(
        survey_id=survey.id,
        revision_number=revision_number or survey.revisions[-1].number,
        action=action.value,
        from_status=from_status,
        to_status=survey.status,
        actor_id=actor.id if actor else None,
        message=(message or "").strip() or None,
        created_at=utcnow(),
    )
    db.session.add(event)
    db.session.flush()
    return event


def _apply(survey: Survey, action: Action, actor: User | None, message: str | None = None) -> SurveyEvent:
    """Move the survey to the action's target status and record it; the caller has checked."""
    from_status = survey.status
    survey.status = TRANSITIONS[action].target
    survey.updated_at = utcnow()
    return _record(survey, action, from_status, actor, message)


def _move(survey: Survey, action: Action, actor: User | None, message: str | None = None) -> SurveyEvent:
    _check(survey, action)
    return _apply(survey, action, actor, message)


def submit_for_review(survey: Survey, user: User, message: str | None = None) -> SurveyEvent:
    _check(survey, Action.SUBMIT)
    _check_ready(survey)
    return _apply(survey, Action.SUBMIT, user, message)


def withdraw(survey: Survey, user: User) -> SurveyEvent:
    """Take a survey back from review (or an approved one) to change it; approval must be sought again."""
    return _move(survey, Action.WITHDRAW, user)


def request_changes(survey: Survey, advisor: User, message: str) -> SurveyEvent:
    if not (message or "").strip():
        raise LifecycleError(_("Say what should be changed."))
    return _move(survey, Action.REQUEST_CHANGES, advisor, message)


def approve(survey: Survey, advisor: User, message: str | None = None) -> SurveyEvent:
    return _move(survey, Action.APPROVE, advisor, message)


def publish(survey: Survey, user: User) -> Collector:
    """Freeze the newest revision and open the links; returns the survey's first link (created
    now if the survey had none)."""
    _check(survey, Action.PUBLISH)
    _check_ready(survey)
    from_status = survey.status
    collector = services.publish(survey, survey.revisions[-1], _("Main link"))
    _record(survey, Action.PUBLISH, from_status, user)
    return collector


def close(survey: Survey, user: User) -> SurveyEvent:
    _check(survey, Action.CLOSE)
    survey.closed_at = utcnow()
    return _apply(survey, Action.CLOSE, user)


def reopen(survey: Survey, user: User) -> SurveyEvent:
    _check(survey, Action.REOPEN)
    survey.closed_at = None
    return _apply(survey, Action.REOPEN, user)


def archive(survey: Survey, user: User) -> SurveyEvent:
    return _move(survey, Action.ARCHIVE, user)


def start_new_revision(survey: Survey, user: User) -> SurveyRevision:
    """A new draft revision, a copy of the newest one. The published revision keeps taking answers
    (unless the survey is closed) until the new one is published."""
    _check(survey, Action.NEW_REVISION)
    newest = survey.revisions[-1]
    definition = copy.deepcopy(newest.definition)
    definition["version"] = str(newest.number + 1)
    revision = SurveyRevision(survey=survey, number=newest.number + 1, definition=definition)
    db.session.add(revision)
    db.session.flush()
    _apply(survey, Action.NEW_REVISION, user)
    return revision


def discard_revision(survey: Survey, user: User) -> None:
    """Drop the revision in progress; the survey is again as it was before it was started."""
    _check(survey, Action.DISCARD_REVISION)
    from_status = survey.status
    discarded = survey.revisions.pop()  # deleted with the flush, as an orphan
    survey.status = S.CLOSED if survey.closed_at is not None else S.PUBLISHED
    survey.updated_at = utcnow()
    _record(survey, Action.DISCARD_REVISION, from_status, user, revision_number=discarded.number)


def _checked_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise LifecycleError(_("Give the survey a title."))
    if len(title) > TITLE_MAX_LENGTH:
        raise LifecycleError(_("The title can be at most %(count)d characters.", count=TITLE_MAX_LENGTH))
    return title


def create(organisation: Organisation, user: User, title: str) -> Survey:
    """A new draft survey from the current base questionnaire."""
    title = _checked_title(title)
    base = current_base_version()
    if base is None:
        raise LifecycleError(_("No base questionnaire is loaded yet, so no survey can be made."))
    survey, _revision = services.new_survey_from_base(organisation, title, base, created_by=user)
    _record(survey, Action.CREATE, None, user)
    return survey


def duplicate(survey: Survey, user: User, title: str) -> Survey:
    """A new draft survey in the same organisation whose first revision copies the newest revision
    of `survey` (for instance last season's survey, to run again)."""
    title = _checked_title(title)
    definition = copy.deepcopy(survey.revisions[-1].definition)
    definition["version"] = "1"
    # The copy's name is its own in every language, until the member translates it.
    definition["title"] = {language: title for language in definition["languages"]}
    copied = Survey(
        organisation_id=survey.organisation_id,
        title=title,
        status=S.DRAFT,
        base_version_id=survey.base_version_id,
        created_by_id=user.id if user else None,
    )
    db.session.add(copied)
    db.session.add(SurveyRevision(survey=copied, number=1, definition=definition))
    db.session.flush()
    _record(copied, Action.DUPLICATE, None, user, survey.title)
    return copied


def delete_draft(survey: Survey, user: User) -> None:
    """Delete a survey that was never published and has no responses, with its history."""
    _check(survey, Action.DELETE)
    # The survey's history goes with it, so the log keeps who deleted it.
    log.info("survey %d of organisation %d deleted by user %s", survey.id, survey.organisation_id, user.id)
    db.session.delete(survey)
    db.session.flush()
