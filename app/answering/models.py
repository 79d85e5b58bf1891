import secrets
from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import utcnow
from app.extensions import db


def _random_id() -> int:
    return secrets.randbelow(2**63 - 1) + 1


def _today() -> date:
    return utcnow().date()


class OptIn(db.Model):
    """An e-mail address given on the thank-you page for a newsletter or a prize draw.

    Deliberately nothing that could link it to the answers: no response or link id, no time of day
    (only the date), no IP address or user agent.
    """

    __tablename__ = "opt_in"

    # Random rather than counted up: ids in order of arrival could be lined up with responses.
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False, default=_random_id)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    opt_in_code: Mapped[str] = mapped_column(String(32))
    email: Mapped[str] = mapped_column(String(254))
    created_on: Mapped[date] = mapped_column(Date, default=_today)
