"""`flask benchmarks recompute`: the full recompute in the command's own process without Redis, and
as a job for a real RQ worker process when Redis is configured."""

import pytest
from rq import Queue
from sqlalchemy import func, select

from app.benchmarks.models import BenchmarkCell, BenchmarkSnapshot
from app.extensions import db
from app.jobs.models import JobState, PendingJob
from app.jobs.tasks import TASKS
from tests import benchmark_support as support
from tests.support import REDIS_URL, make_test_app
from tests.test_benchmark_rq_crash import run_burst_worker


def two_organisations() -> None:
    """Five responses at a theatre in Vestland, three at a museum in Oslo, none aggregated yet."""
    _, theatre = support.organisation_with_survey("Scenehuset")
    _, museum = support.organisation_with_survey("Byhistorisk", sector="history_museum", fylke="03")
    support.respond_many(theatre, 5, yes=2)
    support.respond_many(museum, 3, yes=3)
    db.session.commit()


def country_snapshot(question_key: str) -> BenchmarkSnapshot | None:
    return db.session.scalar(
        select(BenchmarkSnapshot).where(
            BenchmarkSnapshot.period == "2026",
            BenchmarkSnapshot.group_kind == "country",
            BenchmarkSnapshot.question_key == question_key,
        )
    )


def assert_country_figures() -> None:
    responses = country_snapshot("*")
    assert (responses.organisation_count, responses.response_count) == (2, 8)
    first_visit = country_snapshot("first_visit")
    assert first_visit.totals["yes"][0] == 5
    assert first_visit.totals["no"][0] == 3


def test_recompute_without_redis_runs_in_the_command(app, runner):
    with app.app_context():
        two_organisations()
        assert db.session.scalar(select(func.count()).select_from(BenchmarkCell)) == 0

    result = runner.invoke(args=["benchmarks", "recompute"])

    assert result.exit_code == 0, result.output
    with app.app_context():
        written = db.session.scalar(select(func.count()).select_from(BenchmarkSnapshot))
        assert written > 0
        assert result.output.startswith(f"{written} snapshot(s) published")
        assert_country_figures()
        # It ran in the command: the only jobs recorded are the responses' own, never run.
        tasks = set(db.session.scalars(select(PendingJob.task)))
        assert tasks == {"aggregate_responses"}


@pytest.mark.rq
def test_recompute_with_redis_is_enqueued_once_and_a_worker_runs_it(app, redis_connection, tmp_path):
    with app.app_context():
        two_organisations()
    rq_app = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, REDIS_URL=REDIS_URL)
    runner = rq_app.test_cli_runner()

    first = runner.invoke(args=["benchmarks", "recompute"])
    again = runner.invoke(args=["benchmarks", "recompute"])

    assert first.exit_code == 0, first.output
    assert first.output.startswith("enqueued as job ")
    assert again.output == "the recompute is already waiting to run\n"
    assert Queue(TASKS["recompute_benchmarks"].queue, connection=redis_connection).count == 1
    with rq_app.app_context():
        job = db.session.scalar(select(PendingJob).where(PendingJob.task == "recompute_benchmarks"))
        assert job.state == JobState.QUEUED
        assert country_snapshot("*") is None
        db.session.remove()

    run_burst_worker(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "worker.log", "aggregation")

    with rq_app.app_context():
        assert db.session.get(PendingJob, job.id).state == JobState.DONE
        assert_country_figures()
        db.session.remove()
        db.engine.dispose()
