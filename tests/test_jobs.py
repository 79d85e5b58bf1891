"""Background work recorded in the database and run by the in-process runner."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.types import utcnow
from app.extensions import db
from app.jobs import tasks
from app.jobs.models import JobState, PendingJob
from app.jobs.services import execute_pending_job, record_job, release_stalled_jobs, run_due_jobs
from app.responses.models import ResponseStatus, ResponseSummary
from app.responses.summary import refresh_response_summary
from tests import factories

FAILURES = {"left": 0}


def fail_while_asked(survey_id: int) -> None:
    if FAILURES["left"] > 0:
        FAILURES["left"] -= 1
        raise RuntimeError("database hiccup")


@pytest.fixture
def flaky_task(monkeypatch):
    monkeypatch.setitem(
        tasks.TASKS,
        "flaky",
        tasks.Task(
            function="tests.test_jobs:fail_while_asked",
            queue="aggregation",
            timeout_seconds=5,
            max_attempts=2,
        ),
    )
    return "flaky"


def waiting_jobs() -> list[PendingJob]:
    return list(db.session.scalars(select(PendingJob).where(PendingJob.state.in_(["pending", "queued"]))))


def test_storing_a_response_records_the_summary_job_in_the_same_transaction(app_context):
    _, revision, _ = factories.published_survey()
    factories.answer(revision)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(PendingJob)) == 0


def test_a_burst_of_responses_is_coalesced_into_one_waiting_job(app_context):
    survey, revision, _ = factories.published_survey()
    db.session.commit()
    for _ in range(50):
        factories.answer(revision)
        db.session.commit()
    jobs = waiting_jobs()
    assert len(jobs) == 1
    assert jobs[0].args == {"survey_id": survey.id}


def test_running_due_jobs_computes_the_summary_and_marks_the_job_done(app_context):
    survey, revision, _ = factories.published_survey()
    for recommend in (10, 9, 3):
        factories.answer(revision, recommend=recommend)
    factories.answer(revision, status=ResponseStatus.PARTIAL)
    factories.answer(revision, is_test=True)
    db.session.commit()

    assert run_due_jobs() == 1
    summary = db.session.get(ResponseSummary, survey.id)
    assert (summary.complete_count, summary.partial_count) == (3, 1)
    assert db.session.scalar(select(PendingJob.state)) == JobState.DONE
    assert run_due_jobs() == 0


def test_a_stale_run_never_overwrites_a_newer_summary(app_context):
    survey, revision, _ = factories.published_survey()
    factories.answer(revision)
    db.session.commit()
    db.session.add(ResponseSummary(survey_id=survey.id, complete_count=99, watermark=10**9))
    db.session.commit()
    refresh_response_summary(survey.id)
    db.session.commit()
    assert db.session.get(ResponseSummary, survey.id).complete_count == 99


def test_a_failing_job_is_retried_after_a_backoff_then_succeeds(app_context, flaky_task):
    FAILURES["left"] = 1
    job = db.session.get(PendingJob, record_job(flaky_task, survey_id=1))
    db.session.commit()
    with pytest.raises(RuntimeError):
        execute_pending_job(job.id)
    db.session.refresh(job)
    assert job.state == JobState.PENDING
    assert job.attempts == 1
    assert "database hiccup" in job.last_error
    assert job.run_after > utcnow()
    assert run_due_jobs() == 0, "the backoff has not passed yet"

    job.run_after = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert run_due_jobs() == 1
    db.session.refresh(job)
    assert (job.state, job.attempts) == (JobState.DONE, 2)


def test_a_job_that_keeps_failing_ends_as_failed(app_context, flaky_task):
    FAILURES["left"] = 5
    job = db.session.get(PendingJob, record_job(flaky_task, survey_id=1))
    db.session.commit()
    for _ in range(2):
        with pytest.raises(RuntimeError):
            execute_pending_job(job.id)
        db.session.refresh(job)
        job.run_after = None
        db.session.commit()
    assert job.state == JobState.FAILED
    assert run_due_jobs() == 0


def test_a_job_claimed_by_another_runner_is_not_run_twice(app_context):
    survey, revision, _ = factories.published_survey()
    factories.answer(revision)
    db.session.commit()
    job_id = waiting_jobs()[0].id
    assert execute_pending_job(job_id) is True
    assert execute_pending_job(job_id) is False


def test_a_job_whose_runner_died_goes_back_to_pending(app_context):
    job = db.session.get(PendingJob, record_job("aggregate_responses", survey_id=1))
    db.session.commit()
    job.state = JobState.RUNNING
    job.started_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert release_stalled_jobs() == 1
    db.session.refresh(job)
    assert job.state == JobState.PENDING


def test_unknown_tasks_are_refused(app_context):
    with pytest.raises(KeyError):
        record_job("no_such_task", survey_id=1)
