"""An aggregation job killed half-way (SIGKILL of a real RQ worker process) and recovered through
RQ's cleanup, the app's sweep and a fresh worker: every stored response ends up counted exactly once.
Also a job that fails while the same work waits behind it.

PostgreSQL only: the test holds a row lock that the job's transaction waits on, so the job is provably
inside its transaction, at a known statement, when the worker dies. SQLite locks the whole database
file, so a job there cannot be held at a chosen statement.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from sqlalchemy import delete, insert, select, text, update

from app.benchmarks.aggregation import aggregate_survey
from app.benchmarks.models import BenchmarkCell, BenchmarkWatermark
from app.extensions import db
from app.jobs.dispatch import dispatcher, rq_job_id
from app.jobs.models import JobState, PendingJob
from app.jobs.services import run_due_jobs
from app.jobs.tasks import TASKS
from app.responses.models import ResponseStatus, ResponseSummary
from app.surveys.models import SurveyRevision
from tests import benchmark_support as support
from tests.support import REDIS_URL, make_test_app

pytestmark = pytest.mark.rq

REPO = Path(__file__).resolve().parent.parent
WORKER_SECRET = "test-secret-key-that-is-long-enough-0123456789"
SUMMER = datetime(2026, 8, 10, 12, tzinfo=UTC)
BEFORE_CRASH = 120  # responses aggregated by an earlier, clean run (all in 2026-Q2)
IN_THE_KILLED_JOB = 180  # responses the killed job was counting: half in 2026-Q2, half in 2026-Q3
CAME_WITH = [("alone",), ("partner", "friends"), (), ("friends",)]


def worker_environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "APP_ENV": "testing",
        "SECRET_KEY": WORKER_SECRET,
    }


def run_burst_worker(database_url: str, log_path: Path, *queues: str) -> None:
    """A fresh RQ worker process (forking, as deployed) that runs what is queued and exits."""
    with open(log_path, "ab") as log:
        finished = subprocess.run(
            [sys.executable, "-m", "rq.cli", "worker", "--burst", "--url", REDIS_URL, *queues],
            cwd=REPO,
            env=worker_environment(database_url),
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=120,
        )
    assert finished.returncode == 0, log_path.read_text()


def kill_session(leader: int) -> list[int]:
    """SIGKILL every process of the worker's session: the worker, its scheduler, and the work horse,
    which RQ moves to a process group of its own but which stays in the session."""
    killed = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            if os.getsid(pid) == leader:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
        except (ProcessLookupError, PermissionError):
            continue
    return killed


@pytest.fixture
def worker_process(app, tmp_path):
    """Starts `python -m workers.worker aggregation` in a session of its own; kills it at the end."""
    started: list[subprocess.Popen] = []
    log_path = tmp_path / "worker.log"

    def start() -> subprocess.Popen:
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "workers.worker", "aggregation"],
                cwd=REPO,
                env=worker_environment(app.config["SQLALCHEMY_DATABASE_URI"]),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            kill_session(process.pid)
            process.wait(timeout=10)


def wait_for(condition, what: str, log_path: Path, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    log = log_path.read_text() if log_path.exists() else ""
    pytest.fail(f"timed out waiting for {what}\n{log}")


def respond(revision, index: int, at: datetime) -> None:
    """Response number `index` of the survey: every answer follows from the index, so that the
    responses differ in every question."""
    support.respond(
        revision,
        first_visit="yes" if index % 3 == 0 else "no",
        came_with=CAME_WITH[index % len(CAME_WITH)],
        overall=1 + index % 5,
        recommend=index % 11,
        at=at,
    )


def cells_of(survey_id: int) -> dict:
    rows = db.session.scalars(select(BenchmarkCell).where(BenchmarkCell.survey_id == survey_id))
    return {
        (row.period, row.question_key, row.option_code): (row.responses, row.value_sum, row.value_sum_sq)
        for row in rows
    }


def clean_run_cells(survey_id: int) -> dict:
    """The cells a clean run computes from the same responses, with no earlier state; rolled back."""
    db.session.execute(delete(BenchmarkCell).where(BenchmarkCell.survey_id == survey_id))
    db.session.execute(delete(BenchmarkWatermark).where(BenchmarkWatermark.survey_id == survey_id))
    assert aggregate_survey(survey_id)
    clean = cells_of(survey_id)
    db.session.rollback()
    return clean


# Counted responses of one survey, in plain SQL written apart from the aggregation code.
ANSWER_COUNTS = text(
    "SELECT a.question_code, a.option_code, a.number_value, count(*) FROM answer a "
    "JOIN response r ON r.id = a.response_id "
    "WHERE r.survey_id = :survey AND r.status = 'complete' AND r.is_test = false "
    "GROUP BY a.question_code, a.option_code, a.number_value"
)
CAME_WITH_RESPONDENTS = text(
    "SELECT count(DISTINCT a.response_id) FROM answer a JOIN response r ON r.id = a.response_id "
    "WHERE r.survey_id = :survey AND r.status = 'complete' AND r.is_test = false "
    "AND a.question_code = 'came_with'"
)
RESPONSE_COUNT = text(
    "SELECT count(*) FROM response r "
    "WHERE r.survey_id = :survey AND r.status = 'complete' AND r.is_test = false"
)


def hand_counted_year(survey_id: int) -> dict:
    """The year's counts, straight from the answer table: complete responses, no test responses."""
    expected: dict[tuple[str, str], int] = {}

    def add(key: tuple[str, str], count: int) -> None:
        expected[key] = expected.get(key, 0) + count

    for question, option, value, count in db.session.execute(ANSWER_COUNTS, {"survey": survey_id}):
        if question in ("first_visit", "came_with"):
            add((question, option), count)
        elif question == "recommend":
            add((question, "promoter" if value >= 9 else "passive" if value >= 7 else "detractor"), count)
        if question in ("first_visit", "overall", "recommend"):
            add((question, ""), count)
    expected[("came_with", "")] = db.session.scalar(CAME_WITH_RESPONDENTS, {"survey": survey_id})
    expected[("*", "")] = db.session.scalar(RESPONSE_COUNT, {"survey": survey_id})
    return expected


def blocked_by(connection_pid: int) -> list[tuple[int, str]]:
    """Backends waiting for a lock that the given backend holds, with the statement they wait in."""
    with db.engine.connect() as conn:
        return conn.execute(
            text("SELECT pid, query FROM pg_stat_activity WHERE :holder = ANY(pg_blocking_pids(pid))"),
            {"holder": connection_pid},
        ).all()


def backend_alive(pid: int) -> bool:
    with db.engine.connect() as conn:
        return bool(conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}))


def job_state(job_id: int) -> JobState:
    with db.engine.connect() as conn:
        return JobState(conn.scalar(select(PendingJob.state).where(PendingJob.id == job_id)))


def hold_lock(connection, kill_point: str, revision: SurveyRevision) -> int:
    """Take, in an open transaction, a lock that the survey's aggregation will wait on; returns the
    backend's pid."""
    if kill_point == "watermark":
        # aggregate_survey locks the watermark row first, after it has updated the response summary.
        connection.execute(
            select(BenchmarkWatermark)
            .where(BenchmarkWatermark.survey_id == revision.survey_id)
            .with_for_update()
        )
    else:
        # A cell the run is going to write, inserted and not committed: the run's INSERT waits on its
        # key after the run has deleted the survey's old cells.
        connection.execute(
            insert(BenchmarkCell).values(
                survey_revision_id=revision.id,
                period="2026-Q3",
                question_key="first_visit",
                option_code="yes",
                survey_id=revision.survey_id,
                organisation_id=revision.survey.organisation_id,
                responses=0,
            )
        )
    return connection.scalar(text("SELECT pg_backend_pid()"))


def wait_until_blocked(job_id: int, lock_pid: int, log_path: Path) -> tuple[int, str]:
    """Until the worker has claimed the job and waits for the lock; returns its backend and statement."""
    waiting = wait_for(
        lambda: job_state(job_id) == JobState.RUNNING and blocked_by(lock_pid),
        "the worker to claim the job and wait inside its transaction",
        log_path,
    )
    assert len(waiting) == 1
    return waiting[0]


def assert_every_response_counted_once(survey_id: int, counted: int, in_summer: int) -> dict:
    assert db.session.get(ResponseSummary, survey_id).complete_count == counted
    cells = cells_of(survey_id)
    assert cells == clean_run_cells(survey_id)
    year = {(key, option): cell[0] for (period, key, option), cell in cells.items() if period == "2026"}
    assert year == hand_counted_year(survey_id)
    assert year[("*", "")] == counted
    assert cells[("2026-Q2", "*", "")][0] == counted - in_summer
    assert cells[("2026-Q3", "*", "")][0] == in_summer
    overall = [1 + index % 5 for index in range(counted)]
    assert cells[("2026", "overall", "")] == (counted, sum(overall), sum(v * v for v in overall))
    return cells


def skip_unless_postgresql(app) -> None:
    if app.config["TEST_BACKEND"] != "postgresql":
        pytest.skip("the worker is held inside its transaction by a PostgreSQL row lock")


@pytest.mark.parametrize(
    ("kill_point", "waiting_statement", "arriving_after_crash"),
    [
        pytest.param("watermark", "FROM benchmark_watermark", 0, id="waiting-for-the-watermark"),
        # Responses that arrive while the job is dead record the same work again: the new job does it.
        pytest.param("cells", "INSERT INTO benchmark_cell", 30, id="after-deleting-the-old-cells"),
    ],
)
def test_a_worker_killed_in_the_middle_of_aggregating_loses_nothing_and_counts_nothing_twice(
    app, redis_connection, worker_process, tmp_path, kill_point, waiting_statement, arriving_after_crash
):
    skip_unless_postgresql(app)
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    log_path = tmp_path / "worker.log"

    # An earlier clean run counted the first responses (in-process runner, no Redis).
    with app.app_context():
        _, revision = support.organisation_with_survey("Scenehuset")
        for index in range(BEFORE_CRASH):
            respond(revision, index, support.SPRING)
        db.session.commit()
        assert run_due_jobs() == 1
        survey_id, revision_id = revision.survey_id, revision.id
        cells_before = cells_of(survey_id)
        assert cells_before[("2026", "*", "")][0] == BEFORE_CRASH

    rq_app = make_test_app(database_url, tmp_path, REDIS_URL=REDIS_URL)
    with rq_app.app_context():
        revision = db.session.get(SurveyRevision, revision_id)
        lock = db.engine.connect()
        lock_pid = hold_lock(lock, kill_point, revision)
        worker = worker_process()

        # More responses arrive, with test and unfinished ones that must never count.
        for index in range(BEFORE_CRASH, BEFORE_CRASH + IN_THE_KILLED_JOB):
            respond(revision, index, support.SPRING if index % 2 == 0 else SUMMER)
        for _ in range(4):
            support.respond(revision, is_test=True, at=SUMMER)
        for _ in range(3):
            support.respond(revision, status=ResponseStatus.PARTIAL)
        db.session.commit()
        job_id = db.session.scalar(select(PendingJob.id).where(PendingJob.state != JobState.DONE))
        assert Job.exists(rq_job_id(job_id), connection=redis_connection)

        job_backend, statement = wait_until_blocked(job_id, lock_pid, log_path)
        assert waiting_statement in statement
        killed = kill_session(worker.pid)
        worker.wait(timeout=10)
        assert worker.returncode == -signal.SIGKILL
        assert len(killed) >= 2, "the worker and its work horse"
        lock.rollback()
        lock.close()
        # The dead client's backend finds its connection gone and rolls the transaction back.
        wait_for(lambda: not backend_alive(job_backend), "the killed job's transaction to end", log_path)

        # Nothing of the killed run was committed: the earlier cells and counts stand.
        db.session.expire_all()
        assert job_state(job_id) == JobState.RUNNING
        assert cells_of(survey_id) == cells_before
        assert db.session.get(ResponseSummary, survey_id).complete_count == BEFORE_CRASH
        rq_job = Job.fetch(rq_job_id(job_id), connection=redis_connection)
        assert rq_job.get_status() == JobStatus.STARTED

        first_after = BEFORE_CRASH + IN_THE_KILLED_JOB
        for index in range(first_after, first_after + arriving_after_crash):
            respond(revision, index, SUMMER)
        db.session.commit()

        # RQ's cleanup, as once the dead worker's heartbeat has expired: it fails the RQ job (no RQ
        # retries are configured), and the recorded job stays the app's to recover.
        StartedJobRegistry("aggregation", connection=redis_connection).cleanup(timestamp=time.time() + 3600)
        assert rq_job.get_status(refresh=True) == JobStatus.FAILED
        # The app's sweep releases a job running for more than twice its timeout.
        db.session.execute(
            update(PendingJob)
            .where(PendingJob.id == job_id)
            .values(
                started_at=datetime.now(UTC)
                - timedelta(seconds=2 * TASKS["aggregate_responses"].timeout_seconds + 1)
            )
        )
        db.session.commit()
        dispatcher().sweep()
        waiting_jobs = db.session.scalars(select(PendingJob.id).where(PendingJob.state == JobState.QUEUED))
        (doing_the_work,) = waiting_jobs
        assert (doing_the_work == job_id) == (arriving_after_crash == 0)

        run_burst_worker(database_url, log_path, "aggregation")

        db.session.expire_all()
        assert db.session.get(PendingJob, doing_the_work).state == JobState.DONE
        killed_job = db.session.get(PendingJob, job_id)
        assert killed_job.state == (JobState.DONE if arriving_after_crash == 0 else JobState.FAILED)
        assert killed_job.attempts == (2 if arriving_after_crash == 0 else 1)
        assert_every_response_counted_once(
            survey_id, first_after + arriving_after_crash, IN_THE_KILLED_JOB // 2 + arriving_after_crash
        )
        db.session.remove()
        db.engine.dispose()


def test_a_job_that_fails_while_the_same_work_waits_leaves_it_to_the_waiting_job(
    app, redis_connection, worker_process, tmp_path
):
    skip_unless_postgresql(app)
    log_path = tmp_path / "worker.log"
    rq_app = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, REDIS_URL=REDIS_URL)
    with rq_app.app_context():
        _, revision = support.organisation_with_survey("Scenehuset")
        db.session.commit()
        lock = db.engine.connect()
        lock_pid = hold_lock(lock, "cells", revision)
        worker_process()
        for index in range(40):
            respond(revision, index, support.SPRING if index % 2 == 0 else SUMMER)
        db.session.commit()
        failing = db.session.scalar(select(PendingJob.id))
        wait_until_blocked(failing, lock_pid, log_path)

        # Responses arrive while the job runs: the same work is recorded again and waits.
        for index in range(40, 50):
            respond(revision, index, SUMMER)
        db.session.commit()
        waiting = db.session.scalar(select(PendingJob.id).where(PendingJob.id != failing))
        # Committing the conflicting cell makes the running job's INSERT fail.
        lock.commit()
        lock.close()

        wait_for(lambda: job_state(waiting) == JobState.DONE, "the waiting job to run", log_path)
        db.session.expire_all()
        failed = db.session.get(PendingJob, failing)
        assert failed.state == JobState.FAILED
        assert "IntegrityError" in failed.last_error
        assert_every_response_counted_once(revision.survey_id, 50, 30)
        db.session.remove()
        db.engine.dispose()
