"""API tokens: owners create them on the settings page (shown once, stored as a hash), revoke them,
and see when each was last used; the API accepts only active tokens."""

import hashlib
import re
from datetime import timedelta

from sqlalchemy import func, select

from app.accounts.models import Membership, OrgRole, User
from app.accounts.passwords import hash_password
from app.api_tokens import services
from app.api_tokens.models import ApiToken
from app.core.types import utcnow
from app.extensions import db
from tests import factories
from tests.support import csrf_token

PASSWORD = "token-password-2026"
PASSWORD_HASH = hash_password(PASSWORD)
TOKEN_PATTERN = re.compile(r'value="(gs_[A-Za-z0-9_-]{40,})"')


def organisation_with(*roles: str) -> tuple[int, dict[str, str]]:
    organisation = factories.organisation()
    emails = {}
    for role in roles:
        user = User(email=f"{role}-{organisation.orgnr}@example.org", password_hash=PASSWORD_HASH)
        db.session.add(Membership(user=user, organisation=organisation, role=OrgRole(role)))
        emails[role] = user.email
    factories.published_survey(organisation)
    db.session.commit()
    return organisation.id, emails


def log_in(client, email: str) -> None:
    token = csrf_token(client.get("/login").text)
    reply = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert reply.status_code == 302


def create_on_page(client, org_id: int, name: str):
    page = client.get(f"/org/{org_id}/settings/api-tokens")
    return client.post(
        f"/org/{org_id}/settings/api-tokens", data={"name": name, "csrf_token": csrf_token(page.text)}
    )


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_an_owner_sees_a_new_token_once_and_only_its_hash_is_stored(app, client):
    with app.app_context():
        org_id, emails = organisation_with("owner")
    log_in(client, emails["owner"])

    reply = create_on_page(client, org_id, "Power BI")

    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "no-store"
    secret = TOKEN_PATTERN.search(reply.text).group(1)
    assert len(secret) >= 43, "at least 256 random bits"
    later = client.get(f"/org/{org_id}/settings/api-tokens").text
    assert secret not in later, "the token is shown only once"
    assert "Power BI" in later and secret[:9] in later, "the list names the token and its first characters"
    assert secret not in client.get(f"/org/{org_id}/settings/api-tokens").headers.get("Set-Cookie", "")
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        stored = [getattr(token, column.key) for column in ApiToken.__table__.columns]
        assert secret not in [str(value) for value in stored]
        assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert (token.scope, token.created_by.email, token.last_used_at) == ("read", emails["owner"], None)
    assert client.get("/api/v1/surveys", headers=bearer(secret)).status_code == 200


def test_a_token_needs_a_name(app, client):
    with app.app_context():
        org_id, emails = organisation_with("owner")
    log_in(client, emails["owner"])

    for name in ("", "   ", "x" * 121):
        reply = create_on_page(client, org_id, name)
        assert reply.status_code == 400
        assert 'aria-invalid="true"' in reply.text and not TOKEN_PATTERN.search(reply.text)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_a_revoked_token_answers_401_at_once(app, client):
    with app.app_context():
        org_id, emails = organisation_with("owner")
    log_in(client, emails["owner"])
    secret = TOKEN_PATTERN.search(create_on_page(client, org_id, "Tableau").text).group(1)
    assert client.get("/api/v1/surveys", headers=bearer(secret)).status_code == 200
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))

    page = client.get(f"/org/{org_id}/settings/api-tokens")
    reply = client.post(
        f"/org/{org_id}/settings/api-tokens/{token_id}/revoke", data={"csrf_token": csrf_token(page.text)}
    )

    assert reply.status_code == 302
    refused = client.get("/api/v1/surveys", headers=bearer(secret))
    assert refused.status_code == 401
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer ")
    assert re.search(r'error="?invalid_token', refused.headers["WWW-Authenticate"])
    assert refused.json["detail"] == "The API token is unknown or revoked."
    listing = client.get(f"/org/{org_id}/settings/api-tokens").text
    assert f"/settings/api-tokens/{token_id}/revoke" not in listing, "a revoked token offers no revoke button"
    with app.app_context():
        token = db.session.get(ApiToken, token_id)
        assert token.revoked_at is not None and token.revoked_by.email == emails["owner"]


def test_the_last_used_time_is_written_at_most_once_a_minute(app, client):
    with app.app_context():
        _org_id, emails = organisation_with("owner")
        owner = db.session.scalar(select(User).where(User.email == emails["owner"]))
        new = services.create_token(owner.memberships[0].organisation, owner, "Skript")
        db.session.commit()
        secret, token_id = new.secret, new.token.id

    def last_used():
        with app.app_context():
            return db.session.get(ApiToken, token_id).last_used_at

    assert last_used() is None
    before = utcnow()
    client.get("/api/v1/surveys", headers=bearer(secret))
    first = last_used()
    assert first is not None and first >= before - timedelta(seconds=1)
    client.get("/api/v1/surveys", headers=bearer(secret))
    assert last_used() == first, "a second use within the minute writes nothing"

    with app.app_context():
        db.session.get(ApiToken, token_id).last_used_at = first - timedelta(minutes=2)
        db.session.commit()
    client.get("/api/v1/surveys", headers=bearer(secret))
    assert last_used() > first


def test_an_owner_cannot_revoke_another_organisations_token(app, client):
    with app.app_context():
        org_id, emails = organisation_with("owner")
        _other_id, other_emails = organisation_with("owner")
        other_owner = db.session.scalar(select(User).where(User.email == other_emails["owner"]))
        foreign = services.create_token(other_owner.memberships[0].organisation, other_owner, "Deres")
        db.session.commit()
        foreign_id, foreign_secret = foreign.token.id, foreign.secret
    log_in(client, emails["owner"])
    page = client.get(f"/org/{org_id}/settings/api-tokens")

    reply = client.post(
        f"/org/{org_id}/settings/api-tokens/{foreign_id}/revoke", data={"csrf_token": csrf_token(page.text)}
    )

    assert reply.status_code == 404
    assert "Deres" not in page.text
    assert client.get("/api/v1/surveys", headers=bearer(foreign_secret)).status_code == 200


def test_editors_and_viewers_cannot_manage_tokens(app, client):
    with app.app_context():
        org_id, emails = organisation_with("editor", "viewer")
    for role in ("editor", "viewer"):
        role_client = app.test_client()
        log_in(role_client, emails[role])
        page = role_client.get(f"/org/{org_id}/settings/api-tokens")
        assert page.status_code == 403
        token = csrf_token(role_client.get("/account").text)
        reply = role_client.post(
            f"/org/{org_id}/settings/api-tokens", data={"name": "X", "csrf_token": token}
        )
        assert reply.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0
