from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db


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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships = relationship("Membership", back_populates="organisation", cascade="all, delete-orphan")
    surveys = relationship("Survey", back_populates="organisation")
