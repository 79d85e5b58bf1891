"""Accounts: authentication and the organisations a user belongs to."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.accounts.models import Membership, User
from app.accounts.passwords import hash_password, verify_password
from app.extensions import db

# Verifying against a real hash when the e-mail is unknown keeps response times alike.
_DUMMY_HASH = hash_password("not a real password")


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    return user


def end_all_sessions(user: User) -> None:
    user.session_generation += 1


def memberships_of(user: User) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .options(joinedload(Membership.organisation))
            .where(Membership.user_id == user.id)
            .order_by(Membership.organisation_id)
        )
    )
