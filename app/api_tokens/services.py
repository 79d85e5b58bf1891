"""Creating, listing, revoking and checking API tokens.

A token is 32 random bytes from `secrets` (256 bits). Only its sha256 is stored: with that much
entropy nobody can search for a token that matches a stolen hash, so the slow, salted hashes that
passwords need add nothing here, while a plain digest lets every API request find its token with
one lookup in a unique index.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import User
from app.api_tokens.models import ApiToken
from app.core.types import utcnow
from app.extensions import db
from app.organisations.models import Organisation

TOKEN_PREFIX = "gs_"
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 6
READ_SCOPE = "read"
MAX_NAME_LENGTH = 120
# The last-used time is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenError(ValueError):
    """A token cannot be created as asked; the message is for the owner."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    # The token in clear: shown to its creator once, never stored.
    secret: str


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(organisation: Organisation, user: User, name: str) -> NewToken:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise ApiTokenError(
            _("Give the token a name of at most %(count)d characters.", count=MAX_NAME_LENGTH)
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        organisation_id=organisation.id,
        name=name,
        token_hash=hash_token(secret),
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        scope=READ_SCOPE,
        created_by=user,
        created_at=utcnow(),
    )
    db.session.add(token)
    db.session.flush()
    return NewToken(token, secret)


def revoke_token(token: ApiToken, user: User) -> None:
    """Stop the token working at once; revoking twice keeps the first time."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        token.revoked_by_id = user.id
        db.session.flush()


def tokens_of(organisation_id: int) -> list[ApiToken]:
    """The organisation's tokens, the active ones first, newest first within each group."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.organisation_id == organisation_id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def active_token(secret: str) -> ApiToken | None:
    """The unrevoked token with this secret, else None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    return db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None))
    )


def record_use(token: ApiToken) -> bool:
    """Note that the token was used now, unless that was noted less than a minute ago.

    True when a row was written (the caller commits). The condition in the UPDATE keeps
    concurrent requests with a stale copy of the token from writing it again.
    """
    now = utcnow()
    threshold = now - LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > threshold:
        return False
    written = db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= threshold),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    set_committed_value(token, "last_used_at", now)
    return written == 1
