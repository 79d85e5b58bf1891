"""Sufficient statistics per organisation, revision, question and period (issue: RQ aggregation)."""

import copy
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.benchmarks.aggregation import aggregate_survey, rebuild_all_cells
from app.benchmarks.models import BenchmarkCell, BenchmarkWatermark
from app.extensions import db
from app.jobs.models import PendingJob
from app.questionnaires.models import QuestionnaireVersion
from app.responses.models import ResponseStatus
from app.surveys.services import new_survey_from_base, publish
from tests import benchmark_support as support


def cells(survey_id: int, period: str) -> dict:
    rows = db.session.execute(
        select(BenchmarkCell).where(BenchmarkCell.survey_id == survey_id, BenchmarkCell.period == period)
    ).scalars()
    return {
        (row.question_key, row.option_code): (row.responses, row.value_sum, row.value_sum_sq) for row in rows
    }


def test_cells_hold_counts_sums_and_nps_groups_of_benchmarkable_questions_only(app_context):
    _, revision = support.organisation_with_survey("Scenehuset")
    support.respond(revision, first_visit="yes", came_with=("alone",), overall=5, recommend=10)
    support.respond(revision, first_visit="yes", came_with=("partner", "friends"), overall=3, recommend=7)
    support.respond(revision, first_visit="no", came_with=(), overall=4, recommend=2)
    support.respond(revision, is_test=True)
    support.respond(revision, status=ResponseStatus.PARTIAL)
    assert aggregate_survey(revision.survey_id)

    quarter = cells(revision.survey_id, "2026-Q2")
    assert quarter[("*", "")][0] == 3
    assert quarter[("first_visit", "yes")][0] == 2
    assert quarter[("first_visit", "no")][0] == 1
    assert quarter[("first_visit", "")][0] == 3
    # Multiple choice: the whole-question row counts respondents, not ticks.
    assert quarter[("came_with", "")][0] == 2
    assert quarter[("came_with", "partner")][0] == 1
    assert quarter[("overall", "")] == (3, 12.0, 50.0)
    assert quarter[("recommend", "promoter")][0] == 1
    assert quarter[("recommend", "passive")][0] == 1
    assert quarter[("recommend", "detractor")][0] == 1
    assert quarter[("recommend", "")] == (3, 19.0, 153.0)
    assert not [key for key in quarter if key[0] == "own_question"]
    # The year is the sum of its quarters.
    assert cells(revision.survey_id, "2026") == quarter


def test_quarters_follow_oslo_time(app_context):
    _, revision = support.organisation_with_survey("Scenehuset")
    # 22:30 UTC on 31 March is 00:30 on 1 April in Oslo (summer time).
    support.respond(revision, at=datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
    # 23:30 UTC on New Year's Eve is already the new year in Oslo.
    support.respond(revision, at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
    support.respond(revision, at=datetime(2026, 3, 31, 21, 30, tzinfo=UTC))
    aggregate_survey(revision.survey_id)

    assert cells(revision.survey_id, "2026-Q2")[("*", "")][0] == 1
    assert cells(revision.survey_id, "2026-Q1")[("*", "")][0] == 2
    assert cells(revision.survey_id, "2026")[("*", "")][0] == 3
    assert cells(revision.survey_id, "2025") == {}


def test_rerunning_gives_the_same_cells_and_a_stale_run_changes_nothing(app_context):
    _, revision = support.organisation_with_survey("Scenehuset")
    support.respond_many(revision, 4, yes=1)
    aggregate_survey(revision.survey_id)
    first = cells(revision.survey_id, "2026")
    aggregate_survey(revision.survey_id)
    assert cells(revision.survey_id, "2026") == first

    # A run that sees fewer responses than the stored watermark (a stale retry) writes nothing.
    db.session.get(BenchmarkWatermark, revision.survey_id).response_watermark += 1000
    support.respond(revision)
    assert not aggregate_survey(revision.survey_id)
    assert cells(revision.survey_id, "2026") == first


def test_deleting_test_responses_lets_the_next_run_count_what_is_left(app_context):
    from app.responses.services import delete_test_responses

    _, revision = support.organisation_with_survey("Scenehuset")
    support.respond_many(revision, 3)
    support.respond(revision, is_test=True)
    aggregate_survey(revision.survey_id)
    delete_test_responses(revision.survey_id)
    assert aggregate_survey(revision.survey_id)
    assert cells(revision.survey_id, "2026")[("*", "")][0] == 3


def test_a_burst_of_submissions_leaves_one_waiting_job(app_context):
    _, revision = support.organisation_with_survey("Scenehuset")
    support.respond_many(revision, 25)
    waiting = db.session.scalar(
        select(func.count()).select_from(PendingJob).where(PendingJob.task == "aggregate_responses")
    )
    assert waiting == 1


def test_codes_declared_comparable_aggregate_under_the_newest_code(app_context):
    old_org, old_revision = support.organisation_with_survey("Gamle scene")
    support.respond_many(old_revision, 2)
    definition = copy.deepcopy(support.DEFINITION)
    question = definition["sections"][0]["questions"][0]
    question.update(code="first_time", comparable_with=["first_visit"])
    newer = QuestionnaireVersion(
        code="grunnskjema",
        version="2.0",
        sort_key="2.0",
        title={"nb": "Test"},
        definition=dict(definition, version="2.0"),
        content_hash="v2",
    )
    db.session.add(newer)
    db.session.flush()
    survey, revision = new_survey_from_base(old_org, "Ny", newer)
    publish(survey, revision, "Nettside")
    from app.responses.services import AnswerValue, store_response

    store_response(revision, [AnswerValue("first_time", option_code="no")], "nb", submitted_at=support.SPRING)
    rebuild_all_cells()

    keys = set(db.session.scalars(select(BenchmarkCell.question_key).distinct()))
    assert "first_visit" not in keys
    assert cells(old_revision.survey_id, "2026")[("first_time", "yes")][0] == 2
    assert cells(survey.id, "2026")[("first_time", "no")][0] == 1


def test_responses_all_in_the_last_quarter_of_a_year(app_context):
    _, revision = support.organisation_with_survey("Scenehuset")
    support.respond(revision, at=datetime(2026, 11, 21, 12, tzinfo=UTC))
    aggregate_survey(revision.survey_id)
    assert cells(revision.survey_id, "2026-Q4")[("*", "")][0] == 1
