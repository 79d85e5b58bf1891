"""Response counts per survey, recomputed from the database by a background job."""

from sqlalchemy import func, select

from app.core.types import utcnow
from app.extensions import db
from app.responses.models import Response, ResponseStatus, ResponseSummary


def refresh_response_summary(survey_id: int) -> ResponseSummary:
    """Recompute and upsert; idempotent, and a run that saw fewer responses never overwrites a newer one."""
    rows = db.session.execute(
        select(Response.status, func.count(), func.max(Response.submitted_at), func.max(Response.id))
        .where(Response.survey_id == survey_id, Response.is_test.is_(False))
        .group_by(Response.status)
    ).all()
    counts = {status: count for status, count, _, _ in rows}
    watermark = max((max_id for *_, max_id in rows), default=0)
    last_submitted = max((submitted for _, _, submitted, _ in rows if submitted is not None), default=None)

    summary = db.session.get(ResponseSummary, survey_id, with_for_update=True)
    if summary is None:
        summary = ResponseSummary(survey_id=survey_id, watermark=-1)
        db.session.add(summary)
    if watermark < summary.watermark:
        return summary
    summary.complete_count = counts.get(ResponseStatus.COMPLETE, 0)
    summary.partial_count = counts.get(ResponseStatus.PARTIAL, 0)
    summary.last_submitted_at = last_submitted
    summary.watermark = watermark
    summary.computed_at = utcnow()
    db.session.flush()
    return summary
