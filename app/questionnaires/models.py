from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import JSONDocument, UTCDateTime, utcnow
from app.extensions import db


class LoadedDefinition:
    """Columns shared by every definition loaded from the repository."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    version: Mapped[str] = mapped_column(String(32))
    # Zero-padded form of the dotted version so that "2026.10" sorts after "2026.9".
    sort_key: Mapped[str] = mapped_column(String(64))
    title: Mapped[dict] = mapped_column(JSONDocument)
    definition: Mapped[dict] = mapped_column(JSONDocument)
    content_hash: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuestionnaireVersion(LoadedDefinition, db.Model):
    """One version of the base questionnaire, as loaded from `questionnaires/`."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (
        UniqueConstraint("code", "version"),
        db.Index("ix_questionnaire_version_sort_key", "sort_key"),
    )


class BankModule(LoadedDefinition, db.Model):
    """One version of a question-bank module, as loaded from `question_bank/`."""

    __tablename__ = "bank_module"
    __table_args__ = (UniqueConstraint("code", "version"),)

    topic: Mapped[str] = mapped_column(String(32))
