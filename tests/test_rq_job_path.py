"""The job path with the real Redis and a real RQ worker (SimpleWorker, burst mode), on both backends."""

import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import select

from app.extensions import db
from app.jobs.dispatch import dispatcher
from app.jobs.models import JobState, PendingJob
from app.jobs.tasks import TASKS
from app.responses.models import ResponseSummary
from tests import factories
from tests.support import REDIS_URL, csrf_token, make_test_app
from workers import context

pytestmark = pytest.mark.rq
QUEUE_NAMES = sorted({task.queue for task in TASKS.values()})


def run_worker(connection) -> None:
    queues = [Queue(name, connection=connection) for name in QUEUE_NAMES]
    SimpleWorker(queues, connection=connection).work(burst=True)


def queued_job_count(connection) -> int:
    return sum(Queue(name, connection=connection).count for name in QUEUE_NAMES)


def job_states() -> list[JobState]:
    return list(db.session.scalars(select(PendingJob.state).order_by(PendingJob.id)))


def test_a_committed_response_is_enqueued_and_the_worker_aggregates_it(rq_app, redis_connection):
    survey, revision, _ = factories.published_survey()
    factories.answer(revision)
    factories.answer(revision)
    db.session.commit()
    assert job_states() == [JobState.QUEUED]
    assert queued_job_count(redis_connection) == 1

    run_worker(redis_connection)

    db.session.expire_all()
    assert job_states() == [JobState.DONE]
    assert db.session.get(ResponseSummary, survey.id).complete_count == 2


def test_a_burst_of_submissions_produces_one_job_while_it_waits(rq_app, redis_connection):
    survey, revision, _ = factories.published_survey()
    db.session.commit()
    for _ in range(100):
        factories.answer(revision)
        db.session.commit()
    assert queued_job_count(redis_connection) == 1
    run_worker(redis_connection)
    db.session.expire_all()
    assert db.session.get(ResponseSummary, survey.id).complete_count == 100


def test_responses_are_kept_while_redis_is_down_and_aggregated_once_it_is_back(
    app, redis_connection, tmp_path
):
    dead = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    with dead.app_context():
        survey, revision, _ = factories.published_survey()
        factories.answer(revision)
        db.session.commit()
        assert job_states() == [JobState.PENDING]
        survey_id = survey.id
        db.engine.dispose()

    alive = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, REDIS_URL=REDIS_URL)
    context.use_app(alive)
    try:
        with alive.app_context():
            dispatcher().sweep()
            assert job_states() == [JobState.QUEUED]
            run_worker(redis_connection)
            db.session.expire_all()
            assert db.session.get(ResponseSummary, survey_id).complete_count == 1
            db.engine.dispose()
    finally:
        context.use_app(None)


def test_the_sweep_requeues_jobs_that_redis_lost(rq_app, redis_connection):
    survey, revision, _ = factories.published_survey()
    factories.answer(revision)
    db.session.commit()
    redis_connection.flushdb()  # as after a Redis restart without persistence

    dispatcher().sweep()
    assert queued_job_count(redis_connection) == 1
    run_worker(redis_connection)
    db.session.expire_all()
    assert job_states() == [JobState.DONE]
    assert db.session.get(ResponseSummary, survey.id).complete_count == 1


def test_a_failing_job_raises_in_the_worker_and_is_recorded(rq_app, redis_connection):
    _, revision, _ = factories.published_survey()
    factories.answer(revision)
    db.session.commit()
    job = db.session.scalar(select(PendingJob))
    job.args = {"survey_id": "not a number"}
    db.session.commit()

    run_worker(redis_connection)

    db.session.expire_all()
    failed = db.session.get(PendingJob, job.id)
    assert failed.state == JobState.PENDING
    assert failed.attempts == 1
    assert failed.last_error
    assert Queue("aggregation", connection=redis_connection).failed_job_registry.count == 1


def test_a_survey_submitted_while_redis_is_down_is_thanked_stored_and_aggregated_later(
    app, redis_connection, tmp_path
):
    dead = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    with dead.app_context():
        survey, _, collector = factories.published_survey()
        db.session.commit()
        survey_id, token = survey.id, collector.token
    respondent = dead.test_client()
    page = respondent.get(f"/s/{token}")
    form = {
        "csrf_token": csrf_token(page.text),
        "page": "0",
        "action": "next",
        "submission_key": "once",
        "first_visit": "no",
        "recommend": "10",
    }
    reply = respondent.post(f"/s/{token}", data=form)
    assert reply.status_code == 302
    assert reply.headers["Location"] == f"/s/{token}/thanks"
    with dead.app_context():
        assert job_states() == [JobState.PENDING]
        db.engine.dispose()

    alive = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, REDIS_URL=REDIS_URL)
    context.use_app(alive)
    try:
        with alive.app_context():
            dispatcher().sweep()
            run_worker(redis_connection)
            db.session.expire_all()
            assert db.session.get(ResponseSummary, survey_id).complete_count == 1
            db.engine.dispose()
    finally:
        context.use_app(None)
