import enum
from datetime import datetime

from sqlalchemy import DDL, Boolean, Float, ForeignKey, Index, Integer, SmallInteger, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.enums import string_enum
from app.core.types import UTCDateTime, utcnow
from app.extensions import db


class ResponseStatus(enum.StrEnum):
    PARTIAL = "partial"
    COMPLETE = "complete"
    SCREENED_OUT = "screened_out"


class Response(db.Model):
    """One respondent's answers. Deliberately holds no user id, IP address or user agent."""

    __tablename__ = "response"
    __table_args__ = (Index("ix_response_survey_submitted", "survey_id", "submitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    survey_revision_id: Mapped[int] = mapped_column(ForeignKey("survey_revision.id"), index=True)
    collector_id: Mapped[int | None] = mapped_column(ForeignKey("collector.id", ondelete="SET NULL"))
    # Denormalised so tenant scoping and aggregation need no join through the survey.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[ResponseStatus] = mapped_column(
        string_enum(ResponseStatus), default=ResponseStatus.PARTIAL
    )
    language: Mapped[str] = mapped_column(String(5))
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)
    is_imported: Mapped[bool] = mapped_column(Boolean, default=False)
    # Unique per submission so that a double submit stores one response.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    # Hash of the key kept in the respondent's browser to resume; never anything about the person.
    resume_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Index of the next section to show when resuming.
    next_section: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)

    answers = relationship("Answer", back_populates="response", cascade="all, delete-orphan")


class Answer(db.Model):
    """One value for one question code; multiple choice gives one row per selected option."""

    __tablename__ = "answer"
    # The answers to one question in response order, with the option chosen: results filters probe
    # it by question and response for the responses choosing an option, without the table. It
    # replaces an index on (question_code, option_code), which made them read every survey's answers
    # to the question: one more index would cost every answer insert.
    __table_args__ = (
        Index("ix_answer_question_response_option", "question_code", "response_id", "option_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    question_code: Mapped[str] = mapped_column(String(32))
    option_code: Mapped[str | None] = mapped_column(String(32))
    number_value: Mapped[float | None] = mapped_column(Float)
    text_value: Mapped[str | None] = mapped_column(Text)
    # The row's place among the rows of its question in its response: 1 for a single value, 1, 2, …
    # for the options of a multiple choice. The rows numbered 1 count the question's respondents in
    # the benchmark rebuild's one pass over the answers, with no distinct count of responses.
    ordinal: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")

    response = relationship("Response", back_populates="answers")


# PostgreSQL estimates the groups of answers per question and option as the product of the two
# columns' distinct values (each option code belongs to one question): millions instead of the
# thousands there are, enough to make it sort the benchmark rebuild's aggregate on disk rather than
# hash it in memory. Statistics on the pair give it the true number. Migration 0012 adds them too.
event.listen(
    Answer.__table__,
    "after_create",
    DDL(
        "CREATE STATISTICS st_answer_question_option (ndistinct) ON question_code, option_code FROM answer"
    ).execute_if(dialect="postgresql"),
)


class ResponseSummary(db.Model):
    """Response counts per survey, maintained by a background job."""

    __tablename__ = "response_summary"

    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True)
    complete_count: Mapped[int] = mapped_column(Integer, default=0)
    partial_count: Mapped[int] = mapped_column(Integer, default=0)
    last_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Highest response id included: a stale run never overwrites a newer result.
    watermark: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
