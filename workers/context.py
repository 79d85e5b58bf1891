"""The Flask app that jobs run in, created once per worker process."""

from flask import Flask
from sqlalchemy.pool import NullPool

from app import create_app

_app: Flask | None = None


def worker_app() -> Flask:
    global _app
    if _app is None:
        # No pooled connections: a forking worker must not share a connection with its parent.
        _app = create_app({"SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool}, "BACKGROUND_RUNNER": False})
    return _app


def use_app(app: Flask | None) -> None:
    """Run jobs in an app made elsewhere (the worker entry point, or tests)."""
    global _app
    _app = app
