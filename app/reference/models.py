from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import JSONDocument
from app.extensions import db


class ReferenceItem(db.Model):
    """One entry of a reference list (sector, fylke, size band, country), loaded from data files."""

    __tablename__ = "reference_item"
    __table_args__ = (UniqueConstraint("list_name", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_name: Mapped[str] = mapped_column(String(32), index=True)
    code: Mapped[str] = mapped_column(String(32))
    labels: Mapped[dict] = mapped_column(JSONDocument)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # Historic entries (e.g. fylker before 2024) stay for time series but are not offered for new data.
    valid_from: Mapped[int | None] = mapped_column(Integer)
    valid_to: Mapped[int | None] = mapped_column(Integer)
    replaced_by: Mapped[list | None] = mapped_column(JSONDocument)
