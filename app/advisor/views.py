"""NPU advisors: survey designs submitted for review, approved or published, across organisations."""

from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.access.permissions import Permission
from app.access.policy import ADVISOR_READABLE_STATUSES, global_permission
from app.extensions import db
from app.surveys.models import Survey

bp = Blueprint("advisor", __name__, url_prefix="/advisor")


@bp.route("/surveys")
@global_permission(Permission.READ_SUBMITTED_DESIGNS)
def surveys():
    found = db.session.scalars(
        select(Survey)
        .options(joinedload(Survey.organisation))
        .where(Survey.status.in_(ADVISOR_READABLE_STATUSES))
        .order_by(Survey.updated_at.desc())
    )
    return render_template("advisor/surveys.html", surveys=list(found))
