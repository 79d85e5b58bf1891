"""Accounts: authentication and the organisations a user belongs to."""

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.accounts.models import GlobalRole, Membership, User
from app.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from app.accounts.tokens import password_reset_token
from app.core.urls import public_url
from app.extensions import db
from app.mail.services import queue_mail

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


class PasswordError(ValueError):
    pass


def check_new_password(password: str, email: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        message = _("The password must be at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
        raise PasswordError(message)
    if password.strip().lower() == email.strip().lower():
        raise PasswordError(_("The password must not be your e-mail address."))


def set_password(user: User, password: str) -> None:
    """Set a new password and end every existing session of the user."""
    check_new_password(password, user.email)
    user.password_hash = hash_password(password)
    end_all_sessions(user)


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise PasswordError(_("The current password is wrong."))
    set_password(user, new_password)


def request_password_reset(email: str) -> None:
    """Mail a reset link if the address belongs to an active user; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    link = public_url("accounts.reset_password", token=password_reset_token(user))
    with force_locale(user.locale):
        queue_mail(
            user.email,
            _("Reset your Grunnskjema password"),
            _(
                "Someone asked to reset the password for %(email)s.\n\n"
                "Open this link within an hour to choose a new password:\n%(link)s\n\n"
                "If it was not you, ignore this message; your password stays as it is.",
                email=user.email,
                link=link,
            ),
        )


class AccountError(ValueError):
    pass


def create_user(email: str, password: str, name: str = "", global_role: GlobalRole | None = None) -> User:
    """A new account. Raises AccountError for a taken address, PasswordError for a weak password."""
    email = email.strip().lower()
    if find_user_by_email(email) is not None:
        raise AccountError(_("A user with the e-mail address %(email)s already exists.", email=email))
    check_new_password(password, email)
    user = User(
        email=email, name=name.strip(), password_hash=hash_password(password), global_role=global_role
    )
    db.session.add(user)
    db.session.flush()
    return user


def deactivate(user: User) -> None:
    user.is_active_account = False
    end_all_sessions(user)


def reactivate(user: User) -> None:
    user.is_active_account = True


def memberships_of(user: User) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .options(joinedload(Membership.organisation))
            .where(Membership.user_id == user.id)
            .order_by(Membership.organisation_id)
        )
    )
