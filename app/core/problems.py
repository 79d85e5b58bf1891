"""Errors as problem documents (RFC 9457) for machine clients such as the JSON API.

The texts are English on purpose: API clients log and match them, so they do not follow the
interface language.
"""

from flask import Response, json
from werkzeug.exceptions import HTTPException

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(
    status: int, title: str, detail: str, headers: dict | None = None, **extensions
) -> Response:
    # "about:blank": the problem means what its HTTP status says; the detail explains this occurrence.
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extensions}
    response = Response(json.dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE)
    response.headers.extend(headers or {})
    return response


def problem_for(error: HTTPException) -> Response:
    """The problem document for an HTTP error, keeping headers such as WWW-Authenticate and Retry-After."""
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    data = getattr(error, "data", None) or {}
    if "messages" in data:
        # Invalid parameters, as the argument parser reports them: {"query": {"limit": [...]}}.
        detail = "Some parameters are invalid; `errors` says which and why."
        return problem_response(error.code, error.name, detail, headers, errors=data["messages"])
    return problem_response(error.code, error.name, error.description, headers)
