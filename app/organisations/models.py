import enum
from datetime import datetime

from sqlalchemy import Boolean, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.enums import string_enum
from app.core.types import JSONDocument, UTCDateTime, utcnow
from app.extensions import db


class ReviewRule(enum.StrEnum):
    """When a survey needs an NPU advisor's approval before it may be published."""

    ALWAYS = "always"
    FIRST_SURVEY = "first_survey"
    NEVER = "never"


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    orgnr: Mapped[str] = mapped_column(String(9), unique=True)
    sector_code: Mapped[str] = mapped_column(String(32), index=True)
    fylke_code: Mapped[str] = mapped_column(String(8), index=True)
    country_code: Mapped[str] = mapped_column(String(2), default="NO")
    size_band_code: Mapped[str | None] = mapped_column(String(32))
    is_member: Mapped[bool] = mapped_column(Boolean, default=True)
    benchmark_opt_in: Mapped[bool] = mapped_column(Boolean, default=True)
    review_rule: Mapped[ReviewRule] = mapped_column(
        string_enum(ReviewRule), default=ReviewRule.FIRST_SURVEY, server_default=ReviewRule.FIRST_SURVEY.value
    )
    # Shown on respondent pages; the colour is checked for contrast when it is set.
    accent_colour: Mapped[str | None] = mapped_column(String(7))
    # Deferred: every survey page loads the organisation, only the logo's own URL needs the bytes.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_content_type: Mapped[str | None] = mapped_column(String(32))
    # Origins (https://host) allowed to embed the organisation's survey pages in a frame.
    embed_origins: Mapped[list | None] = mapped_column(JSONDocument)
    # Responses older than this many months are deleted by the daily purge; None keeps them.
    response_retention_months: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships = relationship("Membership", back_populates="organisation", cascade="all, delete-orphan")
    surveys = relationship("Survey", back_populates="organisation")
