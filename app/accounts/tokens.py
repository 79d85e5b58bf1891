"""Signed, time-limited tokens for password reset links.

A reset token carries a fingerprint of the current password hash, so it stops working as soon as
the password changes: every link is single-use.
"""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.accounts.models import User
from app.extensions import db

RESET_SALT = "password-reset"
RESET_MAX_AGE_SECONDS = 60 * 60


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "no password").encode()).hexdigest()[:16]


def password_reset_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "fingerprint": _fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    """The user a valid, unexpired and unused token belongs to; None otherwise."""
    try:
        payload = _serializer().loads(token, max_age=RESET_MAX_AGE_SECONDS)
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, payload.get("user")) if isinstance(payload, dict) else None
    if user is None or not user.is_active or _fingerprint(user) != payload.get("fingerprint"):
        return None
    return user
