"""Each user's notifications about reviews: the list, and the unread count in every page's header."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from app.access.policy import logged_in
from app.extensions import db
from app.reviews import notifications

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def unread_notifications():
    if not current_user.is_authenticated:
        return {}
    return {"unread_notifications": notifications.unread_count(current_user)}


@bp.route("/")
@logged_in
def index():
    found = notifications.notifications_of(current_user)
    return render_template(
        "reviews/notifications.html",
        notifications=found,
        text=notifications.notification_text,
        link=_link,
    )


def _link(notification) -> str:
    endpoint, values = notifications.target_endpoint(current_user, notification.survey)
    return url_for(endpoint, **values)


@bp.route("/read", methods=["POST"])
@logged_in
def mark_read():
    notifications.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for("notifications.index"))
