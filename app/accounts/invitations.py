"""Inviting people into an organisation with a role, and managing who is in it."""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import Invitation, Membership, OrgRole, User
from app.accounts.services import create_user, find_user_by_email
from app.core.types import utcnow
from app.core.urls import public_url
from app.extensions import db
from app.mail.services import queue_mail
from app.organisations.models import Organisation

INVITATION_DAYS = 7


class MembershipError(ValueError):
    pass


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(organisation: Organisation, email: str, role: OrgRole, invited_by: User) -> Invitation:
    email = email.strip().lower()
    existing = find_user_by_email(email)
    if existing is not None and membership_of(existing, organisation) is not None:
        raise MembershipError(
            _(
                "%(email)s is already a member of %(organisation)s.",
                email=email,
                organisation=organisation.name,
            )
        )
    for earlier in pending_invitations(organisation):
        if earlier.email == email:
            earlier.revoked_at = utcnow()
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=_token_hash(token),
        invited_by_id=invited_by.id,
        expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    link = public_url("accounts.accept_invitation", token=token)
    # The invitee has no language yet, so the mail is written in the inviter's.
    queue_mail(
        email,
        _("Invitation to %(organisation)s in Grunnskjema", organisation=organisation.name),
        _(
            "%(inviter)s has invited you to %(organisation)s in Grunnskjema.\n\n"
            "Open this link within %(days)d days to accept:\n%(link)s",
            inviter=invited_by.name or invited_by.email,
            organisation=organisation.name,
            days=INVITATION_DAYS,
            link=link,
        ),
    )
    return invitation


def find_invitation(token: str) -> Invitation | None:
    """An invitation that can still be accepted, or None."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _token_hash(token)))
    if (
        invitation is None
        or invitation.accepted_at
        or invitation.revoked_at
        or invitation.expires_at < utcnow()
    ):
        return None
    return invitation


def accept(invitation: Invitation, user: User) -> Membership:
    if user.email.lower() != invitation.email:
        raise MembershipError(_("This invitation was sent to another e-mail address."))
    invitation.accepted_at = utcnow()
    membership = membership_of(user, invitation.organisation)
    if membership is None:
        membership = Membership(user=user, organisation=invitation.organisation, role=invitation.role)
        db.session.add(membership)
    db.session.flush()
    return membership


def accept_with_new_account(invitation: Invitation, name: str, password: str) -> User:
    if find_user_by_email(invitation.email) is not None:
        raise MembershipError(_("An account with this e-mail address exists. Log in to accept."))
    user = create_user(invitation.email, password, name)
    user.locale = str(get_locale())
    accept(invitation, user)
    return user


def add_member(user: User, organisation: Organisation, role: OrgRole) -> Membership:
    existing = membership_of(user, organisation)
    if existing is not None:
        raise MembershipError(
            _(
                "%(email)s is already a member of %(organisation)s.",
                email=user.email,
                organisation=organisation.name,
            )
        )
    membership = Membership(user=user, organisation=organisation, role=role)
    db.session.add(membership)
    db.session.flush()
    return membership


def membership_of(user: User, organisation: Organisation) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.organisation_id == organisation.id)
    )


def members(organisation: Organisation) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .join(User)
            .where(Membership.organisation_id == organisation.id)
            .order_by(func.lower(User.email))
        )
    )


def pending_invitations(organisation: Organisation) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.organisation_id == organisation.id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.created_at)
        )
    )


def _owner_count(organisation: Organisation) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.organisation_id == organisation.id, Membership.role == OrgRole.OWNER)
    )


def change_role(membership: Membership, role: OrgRole) -> None:
    if (
        membership.role == OrgRole.OWNER
        and role != OrgRole.OWNER
        and _owner_count(membership.organisation) == 1
    ):
        raise MembershipError(_("An organisation needs at least one owner."))
    membership.role = role


def remove_member(membership: Membership) -> None:
    if membership.role == OrgRole.OWNER and _owner_count(membership.organisation) == 1:
        raise MembershipError(_("An organisation needs at least one owner."))
    db.session.delete(membership)


def revoke(invitation: Invitation) -> None:
    invitation.revoked_at = utcnow()
