"""Sufficient statistics per organisation, survey revision, question and period, recomputed from the
responses in the database.

A run stays in the database, with the same statements on PostgreSQL and SQLite: one pass over the
answers aggregates them per revision, quarter, answer code and option into a small staging table;
the cells (option rows, whole-question rows, NPS groups, respondents of multiple choice, response
counts, and years as the sums of their quarters) are derived from it through the question map into
a second one, which is then merged into benchmark_cell. A run replaces the cells it recomputes in
the caller's transaction, so it is idempotent: running it twice, or after a crash half-way, gives
the same cells as a clean run. A run that saw fewer responses than the stored watermark leaves the
newer cells alone.
"""

from datetime import datetime

from sqlalchemy import (
    Float,
    Integer,
    String,
    Subquery,
    case,
    column,
    delete,
    false,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    table,
    text,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ClauseElement, ColumnElement
from sqlalchemy.sql.expression import Executable, TableClause

from app.benchmarks.models import (
    RESPONSES_KEY,
    WHOLE_QUESTION,
    BenchmarkCell,
    BenchmarkQuestionMap,
    BenchmarkWatermark,
)
from app.benchmarks.periods import quarter_starts, year_of
from app.benchmarks.questions import Kind, benchmark_questions, newest_codes
from app.core.sql import insert_many, upsert_insert
from app.core.types import UTCDateTime, utcnow
from app.extensions import db
from app.responses.models import Answer, Response, ResponseStatus
from app.surveys.models import SurveyRevision

# The columns of a cell in the order the statements below select them.
CELL_KEY = ["survey_revision_id", "period", "question_key", "option_code"]
CELL_FIGURES = ["survey_id", "organisation_id", "responses", "value_sum", "value_sum_sq"]
CELL_COLUMNS = CELL_KEY + CELL_FIGURES
# What the merge matches cells by: the primary key, which adds the revision's survey in front, so
# that the cells of one survey are found through its index.
MATCHED_BY = [column.name for column in BenchmarkCell.__table__.primary_key.columns]
UPDATED = [name for name in CELL_COLUMNS if name not in MATCHED_BY]

# Temporary tables of one run, dropped at its end. Names of their own: a temporary table hides a
# permanent one of the same name.
# Counted responses per revision and quarter (its label and its number in the run), with the
# revision's survey and organisation, and the newest response's id.
STAGED_RESPONSES = table(
    "benchmark_staged_response",
    column("survey_revision_id", Integer),
    column("period", String),
    column("quarter", Integer),
    column("survey_id", Integer),
    column("organisation_id", Integer),
    column("responses", Integer),
    column("newest", Integer),
)
# Answers per revision, quarter number, answer code and option (a number hashes faster than a
# label, once per answer); NPS groups as counts of the values; respondents as the count of the
# first rows of their answers.
STAGED_ANSWERS = table(
    "benchmark_staged_answer",
    column("survey_revision_id", Integer),
    column("quarter", Integer),
    column("answer_code", String),
    column("option_code", String),
    column("responses", Integer),
    column("value_sum", Float),
    column("value_sum_sq", Float),
    column("promoters", Integer),
    column("passives", Integer),
    column("respondents", Integer),
)
# The cells the run computes, laid out as benchmark_cell.
NEW_CELLS = table(
    "benchmark_new_cell",
    *(column(name, BenchmarkCell.__table__.c[name].type) for name in CELL_COLUMNS),
)
TEMPORARY_TABLES = (STAGED_RESPONSES, STAGED_ANSWERS, NEW_CELLS)

PROMOTER, PASSIVE, DETRACTOR = "promoter", "passive", "detractor"


class CreateTemporaryTable(Executable, ClauseElement):
    """CREATE TEMP TABLE … AS SELECT …: PostgreSQL (15) runs that SELECT with parallel workers, as it
    never does the SELECT of an INSERT."""

    inherit_cache = False

    def __init__(self, name: str, query) -> None:
        self.name = name
        self.query = query


@compiles(CreateTemporaryTable)
def _compile_create_temporary_table(element: CreateTemporaryTable, compiler, **kw) -> str:
    return f"CREATE TEMP TABLE {element.name} AS {compiler.process(element.query, **kw)}"


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
    if _is_postgresql():
        # Room to hash the answers' groups and the merge's key lists in memory (with the default
        # 4 MB the aggregate spills to disk, and a key list too big to hash is searched row by
        # row); JIT-compiling the aggregates costs more than it saves.
        db.session.execute(text("SET LOCAL work_mem = '256MB'"))
        db.session.execute(text("SET LOCAL jit = off"))
        # The leader of the parallel aggregate then only gathers and merges the workers' partial
        # groups (every worker meets nearly every group) instead of also scanning answers, and on a
        # small machine does not compete with them for a core.
        db.session.execute(text("SET LOCAL parallel_leader_participation = off"))
    revision_ids = list(
        db.session.scalars(select(SurveyRevision.id).where(SurveyRevision.published_at.is_not(None)))
    )
    db.session.execute(delete(BenchmarkQuestionMap))
    _map_questions(revision_ids, newest_codes())
    _analyze(BenchmarkQuestionMap.__tablename__)
    where = _counted()
    quarters = _quarters(where)
    _replace_cells(where, quarters, scope=[])
    db.session.execute(delete(BenchmarkWatermark))
    if quarters:
        staged = STAGED_RESPONSES.c
        latest = select(
            staged.survey_id, func.max(staged.newest), literal(utcnow(), BenchmarkWatermark.computed_at.type)
        ).group_by(staged.survey_id)
        db.session.execute(
            insert(BenchmarkWatermark).from_select(["survey_id", "response_watermark", "computed_at"], latest)
        )
    _drop_temporary_tables()
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


def _analyze(*names: str) -> None:
    """Tables filled in this transaction (the refilled question map, the temporary tables) have no
    statistics PostgreSQL can use: it would plan the joins and groupings over them with a guess of a
    few rows, sorting where it should hash. ANALYZE sees the transaction's own rows, in milliseconds."""
    if _is_postgresql():
        for name in names:
            db.session.execute(text(f"ANALYZE {name}"))


def forget_deleted_responses(survey_id: int) -> None:
    """Called in the transaction that deletes responses: the watermark may now be above every
    remaining response, which must not stop the next run from counting what is left."""
    db.session.execute(
        update(BenchmarkWatermark)
        .where(BenchmarkWatermark.survey_id == survey_id)
        .values(response_watermark=0)
    )


def forget_survey(survey_id: int) -> None:
    """Called in the transaction that deletes a survey: its cells have no foreign key to go with it."""
    db.session.execute(delete(BenchmarkCell).where(BenchmarkCell.survey_id == survey_id))


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
                "kind": q.kind.value,
            }
            for q in benchmark_questions(definition, renamed)
        )
    if rows:
        insert_many(BenchmarkQuestionMap.__table__, rows)


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
            literal(number).label("number"),
            literal(start, UTCDateTime).label("starts"),
            literal(end, UTCDateTime).label("ends"),
        )
        for number, (label, start, end) in enumerate(quarters)
    ]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("quarter")


def _in_quarter(quarter: Subquery) -> ColumnElement:
    return (Response.submitted_at >= quarter.c.starts) & (Response.submitted_at < quarter.c.ends)


def _quarter_of_response(quarters: list[tuple[str, datetime, datetime]], values: list) -> ColumnElement:
    """The value for its quarter (the label, or the number) of a response known to lie in one of
    `quarters` (in order): cheaper than the join to the quarter table where there is one row per
    response, not per answer, and the planner need not count the groups in advance."""
    *earlier, last = values
    if not earlier:
        return literal(last)
    return case(
        *(
            (Response.submitted_at < literal(end, UTCDateTime), value)
            for (_, _, end), value in zip(quarters, earlier, strict=False)
        ),
        else_=literal(last),
    )


def _changed_quarters(
    survey_id: int, where: list[ColumnElement], quarters: list[tuple[str, datetime, datetime]], stored: int
) -> set[str]:
    """Quarters holding responses newer than the stored watermark, or whose count of responses no
    longer matches the stored cells (a partial response completed later keeps its older id). A
    watermark reset by a deletion (0) means every quarter."""
    current = {}
    if quarters:
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
    _replace_cells(
        [*where, or_(*ranges)] if ranges else [false()],
        [quarter for quarter in quarters if quarter[0] in changed],
        scope=[BenchmarkCell.survey_id == survey_id, BenchmarkCell.period.in_(changed | years)],
        stored_quarters=[
            BenchmarkCell.survey_id == survey_id,
            BenchmarkCell.period.like("%-Q%"),
            BenchmarkCell.period.not_in(changed),
            func.substr(BenchmarkCell.period, 1, 4).in_(years),
        ],
    )
    _drop_temporary_tables()


def _replace_cells(
    where: list[ColumnElement],
    quarters: list[tuple[str, datetime, datetime]],
    scope: list[ColumnElement],
    stored_quarters: list[ColumnElement] | None = None,
) -> None:
    """Make the stored cells matching `scope` those of the responses matching `where` in `quarters`,
    with the years of those quarters summed with the stored quarters matching `stored_quarters`. The
    temporary tables stay for the caller to read and drop."""
    _drop_temporary_tables()
    _create_temporary_table(NEW_CELLS, select(BenchmarkCell.__table__).where(false()))
    if quarters:
        _stage_responses(where, quarters)
        codes = db.session.scalars(
            select(BenchmarkQuestionMap.answer_code)
            .where(BenchmarkQuestionMap.survey_revision_id.in_(select(STAGED_RESPONSES.c.survey_revision_id)))
            .distinct()
        )
        _stage_answers(where, _quarter_table(quarters), set(codes))
        _analyze(STAGED_RESPONSES.name, STAGED_ANSWERS.name)
        _add_quarter_cells()
    _add_years(stored_quarters)
    _analyze(NEW_CELLS.name)
    _merge_new_cells(scope)


def _create_temporary_table(target: TableClause, query) -> None:
    db.session.execute(CreateTemporaryTable(target.name, query))


def _drop_temporary_tables() -> None:
    for temporary in TEMPORARY_TABLES:
        db.session.execute(text(f"DROP TABLE IF EXISTS {temporary.name}"))


def _stage_responses(where: list[ColumnElement], quarters: list[tuple[str, datetime, datetime]]) -> None:
    rows = select(
        Response.survey_revision_id,
        _quarter_of_response(quarters, [label for label, _, _ in quarters]).label("period"),
        _quarter_of_response(quarters, list(range(len(quarters)))).label("quarter"),
        Response.survey_id,
        Response.organisation_id,
        Response.id,
    ).where(*where)
    *keys, response_id = _grouped(rows)
    counts = (_count(func.count()), func.max(response_id))
    _create_temporary_table(
        STAGED_RESPONSES, select(*_labelled(STAGED_RESPONSES, *keys, *counts)).group_by(*keys)
    )


def _grouped(rows) -> list[ColumnElement]:
    """The columns of `rows` as a subquery's, to group by: PostgreSQL would not see an expression with
    bound values (a quarter or a year computed from a timestamp or a label) in GROUP BY as the same
    expression in the SELECT list, its values being sent twice."""
    return list(rows.subquery().c)


def _stage_answers(where: list[ColumnElement], quarter: Subquery, codes: set[str]) -> None:
    """The one pass over the answers, grouped by answer code rather than question key so that the
    database need not join the question map for each answer. NPS groups are filtered counts rather
    than a grouping expression, which would make PostgreSQL expect a group per distinct number and
    give up on aggregating in parallel; their cells need only counts (an NPS is computed from the
    three groups' sizes), so the groups carry no sums. The respondents of a multiple choice are its
    responses' first rows, counted in the same pass."""
    value = Answer.number_value
    keys = (Response.survey_revision_id, quarter.c.number, Answer.question_code, Answer.option_code)
    _create_temporary_table(
        STAGED_ANSWERS,
        select(
            *_labelled(
                STAGED_ANSWERS,
                *keys,
                _count(func.count()),
                func.sum(value),
                func.sum(value * value),
                _count(func.count().filter(value >= 9)),
                _count(func.count().filter((value >= 7) & (value < 9))),
                _count(func.count().filter(Answer.ordinal == 1)),
            )
        )
        .join_from(Answer, Response, Response.id == Answer.response_id)
        .join(quarter, _in_quarter(quarter))
        # A list of the few codes rather than a join: PostgreSQL hashes the list once per query.
        .where(*where, Answer.question_code.in_(codes))
        .group_by(*keys),
    )


def _count(count: ColumnElement) -> ColumnElement:
    """A count as a plain integer: PostgreSQL sums its bigint counts as numeric, several times slower."""
    return count.cast(Integer)


def _labelled(target: TableClause, *expressions) -> list[ColumnElement]:
    return [expression.label(name) for expression, name in zip(expressions, target.c.keys(), strict=True)]


def _add_quarter_cells() -> None:
    """Quarter cells from the staged answers and responses: the response counts; an option row per
    option of choice and multiple choice; a whole-question row summing the answers of choice, mean
    and NPS questions; and the three NPS groups, detractors being the answers that are neither of
    the others."""
    staged, responses, mapping = STAGED_ANSWERS.c, STAGED_RESPONSES.c, BenchmarkQuestionMap
    # The staged answers under their question keys and kinds, with their owners: joined once.
    mapped = (
        select(
            staged.survey_revision_id,
            responses.period,
            mapping.question_key,
            mapping.kind,
            staged.option_code,
            responses.survey_id,
            responses.organisation_id,
            staged.responses,
            staged.value_sum,
            staged.value_sum_sq,
            staged.promoters,
            staged.passives,
            staged.respondents,
        )
        .join(
            mapping,
            (mapping.survey_revision_id == staged.survey_revision_id)
            & (mapping.answer_code == staged.answer_code),
        )
        .join(
            STAGED_RESPONSES,
            (responses.survey_revision_id == staged.survey_revision_id)
            & (responses.quarter == staged.quarter),
        )
        .cte("mapped")
    ).c

    question = (mapped.survey_revision_id, mapped.period, mapped.question_key)
    owners = (mapped.survey_id, mapped.organisation_id)

    def cells(kinds: tuple[Kind, ...], option: ColumnElement, *figures: ColumnElement):
        """Rows of the given kinds summed per question (and option, when `option` is a column)."""
        per_option = (option,) if option is mapped.option_code else ()
        return (
            select(*question, option, *owners, *figures)
            .where(mapped.kind.in_([kind.value for kind in kinds]))
            .group_by(*question, *per_option, *owners)
        )

    sums = (func.sum(mapped.responses), func.sum(mapped.value_sum), func.sum(mapped.value_sum_sq))
    respondents = func.sum(mapped.respondents)
    counts = {
        PROMOTER: func.sum(mapped.promoters),
        PASSIVE: func.sum(mapped.passives),
        DETRACTOR: func.sum(mapped.responses) - func.sum(mapped.promoters) - func.sum(mapped.passives),
    }
    parts = [
        select(
            responses.survey_revision_id,
            responses.period,
            literal(RESPONSES_KEY),
            literal(WHOLE_QUESTION),
            responses.survey_id,
            responses.organisation_id,
            responses.responses,
            _missing(),
            _missing(),
        ),
        cells((Kind.CHOICE, Kind.MULTIPLE), mapped.option_code, *sums).where(mapped.option_code.is_not(None)),
        cells((Kind.CHOICE, Kind.MEAN, Kind.NPS), literal(WHOLE_QUESTION), *sums),
        cells((Kind.MULTIPLE,), literal(WHOLE_QUESTION), respondents, _missing(), _missing()),
        *(
            cells((Kind.NPS,), literal(group), count, _missing(), _missing()).having(count > 0)
            for group, count in counts.items()
        ),
    ]
    db.session.execute(insert(NEW_CELLS).from_select(CELL_COLUMNS, union_all(*parts)))


def _missing() -> ColumnElement:
    return null().cast(Float)


def _add_years(stored_quarters: list[ColumnElement] | None) -> None:
    """Year rows are the sums of their quarters (every statistic kept is additive): the quarters just
    computed, and the stored ones matching `stored_quarters`."""
    quarters = [
        select(*_year_columns(NEW_CELLS.c)).where(NEW_CELLS.c.period.like("%-Q%")),
    ]
    if stored_quarters is not None:
        quarters.append(select(*_year_columns(BenchmarkCell.__table__.c)).where(*stored_quarters))
    rows = (union_all(*quarters) if len(quarters) > 1 else quarters[0]).subquery("quarter_cells")
    key = (rows.c.survey_revision_id, rows.c.year, rows.c.question_key, rows.c.option_code)
    years = select(
        *key,
        func.max(rows.c.survey_id),
        func.max(rows.c.organisation_id),
        func.sum(rows.c.responses),
        func.sum(rows.c.value_sum),
        func.sum(rows.c.value_sum_sq),
    ).group_by(*key)
    db.session.execute(insert(NEW_CELLS).from_select(CELL_COLUMNS, years))


def _year_columns(cells) -> list[ColumnElement]:
    # The year computed in a subquery, to group by (see _grouped).
    return [
        cells.survey_revision_id,
        func.substr(cells.period, 1, 4).label("year"),
        *(cells[name] for name in CELL_COLUMNS[2:]),
    ]


def _merge_new_cells(scope: list[ColumnElement]) -> None:
    """Stored cells in `scope` become the new cells: those no longer computed are deleted, changed
    figures updated and new cells inserted, so that a nightly rebuild of mostly unchanged figures
    writes little. Readers keep seeing the old cells until the transaction commits (a TRUNCATE
    would lock them out for the whole rebuild)."""
    cell, new = BenchmarkCell.__table__.c, NEW_CELLS.c
    cell_key, new_key = [cell[name] for name in MATCHED_BY], [new[name] for name in MATCHED_BY]
    # The keys on the other side as a list that PostgreSQL hashes once ("NOT IN (hashed SubPlan)"),
    # limited to the scope so that it stays small. NOT EXISTS would let it choose a merge join,
    # which sorts both sides on their text columns: several times slower.
    stored = select(*cell_key).where(*scope)
    # No ORM bookkeeping: it would ask for the key of every row deleted or updated.
    plain = {"synchronize_session": False}
    db.session.execute(
        delete(BenchmarkCell).where(*scope, tuple_(*cell_key).not_in(select(*new_key))),
        execution_options=plain,
    )
    db.session.execute(
        update(BenchmarkCell)
        .where(
            *(cell[name] == new[name] for name in MATCHED_BY),
            or_(*(cell[name].is_distinct_from(new[name]) for name in UPDATED)),
        )
        .values({name: new[name] for name in UPDATED}),
        execution_options=plain,
    )
    # A revision's rows one after the other: they then land in a few neighbouring pages of the key's
    # index, which writes them a quarter faster than in any order, at the cost of sorting on numbers
    # rather than on the whole key.
    added = (
        select(*(new[name] for name in CELL_COLUMNS))
        .where(tuple_(*new_key).not_in(stored))
        .order_by(new.survey_id, new.survey_revision_id)
    )
    db.session.execute(insert(BenchmarkCell).from_select(CELL_COLUMNS, added))
