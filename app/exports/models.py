import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.core.enums import string_enum
from app.core.types import UTCDateTime, utcnow
from app.extensions import db


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    CSV_EXCEL_NB = "csv_excel_nb"
    XLSX = "xlsx"
    SAV = "sav"


class ExportScope(enum.StrEnum):
    COMPLETE = "complete"
    ALL = "all"  # complete, partial and screened-out responses


class ExportState(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ExportRequest(db.Model):
    """One export of a survey's responses: the request, its progress, the file while it is kept.

    The row outlives the file: it is the audit log of who exported what and when.
    """

    __tablename__ = "export_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # Kept (set to null) when the survey is deleted, so the log still says an export took place.
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id", ondelete="SET NULL"), index=True)
    survey_title: Mapped[str] = mapped_column(String(200))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    format: Mapped[ExportFormat] = mapped_column(string_enum(ExportFormat))
    scope: Mapped[ExportScope] = mapped_column(string_enum(ExportScope))
    language: Mapped[str] = mapped_column(String(5))
    include_test: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[ExportState] = mapped_column(string_enum(ExportState), default=ExportState.PENDING)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    # For operators; the page shows a general message.
    error: Mapped[str | None] = mapped_column(Text)
    response_count: Mapped[int | None] = mapped_column(Integer)
    file_name: Mapped[str | None] = mapped_column(String(200))
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the file was deleted; the row stays.
    file_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requested_by = relationship("User")
