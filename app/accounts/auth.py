"""Session handling: who is logged in, and invalidating old sessions by a generation counter."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.extensions import db, login_manager


def load_user(session_user_id: str) -> User | None:
    user_id, _, generation = session_user_id.partition(":")
    if not user_id.isdigit() or not generation.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_generation != int(generation):
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.session_protection = "strong"
