"""A minimal submission endpoint for the load benchmark's floor: validate 20 fields, insert one row.

Registered only when BENCHMARK_FLOOR is set, never in a normal deployment.
"""

import secrets

from flask import Blueprint, abort, request
from sqlalchemy import insert, literal, select

from app.access.policy import public
from app.extensions import csrf, db
from app.responses.models import Response, ResponseStatus
from app.surveys.models import Collector, Survey

bp = Blueprint("floor", __name__, url_prefix="/benchmark")


@bp.route("/floor/<token>", methods=["POST"])
@public
@csrf.exempt
def floor(token: str):
    values = [request.form.get(f"q{number}", "") for number in range(1, 21)]
    if not all(value.isdigit() and 0 <= int(value) <= 10 for value in values):
        abort(400)
    # One statement: the link's ids come with the INSERT, as lean as a submission can be.
    link = (
        select(
            Collector.survey_id,
            Collector.published_revision_id,
            Collector.id,
            Survey.organisation_id,
            literal(ResponseStatus.COMPLETE.value),
            literal("nb"),
            literal(request.form.get("submission_key") or secrets.token_urlsafe(16)),
        )
        .join(Survey, Survey.id == Collector.survey_id)
        .where(Collector.token == token)
    )
    columns = ["survey_id", "survey_revision_id", "collector_id", "organisation_id", "status", "language"]
    inserted = db.session.execute(insert(Response.__table__).from_select([*columns, "submission_key"], link))
    if inserted.rowcount == 0:
        abort(404)
    db.session.commit()
    return "", 204
