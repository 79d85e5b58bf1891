"""Hand recorded jobs to whoever runs them: RQ when Redis is configured, else a thread in the web process."""

import logging
import threading

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app.core.types import utcnow
from app.extensions import db
from app.jobs import services
from app.jobs.models import JobState, PendingJob
from app.jobs.tasks import TASKS

log = logging.getLogger(__name__)

EXTENSION_KEY = "grunnskjema_job_dispatcher"
RQ_JOB_FUNCTION = "workers.jobs.run_pending_job"
RUNNER_POLL_SECONDS = 5.0


def rq_job_id(pending_job_id: int) -> str:
    return f"pending-job-{pending_job_id}"


class RQDispatcher:
    def __init__(self, redis_url: str):
        self.redis_url = redis_url

    def connection(self):
        from redis import Redis

        return Redis.from_url(self.redis_url, socket_connect_timeout=2, socket_timeout=5)

    def dispatch(self, job_ids: list[int]) -> None:
        """Enqueue waiting jobs; if Redis is down they stay pending for the sweep."""
        from redis.exceptions import RedisError
        from rq import Queue

        with db.engine.begin() as conn:
            rows = conn.execute(
                select(PendingJob.id, PendingJob.task).where(
                    PendingJob.id.in_(job_ids), PendingJob.state == JobState.PENDING
                )
            ).all()
        enqueued = []
        try:
            redis = self.connection()
            for job_id, task_name in rows:
                task = TASKS[task_name]
                Queue(task.queue, connection=redis).enqueue(
                    RQ_JOB_FUNCTION,
                    job_id,
                    job_id=rq_job_id(job_id),
                    job_timeout=task.timeout_seconds,
                    failure_ttl=7 * 24 * 3600,
                )
                enqueued.append(job_id)
        except RedisError as error:
            log.warning("could not enqueue background jobs, the sweep will retry: %s", error)
        if enqueued:
            with db.engine.begin() as conn:
                conn.execute(
                    update(PendingJob)
                    .where(PendingJob.id.in_(enqueued), PendingJob.state == JobState.PENDING)
                    .values(state=JobState.QUEUED, enqueued_at=utcnow())
                )

    def sweep(self) -> None:
        """Re-dispatch work that a crash, a Redis restart or an outage left behind."""
        from rq.job import Job

        services.release_stalled_jobs()
        redis = self.connection()
        lost = [
            job.id for job in services.queued_jobs() if not Job.exists(rq_job_id(job.id), connection=redis)
        ]
        services.requeue_lost(lost)
        self.dispatch([job.id for job in services.due_jobs(limit=1000)])

    def ping(self) -> bool:
        return bool(self.connection().ping())


class ThreadRunner:
    """Drains pending work inside the development server when no Redis is configured."""

    def __init__(self, app: Flask):
        self.app = app
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def start(self) -> None:
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self._loop, name="background-runner", daemon=True)
                self.thread.start()

    def dispatch(self, job_ids: list[int]) -> None:
        self.wake.set()

    def sweep(self) -> None:
        services.run_due_jobs()

    def _loop(self) -> None:
        while True:
            self.wake.wait(timeout=RUNNER_POLL_SECONDS)
            self.wake.clear()
            with self.app.app_context():
                try:
                    services.run_due_jobs()
                except Exception:
                    log.exception("background runner pass failed")


class ManualRunner:
    """No automatic execution (tests, or production without Redis): `flask jobs run` drains the work."""

    def dispatch(self, job_ids: list[int]) -> None:
        return None

    def sweep(self) -> None:
        services.run_due_jobs()


def _after_commit(session: Session) -> None:
    job_ids = session.info.pop(services.NEW_JOBS_KEY, None)
    if not job_ids or not has_app_context():
        return
    try:
        current_app.extensions[EXTENSION_KEY].dispatch(job_ids)
    except Exception:
        log.exception("dispatching background jobs failed; they stay pending for the sweep")


def _after_rollback(session: Session) -> None:
    session.info.pop(services.NEW_JOBS_KEY, None)


def init_app(app: Flask) -> None:
    if app.config["REDIS_URL"]:
        dispatcher = RQDispatcher(app.config["REDIS_URL"])
    elif app.config["BACKGROUND_RUNNER"]:
        dispatcher = ThreadRunner(app)
        # Only a serving process starts the thread, never a CLI command.
        app.before_request(dispatcher.start)
    else:
        dispatcher = ManualRunner()
    app.extensions[EXTENSION_KEY] = dispatcher
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


def dispatcher() -> RQDispatcher | ThreadRunner | ManualRunner:
    return current_app.extensions[EXTENSION_KEY]
