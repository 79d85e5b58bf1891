"""The JSON API at /api/v1 (flask-smorest): OpenAPI document, docs page, endpoints for BI tools.

Errors on /api/ paths are problem documents, rendered by the application's one error handler
(`app.core.errors`); the OpenAPI document describes them as such.
"""

import http

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from app.core.problems import PROBLEM_CONTENT_TYPE

API_VERSION = "1"
OPENAPI_VERSION = "3.0.3"
SECURITY_SCHEME = "bearerAuth"
ERROR_HEADERS = {
    http.HTTPStatus.UNAUTHORIZED: {
        "WWW-Authenticate": {"description": "`Bearer`, with the realm.", "schema": {"type": "string"}}
    },
    http.HTTPStatus.TOO_MANY_REQUESTS: {
        "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}
    },
}


class ProblemApi(Api):
    """flask-smorest with errors as problem documents, rendered by the app's own error handler."""

    def _register_error_handlers(self):
        # flask-smorest would take over error pages for the whole application; the app's handler
        # already answers problem documents on /api/ paths and HTML pages elsewhere.
        pass

    def _register_responses(self):
        from app.api.schemas import ProblemSchema

        for status in http.HTTPStatus:
            if status < 400:
                continue
            response = {"description": status.phrase, "schema": ProblemSchema}
            if status in ERROR_HEADERS:
                response["headers"] = ERROR_HEADERS[status]
            prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Any other error, as a problem document.", "schema": ProblemSchema}
        prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def init_app(app: Flask) -> None:
    from app.api.docs import bp as docs_bp
    from app.api.views import bp as api_bp
    from app.extensions import csrf

    api = ProblemApi(
        app,
        spec_kwargs={
            "title": "Grunnskjema API",
            "version": API_VERSION,
            "openapi_version": OPENAPI_VERSION,
            "info": {
                "description": "Read-only access to one organisation's surveys, responses and results. "
                "Authenticate with `Authorization: Bearer <token>`; owners create tokens under "
                "Settings → API tokens."
            },
            "security": [{SECURITY_SCHEME: []}],
        },
    )
    api.spec.components.security_scheme(
        SECURITY_SCHEME,
        {"type": "http", "scheme": "bearer", "description": "An API token of the organisation."},
    )
    # Token-authenticated and read-only: there is no session, so no CSRF to protect against.
    csrf.exempt(api_bp)
    api.register_blueprint(api_bp)
    app.register_blueprint(docs_bp)
    app.extensions["grunnskjema_api"] = api
