"""The development outbox: every e-mail the app would send, readable in the browser.

Registered only with the `outbox` mail backend, never in production.
"""

from flask import Blueprint, render_template

from app.access.policy import public
from app.mail.services import outbox

bp = Blueprint("mail", __name__, url_prefix="/dev")


@bp.route("/outbox")
@public
def show_outbox():
    return render_template("dev/outbox.html", mails=outbox())
