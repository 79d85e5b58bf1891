"""Session lifetime: an idle limit and an absolute limit, checked on every request."""

from datetime import datetime

from flask import Flask, current_app, flash, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.core import types

IDLE_MINUTES = 60
ABSOLUTE_HOURS = 12


def start_session() -> None:
    now = types.utcnow().isoformat()
    session["started_at"] = now
    session["seen_at"] = now


def _expired() -> bool:
    started, seen = session.get("started_at"), session.get("seen_at")
    if not started or not seen:
        return True
    now = types.utcnow()
    idle = (now - datetime.fromisoformat(seen)).total_seconds() / 60
    age = (now - datetime.fromisoformat(started)).total_seconds() / 3600
    config = current_app.config
    return idle > config["SESSION_IDLE_MINUTES"] or age > config["SESSION_ABSOLUTE_HOURS"]


def check_session_lifetime():
    # Without a login in the session there is nothing to expire, and no user needs loading.
    if "_user_id" not in session or not current_user.is_authenticated:
        return None
    if _expired():
        language = session.get("lang")
        logout_user()
        session.clear()
        if language:
            session["lang"] = language
        flash(_("Your session has expired. Please log in again."), "info")
        return None
    session["seen_at"] = types.utcnow().isoformat()
    return None


def init_app(app: Flask) -> None:
    app.config.setdefault("SESSION_IDLE_MINUTES", IDLE_MINUTES)
    app.config.setdefault("SESSION_ABSOLUTE_HOURS", ABSOLUTE_HOURS)
    app.before_request(check_session_lifetime)
