import logging

from flask import current_app
from sqlalchemy import text

from app.extensions import db
from app.jobs.dispatch import dispatcher

log = logging.getLogger(__name__)


def check_health() -> dict:
    database = "ok"
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:
        log.warning("health check: database unreachable: %s", type(error).__name__)
        database = "error"
        db.session.rollback()
    redis = "not configured"
    if current_app.config["REDIS_URL"]:
        try:
            redis = "ok" if dispatcher().ping() else "error"
        except Exception as error:
            log.warning("health check: redis unreachable: %s", type(error).__name__)
            redis = "error"
    status = "ok" if database == "ok" and redis in ("ok", "not configured") else "degraded"
    return {"status": status, "database": database, "redis": redis}
