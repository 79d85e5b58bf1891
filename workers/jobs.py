"""RQ jobs. Each takes ids, runs inside the app context, and lets errors raise so RQ records them."""

from app.answering.flow import purge_stale_partials
from app.extensions import db
from app.jobs.dispatch import dispatcher
from app.jobs.services import execute_pending_job
from app.responses import lifecycle
from workers.context import worker_app


def run_pending_job(pending_job_id: int) -> bool:
    with worker_app().app_context():
        return execute_pending_job(pending_job_id)


def sweep() -> None:
    """Re-dispatch work left pending by a crash or a Redis outage (scheduled by workers/cron.py)."""
    with worker_app().app_context():
        dispatcher().sweep()


def purge_partials() -> int:
    """Delete unfinished responses past their retention (scheduled daily by workers/cron.py)."""
    with worker_app().app_context():
        purged = purge_stale_partials()
        db.session.commit()
        return purged


def purge_expired_responses() -> int:
    """Delete responses past their organisation's retention period (scheduled daily by workers/cron.py)."""
    with worker_app().app_context():
        purged = lifecycle.purge_expired_responses()
        db.session.commit()
        return purged


def recompute_benchmarks() -> None:
    """The nightly full recompute of every survey's statistics and every peer group's snapshot."""
    with worker_app().app_context():
        from app.benchmarks.services import recompute_benchmarks as recompute

        recompute()
        db.session.commit()
