"""Who is calling the API: a bearer token, never the session cookie.

`authenticate` runs before every API view (the access policy calls it for views marked
`api_token`). It answers 401 without an active token and 429 once the token has used up its rate
limit, and otherwise makes the token's organisation the organisation in use.
"""

from flask import g, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import TooManyRequests, Unauthorized

from app.api_tokens.services import active_token, record_use
from app.core import rate_limit
from app.extensions import db
from app.organisations.models import Organisation

# Generous for a BI tool paging through responses, low enough to stop a runaway script.
API_LIMIT = rate_limit.Limit("api", max_hits=300, window_seconds=60)
REALM = "Grunnskjema API"


def _bearer_token() -> str | None:
    authorization = request.authorization
    if authorization is None or authorization.type != "bearer":
        return None
    return authorization.token or None


def _refuse(detail: str, error: str | None = None) -> Unauthorized:
    parameters = {"realm": REALM}
    if error:
        parameters["error"] = error
    return Unauthorized(detail, www_authenticate=WWWAuthenticate("bearer", parameters))


def authenticate() -> None:
    secret = _bearer_token()
    if secret is None:
        raise _refuse("Send an API token as `Authorization: Bearer <token>`.")
    token = active_token(secret)
    if token is None:
        raise _refuse("The API token is unknown or revoked.", error="invalid_token")
    if not rate_limit.hit(API_LIMIT, str(token.id)):
        raise TooManyRequests(
            f"At most {API_LIMIT.max_hits} requests per {API_LIMIT.window_seconds} seconds per token.",
            retry_after=API_LIMIT.window_seconds,
        )
    if record_use(token):
        db.session.commit()
    g.api_token = token
    g.organisation = db.session.get(Organisation, token.organisation_id)
