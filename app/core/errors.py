"""Friendly error pages without tracebacks; problem documents for the API, JSON for health clients."""

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from app.core.problems import problem_for


def render_error(error: HTTPException):
    if request.path.startswith("/api/"):
        return problem_for(error)
    if request.accept_mimetypes.best == "application/json":
        return {"error": error.name, "status": error.code}, error.code
    return render_template("errors/error.html", error=error), error.code


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)
