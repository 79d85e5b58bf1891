import enum
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.enums import string_enum
from app.core.types import UTCDateTime, utcnow
from app.extensions import db


class MailState(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"


class OutgoingMail(db.Model):
    """An e-mail recorded with its cause and delivered by a background job."""

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[MailState] = mapped_column(string_enum(MailState), default=MailState.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
