import enum
from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.enums import string_enum
from app.core.types import JSONDocument, UTCDateTime, utcnow
from app.extensions import db


class JobState(enum.StrEnum):
    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


WAITING_STATES = (JobState.PENDING.value, JobState.QUEUED.value)
# The partial unique index's predicate, written out literally: an upsert names it to find the index.
WAITING_PREDICATE = "state IN ('pending', 'queued')"


class PendingJob(db.Model):
    """Follow-up work recorded in the same transaction as its cause; the database is the source of truth."""

    __tablename__ = "pending_job"
    __table_args__ = (
        # At most one waiting job per coalescing key: a burst of causes yields one job.
        Index(
            "uq_pending_job_waiting_key",
            "coalesce_key",
            unique=True,
            sqlite_where=db.text(WAITING_PREDICATE),
            postgresql_where=db.text(WAITING_PREDICATE),
        ),
        Index("ix_pending_job_state", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(64))
    args: Mapped[dict] = mapped_column(JSONDocument)
    coalesce_key: Mapped[str] = mapped_column(String(128))
    state: Mapped[JobState] = mapped_column(string_enum(JobState), default=JobState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Not to be started before this moment (backoff after a failed attempt).
    run_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
