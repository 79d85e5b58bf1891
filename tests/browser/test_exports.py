"""Exporting in Chromium: start an export, see it wait, run and finish without reloading, download
the file; the export page and the import page pass axe."""

import csv
import io

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.jobs.models import JobState, PendingJob
from app.jobs.services import execute_pending_job
from tests.browser.conftest import axe_violations, log_in, survey_url

pytestmark = pytest.mark.browser


def run_export_jobs(live_server) -> None:
    """What the background runner does; the test server runs no jobs on its own."""
    with live_server.app.app_context():
        waiting = select(PendingJob.id).where(
            PendingJob.task == "run_export", PendingJob.state == JobState.PENDING
        )
        for job_id in db.session.scalars(waiting).all():
            execute_pending_job(job_id)
        db.session.remove()


def test_an_export_is_started_followed_and_downloaded(page, live_server, seeded):
    log_in(page, seeded.email, seeded.password)
    survey = survey_url(live_server)
    page.goto(survey)
    page.locator(f"a[href='{survey}/exports']").click()
    page.wait_for_url(f"**{survey}/exports")
    assert axe_violations(page) == []

    page.locator("input[name=format][value=csv]").check()
    page.locator("input[name=scope][value=all]").check()
    page.locator("input[name=language][value=en]").check()
    page.locator("main form button[type=submit]").click()
    table = page.locator("[data-exports-list] table")
    expect(table).to_contain_text("CSV (kommaseparert, UTF-8)")
    expect(page.locator("[data-exports-list]")).to_have_attribute("data-poll", "")
    assert axe_violations(page) == []

    # The page follows the job by itself: no reload between here and the link.
    run_export_jobs(live_server)
    link = page.locator("[data-exports-list] a[download]")
    expect(link).to_be_visible(timeout=15_000)
    expect(page.locator("[data-exports-list]")).not_to_have_attribute("data-poll", "")
    assert axe_violations(page) == []

    with page.expect_download() as arrived:
        link.click()
    download = arrived.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as handle:
        header = next(csv.reader(io.StringIO(handle.read())))
    assert header[:2] == ["response_id", "response_status"]


def test_the_import_page_passes_axe_also_with_problems(page, live_server, seeded, tmp_path):
    log_in(page, seeded.email, seeded.password)
    survey = survey_url(live_server)
    page.goto(survey)
    page.locator(f"a[href='{survey}/responses/import']").click()
    page.wait_for_url(f"**{survey}/responses/import")
    assert axe_violations(page) == []

    bad = tmp_path / "paper.csv"
    bad.write_text("shoe_size\n44\n", encoding="utf-8")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text("shoe_size")
    assert axe_violations(page) == []
