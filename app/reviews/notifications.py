"""Telling people about reviews: a notification in the app and an e-mail through the mail backend.

Submissions go to every advisor; decisions and advisors' comments go to the organisation's owners
and editors; a member's comment goes to the advisor the survey is assigned to. Nobody is told
about their own action. The e-mail is written in the recipient's language.
"""

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.accounts.models import GlobalRole, Membership, OrgRole, User
from app.core.types import utcnow
from app.core.urls import public_url
from app.extensions import db
from app.mail.services import queue_mail
from app.reviews.models import Notification, ReviewAssignment
from app.surveys.models import Survey

SUBMITTED = "submitted"
APPROVED = "approved"
CHANGES_REQUESTED = "changes_requested"
COMMENTED = "commented"

# Shown in the list and used as the e-mail's subject; %(survey)s is the survey's title.
KIND_TEXTS = {
    SUBMITTED: _l("“%(survey)s” from %(organisation)s is submitted for review."),
    APPROVED: _l("“%(survey)s” is approved by NPU."),
    CHANGES_REQUESTED: _l("NPU asks for changes to “%(survey)s”."),
    COMMENTED: _l("New comment on “%(survey)s”."),
}

LIST_LIMIT = 100


def notification_text(notification: Notification) -> str:
    survey = notification.survey
    return str(KIND_TEXTS[notification.kind]) % {
        "survey": survey.title,
        "organisation": survey.organisation.name,
    }


def target_endpoint(user: User, survey: Survey) -> tuple[str, dict]:
    """Where a notification leads its reader: advisors to the review, members to the survey."""
    if user.global_role == GlobalRole.ADVISOR:
        return "advisor.review", {"survey_id": survey.id}
    return "member.survey_design", {"org_id": survey.organisation_id, "survey_id": survey.id}


def _advisors() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.global_role == GlobalRole.ADVISOR, User.is_active_account.is_(True))
        )
    )


def _organisation_editors(survey: Survey) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organisation_id == survey.organisation_id,
                Membership.role.in_((OrgRole.OWNER, OrgRole.EDITOR)),
                User.is_active_account.is_(True),
            )
        )
    )


def _assigned_advisor(survey: Survey) -> list[User]:
    assignment = db.session.get(ReviewAssignment, survey.id)
    return [assignment.advisor] if assignment is not None else []


def _tell(recipients: list[User], survey: Survey, kind: str, actor: User) -> None:
    for user in {user.id: user for user in recipients if user.id != actor.id}.values():
        notification = Notification(user_id=user.id, survey=survey, kind=kind, actor_id=actor.id)
        db.session.add(notification)
        endpoint, values = target_endpoint(user, survey)
        with force_locale(user.locale):
            text = notification_text(notification)
            queue_mail(
                user.email,
                text,
                _(
                    "%(text)s\n\nOpen it in Grunnskjema:\n%(link)s",
                    text=text,
                    link=public_url(endpoint, **values),
                ),
            )
    db.session.flush()


def survey_submitted(survey: Survey, actor: User) -> None:
    _tell(_advisors(), survey, SUBMITTED, actor)


def review_decided(survey: Survey, actor: User, kind: str) -> None:
    _tell(_organisation_editors(survey), survey, kind, actor)


def comment_added(survey: Survey, actor: User, by_advisor: bool) -> None:
    _tell(
        _organisation_editors(survey) if by_advisor else _assigned_advisor(survey), survey, COMMENTED, actor
    )


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def notifications_of(user: User) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(LIST_LIMIT)
        )
    )


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
