"""An export through the real Redis and a real RQ worker (SimpleWorker, burst mode), on both backends."""

import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import select

from app.exports import services
from app.exports.models import ExportFormat, ExportRequest, ExportScope, ExportState
from app.extensions import db
from app.jobs.models import JobState, PendingJob
from tests.export_support import FULL_ANSWER, answer, csv_dicts, published_survey

pytestmark = pytest.mark.rq


def test_an_export_is_queued_on_the_exports_queue_and_the_worker_makes_the_file(rq_app, redis_connection):
    survey, revision, _ = published_survey()
    answer(revision, FULL_ANSWER)
    db.session.commit()
    export = services.request_export(survey, None, ExportFormat.CSV, ExportScope.COMPLETE, "nb")
    db.session.commit()
    exports_queue = Queue("exports", connection=redis_connection)
    assert exports_queue.count == 1

    SimpleWorker([exports_queue], connection=redis_connection).work(burst=True)

    db.session.expire_all()
    job = db.session.scalar(select(PendingJob).where(PendingJob.task == "run_export"))
    assert job.state == JobState.DONE
    done = db.session.get(ExportRequest, export.id)
    assert (done.state, done.progress, done.response_count) == (ExportState.DONE, 100, 1)
    assert csv_dicts(done.content)[0]["recommend"] == "9"
