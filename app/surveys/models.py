import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.core.enums import string_enum
from app.core.types import JSONDocument, UTCDateTime, utcnow
from app.extensions import db


class SurveyStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    PUBLISHED = "published"
    CLOSED = "closed"
    ARCHIVED = "archived"


class Survey(db.Model):
    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[SurveyStatus] = mapped_column(string_enum(SurveyStatus), default=SurveyStatus.DRAFT)
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_version.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # When the links stopped taking answers; None while they are open. Kept apart from the status
    # because a closed survey may get a new revision (status draft) while its links stay closed.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation", back_populates="surveys")
    base_version = relationship("QuestionnaireVersion")
    revisions = relationship(
        "SurveyRevision",
        back_populates="survey",
        order_by="SurveyRevision.number",
        cascade="all, delete-orphan",
    )
    collectors = relationship(
        "Collector", back_populates="survey", order_by="Collector.id", cascade="all, delete-orphan"
    )


class SurveyRevision(db.Model):
    """A frozen definition of a survey; responses always point at the revision they answered."""

    __tablename__ = "survey_revision"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    survey = relationship("Survey", back_populates="revisions")


class FrozenRevisionError(RuntimeError):
    """A published revision's definition was about to change; answers would lose their meaning."""


@event.listens_for(SurveyRevision, "before_update")
def _refuse_changes_to_published_definitions(mapper, connection, revision: SurveyRevision) -> None:
    state = inspect(revision)
    was_published = state.attrs.published_at.history.unchanged or state.attrs.published_at.history.deleted
    if any(was_published) and state.attrs.definition.history.has_changes():
        raise FrozenRevisionError(f"revision {revision.id} is published; create a new revision instead")


class Collector(db.Model):
    """A shared link (and its QR code) through which the audience answers a survey."""

    __tablename__ = "collector"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    event_tag: Mapped[str | None] = mapped_column(String(64))
    event_date: Mapped[date | None] = mapped_column(Date)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_cap: Mapped[int | None] = mapped_column(Integer)
    # An on-site tablet takes one response after another; a normal link answers "already answered".
    allow_repeat: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Responses through a test link never count in results or benchmarks.
    is_test: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # New respondents answer the newest published revision; deferred, loaded where answering needs it.
    published_revision_id: Mapped[int | None] = column_property(
        select(SurveyRevision.id)
        .where(SurveyRevision.survey_id == survey_id, SurveyRevision.published_at.is_not(None))
        .order_by(SurveyRevision.number.desc())
        .limit(1)
        .correlate_except(SurveyRevision)
        .scalar_subquery(),
        deferred=True,
    )

    survey = relationship("Survey", back_populates="collectors")


class SurveyEvent(db.Model):
    """One step in a survey's lifecycle: who did what, when, to which revision, with what message."""

    __tablename__ = "survey_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    revision_number: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    # None when the event created the survey.
    from_status: Mapped[SurveyStatus | None] = mapped_column(string_enum(SurveyStatus))
    to_status: Mapped[SurveyStatus] = mapped_column(string_enum(SurveyStatus))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor = relationship("User")
