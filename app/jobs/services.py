"""Recording, claiming and running background work.

Work is recorded as a `PendingJob` row in the caller's transaction. After the commit a dispatcher
hands it to RQ (or to the in-process runner), and a periodic sweep catches anything a crash or a
Redis restart lost. Execution claims a row with a conditional UPDATE, so it runs at most once at a time.
"""

import importlib
import logging
from datetime import timedelta

from sqlalchemy import select, text, update

from app.core.sql import built_once, upsert_insert
from app.core.types import utcnow
from app.extensions import db
from app.jobs.models import WAITING_PREDICATE, WAITING_STATES, JobState, PendingJob
from app.jobs.tasks import RETRY_BACKOFF_SECONDS, TASKS

log = logging.getLogger(__name__)

NEW_JOBS_KEY = "grunnskjema_new_pending_jobs"


def record_job(task: str, coalesce_key: str | None = None, **args) -> int | None:
    """Record work to do after the current transaction commits. Returns the new job's id, or None
    when identical work is already waiting (a burst of causes yields one job)."""
    if task not in TASKS:
        raise KeyError(f"unknown background task {task!r}")
    key = coalesce_key or f"{task}:" + ",".join(f"{k}={args[k]}" for k in sorted(args))
    # One statement whether or not the work is already waiting: this runs in every submission.
    job_id = db.session.scalar(
        _new_job(),
        {
            "task": task,
            "args": args,
            "coalesce_key": key,
            "state": JobState.PENDING,
            "attempts": 0,
            "created_at": utcnow(),
        },
    )
    if job_id is not None:
        db.session.info.setdefault(NEW_JOBS_KEY, []).append(job_id)
    return job_id


@built_once
def _new_job():
    """A pending job unless the same work is already waiting (then no row)."""
    return (
        upsert_insert(PendingJob)
        .on_conflict_do_nothing(index_elements=[PendingJob.coalesce_key], index_where=text(WAITING_PREDICATE))
        .returning(PendingJob.id)
    )


def claim(job_id: int) -> bool:
    """Move a waiting job to running; False if someone else has it or it is already finished."""
    now = utcnow()
    result = db.session.execute(
        update(PendingJob)
        .where(PendingJob.id == job_id, PendingJob.state.in_(WAITING_STATES))
        .values(state=JobState.RUNNING, attempts=PendingJob.attempts + 1, started_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def execute_pending_job(job_id: int) -> bool:
    """Run one recorded job if it can be claimed. Errors are recorded and raised again."""
    if not claim(job_id):
        log.info("pending job %s is not waiting; nothing to do", job_id)
        return False
    job = db.session.get(PendingJob, job_id)
    task = TASKS[job.task]
    try:
        _resolve(task.function)(**job.args)
        job.state = JobState.DONE
        job.finished_at = utcnow()
        job.last_error = None
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        job = db.session.get(PendingJob, job_id)
        _record_failure(job, task, error)
        db.session.commit()
        raise
    return True


def _record_failure(job: PendingJob, task, error: Exception) -> None:
    job.last_error = f"{type(error).__name__}: {error}"[:2000]
    if job.attempts >= task.max_attempts or _same_work_waiting(job):
        job.state = JobState.FAILED
        job.finished_at = utcnow()
    else:
        backoff = RETRY_BACKOFF_SECONDS[min(job.attempts, len(RETRY_BACKOFF_SECONDS)) - 1]
        job.state = JobState.PENDING
        job.run_after = utcnow() + timedelta(seconds=backoff)


def _resolve(dotted: str):
    module_name, function_name = dotted.split(":")
    return getattr(importlib.import_module(module_name), function_name)


def due_jobs(limit: int = 100) -> list[PendingJob]:
    """Pending jobs whose backoff has passed, oldest first."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(PendingJob)
            .where(
                PendingJob.state == JobState.PENDING,
                (PendingJob.run_after.is_(None)) | (PendingJob.run_after <= now),
            )
            .order_by(PendingJob.id)
            .limit(limit)
        )
    )


def run_due_jobs() -> int:
    """Run every due job in this process (the embedded runner and `flask jobs run`)."""
    release_stalled_jobs()
    ran = 0
    for job_id in [job.id for job in due_jobs()]:
        try:
            ran += execute_pending_job(job_id)
        except Exception:
            log.exception("background job %s failed", job_id)
    return ran


def release_stalled_jobs() -> int:
    """Put jobs whose runner died (running far beyond their timeout) back to pending, or end them
    as failed when the same work has been recorded again and is waiting."""
    now = utcnow()
    released = 0
    running = list(db.session.scalars(select(PendingJob).where(PendingJob.state == JobState.RUNNING)))
    for job in running:
        limit = timedelta(seconds=2 * TASKS[job.task].timeout_seconds)
        if job.started_at is not None and now - job.started_at > limit:
            if _same_work_waiting(job):
                job.state = JobState.FAILED
                job.finished_at = now
            else:
                job.state = JobState.PENDING
            job.last_error = "runner stopped before finishing"
            released += 1
    db.session.commit()
    return released


def _same_work_waiting(job: PendingJob) -> bool:
    """A running job is not waiting, so the same work may be recorded again meanwhile; only one job
    per key may wait (the unique index), and that one does the work."""
    return (
        db.session.scalar(
            select(PendingJob.id)
            .where(
                PendingJob.coalesce_key == job.coalesce_key,
                PendingJob.state.in_(WAITING_STATES),
                PendingJob.id != job.id,
            )
            .limit(1)
        )
        is not None
    )


def queued_jobs() -> list[PendingJob]:
    return list(db.session.scalars(select(PendingJob).where(PendingJob.state == JobState.QUEUED)))


def requeue_lost(job_ids: list[int]) -> None:
    """Queued jobs that the queue no longer knows (e.g. Redis restarted) go back to pending."""
    if not job_ids:
        return
    db.session.execute(
        update(PendingJob)
        .where(PendingJob.id.in_(job_ids), PendingJob.state == JobState.QUEUED)
        .values(state=JobState.PENDING)
    )
    db.session.commit()
