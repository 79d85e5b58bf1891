"""Sufficient statistics per organisation, revision, question and period (issue: RQ aggregation)."""

import copy
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select, text

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


def every_cell() -> dict:
    rows = db.session.execute(select(BenchmarkCell)).scalars()
    return {
        (row.survey_id, row.survey_revision_id, row.period, row.question_key, row.option_code): (
            row.organisation_id,
            row.responses,
            row.value_sum,
            row.value_sum_sq,
        )
        for row in rows
    }


def test_nps_groups_hold_counts_and_the_whole_question_the_sums(app_context):
    _, revision = support.organisation_with_survey("Scenehuset")
    for recommend in (10, 9, 8, 3, 0):
        support.respond(revision, recommend=recommend)
    assert aggregate_survey(revision.survey_id)

    quarter = cells(revision.survey_id, "2026-Q2")
    # An NPS is computed from the sizes of the three groups alone.
    assert quarter[("recommend", "promoter")] == (2, None, None)
    assert quarter[("recommend", "passive")] == (1, None, None)
    assert quarter[("recommend", "detractor")] == (2, None, None)
    assert quarter[("recommend", "")] == (5, 30.0, 254.0)


def test_a_rebuild_gives_the_cells_the_runs_per_survey_gave(app_context):
    """The nightly rebuild and the job after new responses compute the same cells, over quarters of
    two years, several surveys, multiple choice with several options or none, and responses that
    never count."""
    _, first = support.organisation_with_survey("Scenehuset")
    _, second = support.organisation_with_survey("Kulturhuset", sector="music_venue", fylke="03")
    moments = [
        datetime(2025, 11, 3, 12, tzinfo=UTC),
        datetime(2026, 2, 10, 9, tzinfo=UTC),
        datetime(2026, 5, 20, 18, tzinfo=UTC),
    ]
    came_with = [("alone",), ("partner", "friends"), (), ("alone", "partner", "friends")]
    for index in range(24):
        revision = first if index % 3 else second
        support.respond(
            revision,
            first_visit="yes" if index % 2 else "no",
            came_with=came_with[index % len(came_with)],
            overall=1 + index % 5,
            recommend=index % 11,
            at=moments[index % len(moments)],
        )
    support.respond(first, is_test=True, at=moments[0])
    support.respond(second, status=ResponseStatus.PARTIAL)
    for revision in (first, second):
        assert aggregate_survey(revision.survey_id)
    incremental = every_cell()

    rebuild_all_cells()
    assert every_cell() == incremental
    assert {period for _, _, period, _, _ in incremental} == {"2025", "2025-Q4", "2026", "2026-Q1", "2026-Q2"}
    # Multiple choice counts respondents, not ticks: the second survey's 8 responses (all in 2025), 2 of them
    # choosing nothing.
    assert incremental[(second.survey_id, second.id, "2025", "came_with", "")][1] == 6
    assert incremental[(second.survey_id, second.id, "2025", "came_with", "friends")][1] == 4


def test_a_run_after_every_counted_response_was_deleted_leaves_no_cells(app_context):
    from app.benchmarks.aggregation import forget_deleted_responses
    from app.responses.models import Response

    _, revision = support.organisation_with_survey("Scenehuset")
    support.respond_many(revision, 3)
    assert aggregate_survey(revision.survey_id)
    assert cells(revision.survey_id, "2026")

    db.session.execute(delete(Response).where(Response.survey_id == revision.survey_id))
    forget_deleted_responses(revision.survey_id)
    assert aggregate_survey(revision.survey_id)
    assert cells(revision.survey_id, "2026") == {}
    assert cells(revision.survey_id, "2026-Q2") == {}


def test_deleting_a_survey_with_its_responses_deletes_its_cells_and_no_others(app_context):
    from app.accounts.invitations import add_member
    from app.accounts.models import OrgRole
    from app.accounts.services import create_user
    from app.responses.lifecycle import delete_survey_with_responses

    organisation, revision = support.organisation_with_survey("Scenehuset")
    _, other = support.organisation_with_survey("Kulturhuset")
    support.respond_many(revision, 3)
    support.respond_many(other, 2)
    assert aggregate_survey(revision.survey_id) and aggregate_survey(other.survey_id)
    assert cells(revision.survey_id, "2026") and cells(other.survey_id, "2026")

    owner = create_user("eier@scenehuset.no", "et-langt-passord-for-eieren")
    add_member(owner, organisation, OrgRole.OWNER)
    delete_survey_with_responses(revision.survey, owner)
    db.session.commit()
    assert cells(revision.survey_id, "2026") == {}
    assert cells(other.survey_id, "2026")[("*", "")][0] == 2


def test_a_rebuild_keeps_the_cells_whose_figures_did_not_change(app, app_context):
    """Unchanged cells stay the same rows (readers see no churn, and the table no dead rows); a
    changed one is updated and a gone one deleted. PostgreSQL only: the row version is its xmin."""
    if app.config["TEST_BACKEND"] != "postgresql":
        pytest.skip("the row version of a cell is PostgreSQL's xmin")
    _, revision = support.organisation_with_survey("Scenehuset")
    support.respond(revision, first_visit="yes", at=datetime(2025, 5, 1, tzinfo=UTC))
    support.respond(revision, first_visit="no", at=datetime(2026, 5, 1, tzinfo=UTC))
    rebuild_all_cells()
    db.session.commit()

    def versions() -> dict:
        return {
            (period, key, option): version
            for period, key, option, version in db.session.execute(
                text("SELECT period, question_key, option_code, xmin::text FROM benchmark_cell")
            )
        }

    before = versions()
    support.respond(revision, first_visit="no", at=datetime(2026, 5, 2, tzinfo=UTC))
    db.session.commit()
    rebuild_all_cells()
    db.session.commit()
    after = versions()
    assert {key for key in after if after[key] == before.get(key)} == {
        key for key in before if key[0].startswith("2025")
    }
    assert cells(revision.survey_id, "2026")[("first_visit", "no")][0] == 2


def test_the_planner_knows_how_many_question_and_option_pairs_there_are(app):
    """PostgreSQL gets statistics on the answers' (question_code, option_code) pairs from the
    models, as from the migrations: without them it expects a group per combination of the two."""
    if app.config["TEST_BACKEND"] != "postgresql":
        pytest.skip("extended statistics are PostgreSQL's")
    with app.app_context():
        kinds = db.session.scalar(
            text("SELECT stxkind::text FROM pg_statistic_ext WHERE stxname = 'st_answer_question_option'")
        )
    assert kinds == "{d}"
