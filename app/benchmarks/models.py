from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import JSONDocument, UTCDateTime, utcnow
from app.extensions import db

# The question key of the row counting a revision's complete responses in a period.
RESPONSES_KEY = "*"
# The option code of the row describing the question as a whole.
WHOLE_QUESTION = ""


class BenchmarkCell(db.Model):
    """Sufficient statistics of one benchmarkable question (or one of its options) for one survey
    revision in one period. Rebuilt from the responses by a job; never edited by hand."""

    __tablename__ = "benchmark_cell"
    __table_args__ = (Index("ix_benchmark_cell_period_organisation", "period", "organisation_id"),)

    # No foreign keys: checking them cost a third of a rebuild's writes. Cells are derived data that
    # only a job writes, and deleting a survey deletes its cells (aggregation.forget_survey). The
    # survey leads the key, so that the cells of one survey (what an update after new responses
    # replaces) are found without an index of their own.
    survey_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_revision_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # "2026" for a calendar year, "2026-Q3" for a quarter (Europe/Oslo boundaries).
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    question_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    option_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    # A copy of the revision's organisation.
    organisation_id: Mapped[int] = mapped_column(Integer)
    # Responses that chose the option, or that answered the question for the whole-question row.
    responses: Mapped[int] = mapped_column(Integer)
    value_sum: Mapped[float | None] = mapped_column(Float)
    value_sum_sq: Mapped[float | None] = mapped_column(Float)


class BenchmarkWatermark(db.Model):
    """How far a survey's cells are up to date: a run that saw fewer responses never overwrites them."""

    __tablename__ = "benchmark_watermark"

    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True)
    response_watermark: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BenchmarkContribution(db.Model):
    """One organisation's figures for one question and period, as used by published snapshots.
    Content-addressed by a fingerprint, so a snapshot can leave the viewer's own figures out exactly
    as they were when it was published."""

    __tablename__ = "benchmark_contribution"
    __table_args__ = (
        UniqueConstraint(
            "organisation_id",
            "period",
            "question_key",
            "fingerprint",
            name="uq_benchmark_contribution_identity",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    question_key: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(40))
    # {option_code: [responses, value_sum, value_sum_sq]}; plain JSON, as the snapshot's members.
    cells: Mapped[dict] = mapped_column(JSON)


class BenchmarkSnapshot(db.Model):
    """The published figures of one peer group for one question and period.

    Holds what the comparison page needs and nothing it may show directly: every figure shown is
    computed from it with the viewing organisation left out and the disclosure rules applied."""

    __tablename__ = "benchmark_snapshot"
    __table_args__ = (
        UniqueConstraint("period", "group_key", "question_key"),
        # Every comparison page first finds the periods the viewer has figures in, from the few
        # country-wide snapshots of the response counts among tens of thousands.
        Index("ix_benchmark_snapshot_question_kind", "question_key", "group_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7))
    # e.g. "sector_fylke:NO:theatre:46"; the kind comes first, then the country and the other traits.
    group_key: Mapped[str] = mapped_column(String(120))
    group_kind: Mapped[str] = mapped_column(String(32))
    question_key: Mapped[str] = mapped_column(String(64))
    organisation_count: Mapped[int] = mapped_column(Integer)
    response_count: Mapped[int] = mapped_column(Integer)
    # {organisation_id: responses} of the organisations included: what the disclosure rules weigh.
    # Documents read whole by every report are plain JSON, not JSONB: PostgreSQL sends JSON text as
    # stored but rebuilds JSONB's text on every read, several milliseconds a report.
    members: Mapped[dict] = mapped_column(JSON)
    # {organisation_id: fingerprint of its contribution}: which figures of each member the snapshot
    # holds. Apart from `members` because only the nightly comparison and the viewer's own entry need it;
    # JSONB, so that the viewer's entry is looked up without reading the rest.
    fingerprints: Mapped[dict] = mapped_column(JSONDocument)
    # A digest of the fingerprints: an unchanged membership is recognised without reading them.
    membership_digest: Mapped[str] = mapped_column(String(40))
    # {option_code: [responses, value_sum, value_sum_sq]} summed over the members.
    totals: Mapped[dict] = mapped_column(JSON)
    # The members' own estimates per measure, for the typical organisation and quartiles: each
    # measure's values sorted, as little-endian float64, measure after measure (`distributions.py`);
    # the index lists [measure, count] in that order. Binary because the country group holds
    # thousands of values that every report would otherwise parse.
    distribution_index: Mapped[list] = mapped_column(JSON)
    distributions: Mapped[bytes] = mapped_column(LargeBinary)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Incremented each time new figures replace the old ones.
    generation: Mapped[int] = mapped_column(Integer, default=1)
    # An organisation left and too few others changed to publish new figures safely: nothing is
    # shown (the old figures would still hold the leaver's answers) until enough have changed.
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)


class BenchmarkQuestionMap(db.Model):
    """Which answer codes of a survey revision are benchmarkable, and under which key and kind.
    A table rather than Python so that aggregation is one join in the database."""

    __tablename__ = "benchmark_question_map"

    survey_revision_id: Mapped[int] = mapped_column(
        ForeignKey("survey_revision.id", ondelete="CASCADE"), primary_key=True
    )
    answer_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    question_key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
