"""Sufficient statistics per organisation, survey revision, question and period, recomputed from the
responses in the database.

The database aggregates answers per revision, quarter, answer code, option and NPS group in one
query; Python maps that small result onto question keys and derives the whole-question, response
count and year rows. A run replaces the cells it recomputes in the caller's transaction, so it is
idempotent: running it twice, or after a crash half-way, gives the same cells as a clean run. A run
that saw fewer responses than the stored watermark leaves the newer cells alone.
"""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import Subquery, delete, func, insert, literal, or_, select, text, union_all, update
from sqlalchemy.sql.elements import ColumnElement

from app.benchmarks.models import (
    RESPONSES_KEY,
    WHOLE_QUESTION,
    BenchmarkCell,
    BenchmarkQuestionMap,
    BenchmarkWatermark,
)
from app.benchmarks.periods import is_quarter, quarter_starts, year_of
from app.benchmarks.questions import NPS_GROUPS, Kind, benchmark_questions, newest_codes
from app.core.sql import upsert_insert
from app.core.types import UTCDateTime, utcnow
from app.extensions import db
from app.responses.models import Answer, Response, ResponseStatus
from app.surveys.models import SurveyRevision

CELL_COLUMNS = [
    "survey_revision_id",
    "period",
    "question_key",
    "option_code",
    "survey_id",
    "organisation_id",
    "responses",
    "value_sum",
    "value_sum_sq",
]

# (survey_revision_id, period, question_key, option_code) → [responses, value_sum, value_sum_sq]
Cells = dict[tuple[int, str, str, str], list]


def aggregate_survey(survey_id: int) -> bool:
    """Bring one survey's cells up to date (the job after new or deleted responses): recompute the
    quarters whose responses changed, and their years. False when a newer run already stored more
    than this one would see."""
    _lock_watermark(survey_id)
    _plan_for_one_survey()
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
    where = [*_counted(), Response.survey_id == survey_id]
    quarters = _quarters(where)
    changed = _changed_quarters(survey_id, where, quarters, stored.response_watermark)
    if changed:
        _replace_periods(survey_id, where, quarters, changed)
    stored.response_watermark = watermark
    stored.computed_at = utcnow()
    db.session.flush()
    return True


def rebuild_all_cells() -> None:
    """Recompute every survey's cells from scratch (the nightly recompute, and after a new base version
    declares codes comparable)."""
    postgresql = _is_postgresql()
    if postgresql:
        # PostgreSQL overestimates the groups (it multiplies the distinct values of every grouping
        # column) and so, with the default 4 MB, sorts them on disk instead of hashing the few
        # hundred thousand there are, and finds sending each worker's partial groups to the leader
        # too dear to aggregate in parallel. JIT-compiling the aggregates costs more than it saves.
        db.session.execute(text("SET LOCAL work_mem = '256MB'"))
        db.session.execute(text("SET LOCAL parallel_tuple_cost = 0.001"))
        db.session.execute(text("SET LOCAL jit = off"))
    revision_ids = list(
        db.session.scalars(select(SurveyRevision.id).where(SurveyRevision.published_at.is_not(None)))
    )
    db.session.execute(delete(BenchmarkQuestionMap))
    _map_questions(revision_ids, newest_codes())
    _analyze_question_map()
    where = _counted()
    cells, owners = _quarter_cells(where, _quarters(where))
    db.session.execute(delete(BenchmarkCell))
    _write({**cells, **_years(cells)}, owners, copy=postgresql)
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


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _plan_for_one_survey() -> None:
    """One survey's answers are a sliver of the answer table: found through the response index and
    answer.response_id they take milliseconds, but PostgreSQL's default random_page_cost of 4 (tuned
    for spinning disks) makes it read the whole table instead, and JIT-compile the statements."""
    if _is_postgresql():
        db.session.execute(text("SET LOCAL random_page_cost = 1.1"))
        db.session.execute(text("SET LOCAL jit = off"))


def _analyze_question_map() -> None:
    """The map was refilled in this transaction, so PostgreSQL would plan the multiple-choice join
    with a guess of a few rows per revision: sorts to disk and nested loops instead of hash joins.
    ANALYZE sees the transaction's own rows."""
    if _is_postgresql():
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


def _quarters(where: list[ColumnElement]) -> list[tuple[str, datetime, datetime]]:
    """(label, start, end) in UTC of every quarter from the first counted response to the last."""
    first, last = db.session.execute(
        select(func.min(Response.submitted_at), func.max(Response.submitted_at)).where(*where)
    ).one()
    if first is None:
        return []
    starts = quarter_starts(first, last)
    return [(label, start, end) for (label, start), (_, end) in zip(starts, starts[1:], strict=False)]


def _quarter_table(quarters: list[tuple[str, datetime, datetime]]) -> Subquery:
    """The quarters as a small table to join responses to by their UTC boundaries: far cheaper per
    answer row than converting every timestamp to Oslo time, the same on every database, and a
    join column whose few distinct values PostgreSQL can count when it plans the aggregates (an
    expression over submitted_at would make it expect a group per response)."""
    rows = [
        select(
            literal(label).label("label"),
            literal(start, UTCDateTime).label("starts"),
            literal(end, UTCDateTime).label("ends"),
        )
        for label, start, end in quarters
    ]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("quarter")


def _in_quarter(quarter: Subquery) -> ColumnElement:
    return (Response.submitted_at >= quarter.c.starts) & (Response.submitted_at < quarter.c.ends)


def _changed_quarters(
    survey_id: int, where: list[ColumnElement], quarters: list[tuple[str, datetime, datetime]], stored: int
) -> set[str]:
    """Quarters holding responses newer than the stored watermark, or whose count of responses no
    longer matches the stored cells (a partial response completed later keeps its older id). A
    watermark reset by a deletion (0) means every quarter."""
    quarter = _quarter_table(quarters)
    current = {
        (revision_id, period): (count, newest)
        for revision_id, period, count, newest in db.session.execute(
            select(Response.survey_revision_id, quarter.c.label, func.count(), func.max(Response.id))
            .join(quarter, _in_quarter(quarter))
            .where(*where)
            .group_by(Response.survey_revision_id, quarter.c.label)
        )
    }
    stored_counts = {
        (revision_id, period): responses
        for revision_id, period, responses in db.session.execute(
            select(BenchmarkCell.survey_revision_id, BenchmarkCell.period, BenchmarkCell.responses).where(
                BenchmarkCell.survey_id == survey_id,
                BenchmarkCell.question_key == RESPONSES_KEY,
                BenchmarkCell.period.like("%-Q%"),
            )
        )
    }
    if stored == 0 or not quarters:
        return {period for _, period in current.keys() | stored_counts.keys()}
    changed = {
        key for key, (count, newest) in current.items() if newest > stored or stored_counts.get(key) != count
    }
    return {period for _, period in changed | (stored_counts.keys() - current.keys())}


def _replace_periods(
    survey_id: int,
    where: list[ColumnElement],
    quarters: list[tuple[str, datetime, datetime]],
    changed: set[str],
) -> None:
    """Recompute the changed quarters from their responses, and their years from those quarters and
    the stored cells of the year's other quarters."""
    years = {year_of(period) for period in changed}
    ranges = [
        (Response.submitted_at >= literal(start, UTCDateTime))
        & (Response.submitted_at < literal(end, UTCDateTime))
        for label, start, end in quarters
        if label in changed
    ]
    cells, owners = _quarter_cells([*where, or_(*ranges)], quarters) if ranges else ({}, {})
    others = {}
    for row in db.session.execute(
        select(BenchmarkCell).where(
            BenchmarkCell.survey_id == survey_id,
            BenchmarkCell.period.like("%-Q%"),
            BenchmarkCell.period.not_in(changed),
            func.substr(BenchmarkCell.period, 1, 4).in_(years),
        )
    ).scalars():
        others[(row.survey_revision_id, row.period, row.question_key, row.option_code)] = [
            row.responses,
            row.value_sum,
            row.value_sum_sq,
        ]
        owners[row.survey_revision_id] = (row.survey_id, row.organisation_id)
    db.session.execute(
        delete(BenchmarkCell).where(
            BenchmarkCell.survey_id == survey_id, BenchmarkCell.period.in_(changed | years)
        )
    )
    _write({**cells, **_years({**others, **cells})}, owners, copy=False)


def _quarter_cells(
    where: list[ColumnElement], quarters: list[tuple[str, datetime, datetime]]
) -> tuple[Cells, dict[int, tuple[int, int]]]:
    """The quarter cells of the responses matching `where`, and the survey and organisation of each
    revision."""
    mapping = {
        (revision_id, code): (key, Kind(kind))
        for revision_id, code, key, kind in db.session.execute(
            select(
                BenchmarkQuestionMap.survey_revision_id,
                BenchmarkQuestionMap.answer_code,
                BenchmarkQuestionMap.question_key,
                BenchmarkQuestionMap.kind,
            ).where(
                BenchmarkQuestionMap.survey_revision_id.in_(
                    select(Response.survey_revision_id).where(*where).distinct().scalar_subquery()
                )
            )
        )
    }
    cells: Cells = defaultdict(lambda: [0, None, None])
    owners: dict[int, tuple[int, int]] = {}
    if not quarters:
        return cells, owners
    quarter = _quarter_table(quarters)
    keys = (Response.survey_revision_id, quarter.c.label, Response.survey_id, Response.organisation_id)
    for revision_id, period, survey_id, organisation_id, count in db.session.execute(
        select(*keys, func.count()).join(quarter, _in_quarter(quarter)).where(*where).group_by(*keys)
    ):
        cells[(revision_id, period, RESPONSES_KEY, WHOLE_QUESTION)] = [count, None, None]
        owners[revision_id] = (survey_id, organisation_id)
    if not mapping:
        return cells, owners
    _add_answers(cells, where, quarter, mapping)
    kinds = {(revision_id, key): kind for (revision_id, _), (key, kind) in mapping.items()}
    totals: Cells = defaultdict(lambda: [0, None, None])
    for (revision_id, period, key, option), cell in cells.items():
        if option != WHOLE_QUESTION and kinds.get((revision_id, key)) in (Kind.CHOICE, Kind.NPS):
            _add(totals[(revision_id, period, key, WHOLE_QUESTION)], *cell)
    cells.update(totals)
    multiple = {code for code, (_, kind) in mapping.items() if kind == Kind.MULTIPLE}
    if multiple:
        _add_respondents(cells, where, quarter, {code for _, code in multiple})
    return cells, owners


def _add_answers(cells: Cells, where: list[ColumnElement], quarter: Subquery, mapping: dict) -> None:
    """Option rows: one pass over the answers, grouped by answer code rather than question key so that
    the database need not join the question map. NPS groups are filtered sums rather than a grouping
    expression, which would make PostgreSQL expect a group per distinct number and give up on
    aggregating in parallel."""
    value = Answer.number_value
    keys = (Response.survey_revision_id, quarter.c.label, Answer.question_code, Answer.option_code)
    sums = [func.count(), func.sum(value), func.sum(value * value)]
    grouped = (
        select(
            *keys,
            *sums,
            *(measure.filter(value >= 9) for measure in sums),
            *(measure.filter((value >= 7) & (value < 9)) for measure in sums),
        )
        .join_from(Answer, Response, Response.id == Answer.response_id)
        .join(quarter, _in_quarter(quarter))
        .where(*where, Answer.question_code.in_({code for _, code in mapping}))
        .group_by(*keys)
    )
    for revision_id, period, code, option, *figures in db.session.execute(grouped):
        mapped = mapping.get((revision_id, code))
        if mapped is None:
            continue
        key, kind = mapped
        if kind == Kind.NPS:
            promoters, passives = figures[3:6], figures[6:9]
            detractors = [
                whole - (a or 0) - (b or 0) if whole is not None else None
                for whole, a, b in zip(figures[:3], promoters, passives, strict=True)
            ]
            for group, counted in zip(NPS_GROUPS, (promoters, passives, detractors), strict=True):
                if counted[0]:
                    _add(cells[(revision_id, period, key, group)], *counted)
            continue
        _add(cells[(revision_id, period, key, WHOLE_QUESTION if kind == Kind.MEAN else option)], *figures[:3])


def _add_respondents(cells: Cells, where: list[ColumnElement], quarter: Subquery, codes: set[str]) -> None:
    """Whole-question rows of multiple choice: responses that chose at least one option."""
    mapped_answers = (
        Answer.__table__.join(Response.__table__, Response.id == Answer.response_id)
        .join(
            BenchmarkQuestionMap.__table__,
            (BenchmarkQuestionMap.survey_revision_id == Response.survey_revision_id)
            & (BenchmarkQuestionMap.answer_code == Answer.question_code),
        )
        .join(quarter, _in_quarter(quarter))
    )
    keys = (Response.survey_revision_id, quarter.c.label, BenchmarkQuestionMap.question_key)
    grouped = (
        select(*keys, func.count(func.distinct(Response.id)))
        .select_from(mapped_answers)
        .where(*where, BenchmarkQuestionMap.kind == Kind.MULTIPLE.value, Answer.question_code.in_(codes))
        .group_by(*keys)
    )
    for revision_id, period, key, count in db.session.execute(grouped):
        cells[(revision_id, period, key, WHOLE_QUESTION)] = [count, None, None]


def _add(cell: list, count: int, total: float | None, squares: float | None) -> None:
    """Adds like SQL's sum: a missing value is left out, and a sum of no values stays missing."""
    cell[0] += count
    if total is not None:
        cell[1] = total if cell[1] is None else cell[1] + total
    if squares is not None:
        cell[2] = squares if cell[2] is None else cell[2] + squares


def _years(cells: Cells) -> Cells:
    """Year rows are the sums of their quarters: every statistic kept is additive."""
    years: Cells = defaultdict(lambda: [0, None, None])
    for (revision_id, period, key, option), cell in cells.items():
        if is_quarter(period):
            _add(years[(revision_id, year_of(period), key, option)], *cell)
    return years


def _write(cells: Cells, owners: dict[int, tuple[int, int]], copy: bool) -> None:
    # In primary key order: each row then lands next to the previous one in the key's index, which
    # halves the cost of writing them.
    rows = (
        (revision_id, period, key, option, *owners[revision_id], *cells[(revision_id, period, key, option)])
        for revision_id, period, key, option in sorted(cells)
    )
    if copy:
        # COPY writes a few hundred thousand rows several times faster than INSERT statements.
        cursor = db.session.connection().connection.driver_connection.cursor()
        with cursor.copy(f"COPY benchmark_cell ({', '.join(CELL_COLUMNS)}) FROM STDIN") as copying:
            for row in rows:
                copying.write_row(row)
    else:
        values = [dict(zip(CELL_COLUMNS, row, strict=True)) for row in rows]
        if values:
            db.session.execute(insert(BenchmarkCell), values)
