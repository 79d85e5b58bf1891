"""Sufficient statistics per organisation, survey revision, question and period, recomputed from the
responses in the database.

Every run recomputes whole surveys and replaces their cells in the caller's transaction, so it is
idempotent: running it twice, or after a crash half-way, gives the same cells as a clean run. A run
that saw fewer responses than the stored watermark leaves the newer cells alone.
"""

from sqlalchemy import case, delete, func, insert, literal, select, text, update
from sqlalchemy.sql.elements import ColumnElement

from app.benchmarks.models import (
    RESPONSES_KEY,
    WHOLE_QUESTION,
    BenchmarkCell,
    BenchmarkQuestionMap,
    BenchmarkWatermark,
)
from app.benchmarks.periods import quarter_of
from app.benchmarks.questions import Kind, benchmark_questions, newest_codes
from app.core.sql import upsert_insert
from app.core.types import utcnow
from app.extensions import db
from app.responses.models import Answer, Response, ResponseStatus
from app.surveys.models import SurveyRevision

CELL_COLUMNS = [
    BenchmarkCell.survey_revision_id,
    BenchmarkCell.period,
    BenchmarkCell.question_key,
    BenchmarkCell.option_code,
    BenchmarkCell.survey_id,
    BenchmarkCell.organisation_id,
    BenchmarkCell.responses,
    BenchmarkCell.value_sum,
    BenchmarkCell.value_sum_sq,
]


def aggregate_survey(survey_id: int) -> bool:
    """Recompute one survey's cells (the job after new or deleted responses). False when a newer run
    already stored more than this one would see."""
    _lock_watermark(survey_id)
    watermark = db.session.scalar(
        select(func.coalesce(func.max(Response.id), 0)).where(*_counted(), Response.survey_id == survey_id)
    )
    stored = db.session.get(BenchmarkWatermark, survey_id)
    if watermark < stored.response_watermark:
        return False
    revision_ids = list(
        db.session.scalars(select(SurveyRevision.id).where(SurveyRevision.survey_id == survey_id))
    )
    _map_questions(revision_ids, newest_codes())
    db.session.execute(delete(BenchmarkCell).where(BenchmarkCell.survey_id == survey_id))
    _insert_cells(survey_id)
    stored.response_watermark = watermark
    stored.computed_at = utcnow()
    db.session.flush()
    return True


def rebuild_all_cells() -> None:
    """Recompute every survey's cells from scratch (the nightly recompute, and after a new base version
    declares codes comparable)."""
    revision_ids = list(
        db.session.scalars(select(SurveyRevision.id).where(SurveyRevision.published_at.is_not(None)))
    )
    db.session.execute(delete(BenchmarkQuestionMap))
    _map_questions(revision_ids, newest_codes())
    _analyze_question_map()
    db.session.execute(delete(BenchmarkCell))
    _insert_cells(None)
    latest = (
        select(
            Response.survey_id,
            func.max(Response.id),
            literal(utcnow(), BenchmarkWatermark.computed_at.type),
        )
        .where(*_counted())
        .group_by(Response.survey_id)
    )
    db.session.execute(delete(BenchmarkWatermark))
    db.session.execute(
        insert(BenchmarkWatermark).from_select(["survey_id", "response_watermark", "computed_at"], latest)
    )
    db.session.flush()


def _analyze_question_map() -> None:
    """The map was refilled in this transaction, so PostgreSQL would plan the joins below with a
    guess of a few rows per revision: sorts to disk and nested loops instead of hash aggregates,
    several times slower on a million responses. ANALYZE sees the transaction's own rows."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ANALYZE benchmark_question_map"))


def forget_deleted_responses(survey_id: int) -> None:
    """Called in the transaction that deletes responses: the watermark may now be above every
    remaining response, which must not stop the next run from counting what is left."""
    db.session.execute(
        update(BenchmarkWatermark)
        .where(BenchmarkWatermark.survey_id == survey_id)
        .values(response_watermark=0)
    )


def _lock_watermark(survey_id: int) -> None:
    """Serialise runs for one survey: the second run waits, then sees everything the first committed."""
    db.session.execute(
        upsert_insert(BenchmarkWatermark)
        .values(survey_id=survey_id, response_watermark=0, computed_at=utcnow())
        .on_conflict_do_nothing(index_elements=["survey_id"])
    )
    db.session.execute(
        select(BenchmarkWatermark).where(BenchmarkWatermark.survey_id == survey_id).with_for_update()
    )


# Answers of benchmarkable questions, each with its key and kind: the join every answer pass uses.
_MAPPED_ANSWERS = Answer.__table__.join(Response.__table__, Response.id == Answer.response_id).join(
    BenchmarkQuestionMap.__table__,
    (BenchmarkQuestionMap.survey_revision_id == Response.survey_revision_id)
    & (BenchmarkQuestionMap.answer_code == Answer.question_code),
)


def _counted() -> list[ColumnElement]:
    """Only complete, real responses enter benchmarks: never partial answers or test answers."""
    return [Response.status == ResponseStatus.COMPLETE, Response.is_test.is_(False)]


def _map_questions(revision_ids: list[int], renamed: dict[str, str]) -> None:
    mapped = set(
        db.session.scalars(
            select(BenchmarkQuestionMap.survey_revision_id)
            .where(BenchmarkQuestionMap.survey_revision_id.in_(revision_ids))
            .distinct()
        )
    )
    rows = []
    for revision_id, definition in db.session.execute(
        select(SurveyRevision.id, SurveyRevision.definition).where(
            SurveyRevision.id.in_(set(revision_ids) - mapped), SurveyRevision.published_at.is_not(None)
        )
    ):
        rows.extend(
            {
                "survey_revision_id": revision_id,
                "answer_code": q.answer_code,
                "question_key": q.key,
                "kind": q.kind,
            }
            for q in benchmark_questions(definition, renamed)
        )
    if rows:
        db.session.execute(insert(BenchmarkQuestionMap), rows)


def _insert_cells(survey_id: int | None) -> None:
    """Fill the cells of one survey's responses (or everyone's) with a few INSERT … SELECTs."""
    where = _counted() + ([Response.survey_id == survey_id] if survey_id is not None else [])
    dialect = db.session.get_bind().dialect.name
    first, last = db.session.execute(
        select(func.min(Response.submitted_at), func.max(Response.submitted_at)).where(*where)
    ).one()
    quarter = quarter_of(Response.submitted_at, dialect, first, last).label("period")

    _insert_option_cells(where, quarter)
    _insert_question_totals(survey_id)
    _insert_multiple_choice_totals(where, quarter)
    _insert_response_counts(where, quarter)
    _insert_years(survey_id)


def _insert_option_cells(where: list[ColumnElement], quarter: ColumnElement) -> None:
    nps_group = case(
        (Answer.number_value >= 9, "promoter"), (Answer.number_value >= 7, "passive"), else_="detractor"
    )
    option = case(
        (BenchmarkQuestionMap.kind == Kind.NPS.value, nps_group),
        (BenchmarkQuestionMap.kind == Kind.MEAN.value, WHOLE_QUESTION),
        else_=Answer.option_code,
    ).label("option_code")
    grouped = (
        select(
            Response.survey_revision_id,
            quarter,
            BenchmarkQuestionMap.question_key,
            option,
            Response.survey_id,
            Response.organisation_id,
            func.count().label("responses"),
            func.sum(Answer.number_value).label("value_sum"),
            func.sum(Answer.number_value * Answer.number_value).label("value_sum_sq"),
        )
        .select_from(_MAPPED_ANSWERS)
        .where(*where)
        .group_by(
            Response.survey_revision_id,
            quarter,
            BenchmarkQuestionMap.question_key,
            option,
            Response.survey_id,
            Response.organisation_id,
        )
    )
    _insert(grouped)


def _insert_question_totals(survey_id: int | None) -> None:
    """Whole-question rows of questions with one option per response: the sum of their option rows."""
    cell = BenchmarkCell
    per_option = (
        select(
            cell.survey_revision_id,
            cell.period,
            cell.question_key,
            literal(WHOLE_QUESTION).label("option_code"),
            cell.survey_id,
            cell.organisation_id,
            func.sum(cell.responses),
            func.sum(cell.value_sum),
            func.sum(cell.value_sum_sq),
        )
        .join(
            BenchmarkQuestionMap,
            (BenchmarkQuestionMap.survey_revision_id == cell.survey_revision_id)
            & (BenchmarkQuestionMap.question_key == cell.question_key),
        )
        .where(
            BenchmarkQuestionMap.kind.in_([Kind.CHOICE.value, Kind.NPS.value]),
            cell.option_code != WHOLE_QUESTION,
            *_cells_of(survey_id),
        )
        .group_by(
            cell.survey_revision_id, cell.period, cell.question_key, cell.survey_id, cell.organisation_id
        )
    )
    _insert(per_option)


def _insert_multiple_choice_totals(where: list[ColumnElement], quarter: ColumnElement) -> None:
    """Whole-question rows of multiple choice: responses that chose at least one option."""
    grouped = (
        select(
            Response.survey_revision_id,
            quarter,
            BenchmarkQuestionMap.question_key,
            literal(WHOLE_QUESTION).label("option_code"),
            Response.survey_id,
            Response.organisation_id,
            func.count(func.distinct(Response.id)),
            literal(None),
            literal(None),
        )
        .select_from(_MAPPED_ANSWERS)
        .where(*where, BenchmarkQuestionMap.kind == Kind.MULTIPLE.value)
        .group_by(
            Response.survey_revision_id,
            quarter,
            BenchmarkQuestionMap.question_key,
            Response.survey_id,
            Response.organisation_id,
        )
    )
    _insert(grouped)


def _insert_response_counts(where: list[ColumnElement], quarter: ColumnElement) -> None:
    grouped = (
        select(
            Response.survey_revision_id,
            quarter,
            literal(RESPONSES_KEY).label("question_key"),
            literal(WHOLE_QUESTION).label("option_code"),
            Response.survey_id,
            Response.organisation_id,
            func.count(),
            literal(None),
            literal(None),
        )
        .where(*where)
        .group_by(Response.survey_revision_id, quarter, Response.survey_id, Response.organisation_id)
    )
    _insert(grouped)


def _insert_years(survey_id: int | None) -> None:
    """Year rows are the sums of their quarters: every statistic kept is additive."""
    cell = BenchmarkCell
    year = func.substr(cell.period, 1, 4).label("period")
    grouped = (
        select(
            cell.survey_revision_id,
            year,
            cell.question_key,
            cell.option_code,
            cell.survey_id,
            cell.organisation_id,
            func.sum(cell.responses),
            func.sum(cell.value_sum),
            func.sum(cell.value_sum_sq),
        )
        .where(cell.period.like("%-Q%"), *_cells_of(survey_id))
        .group_by(
            cell.survey_revision_id,
            year,
            cell.question_key,
            cell.option_code,
            cell.survey_id,
            cell.organisation_id,
        )
    )
    _insert(grouped)


def _insert(rows) -> None:
    db.session.execute(insert(BenchmarkCell).from_select([c.key for c in CELL_COLUMNS], rows))


def _cells_of(survey_id: int | None) -> list[ColumnElement]:
    return [BenchmarkCell.survey_id == survey_id] if survey_id is not None else []
