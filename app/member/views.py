from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app.accounts.services import memberships_of
from app.surveys.services import surveys_with_summaries

bp = Blueprint("member", __name__)


@bp.route("/")
@login_required
def dashboard():
    memberships = memberships_of(current_user)
    surveys = surveys_with_summaries([membership.organisation_id for membership in memberships])
    return render_template("member/dashboard.html", memberships=memberships, surveys=surveys)
