from flask import Blueprint

from app.access.policy import public
from app.health.services import check_health

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@public
def healthz():
    report = check_health()
    return report, 200 if report["database"] == "ok" else 503
