from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import JSONDocument, UTCDateTime, utcnow
from app.extensions import db


class DemoSeed(db.Model):
    """The options the demo data was generated with, so a rerun can tell whether anything would change."""

    __tablename__ = "demo_seed"

    id: Mapped[int] = mapped_column(primary_key=True)
    options: Mapped[dict] = mapped_column(JSONDocument)
    logins: Mapped[list] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
