"""A minimal submission endpoint for the load benchmark's floor: validate 20 fields, insert one row.

Registered only when BENCHMARK_FLOOR is set, never in a normal deployment.
"""

import secrets

from flask import Blueprint, abort, request

from app.access.policy import public
from app.extensions import csrf, db
from app.responses.models import Response, ResponseStatus
from app.surveys.models import Collector

bp = Blueprint("floor", __name__, url_prefix="/benchmark")


@bp.route("/floor/<token>", methods=["POST"])
@public
@csrf.exempt
def floor(token: str):
    collector = db.session.query(Collector).filter_by(token=token).one_or_none()
    if collector is None:
        abort(404)
    values = [request.form.get(f"q{number}", "") for number in range(1, 21)]
    if not all(value.isdigit() and 0 <= int(value) <= 10 for value in values):
        abort(400)
    revision = collector.survey.revisions[-1]
    db.session.add(
        Response(
            survey_id=collector.survey_id,
            survey_revision_id=revision.id,
            collector_id=collector.id,
            organisation_id=collector.survey.organisation_id,
            status=ResponseStatus.COMPLETE,
            language="nb",
            submission_key=request.form.get("submission_key") or secrets.token_urlsafe(16),
        )
    )
    db.session.commit()
    return "", 204
