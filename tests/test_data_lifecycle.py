"""The end of a response's life: deleting one, deleting test responses from the results page,
deleting a survey with its responses, and the organisation's retention period."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.core.types import utcnow
from app.extensions import db
from app.jobs.models import PendingJob
from app.organisations.models import Organisation
from app.responses.lifecycle import purge_expired_responses, retention_cutoff
from app.responses.models import Answer, Response
from app.surveys.models import Survey
from tests import factories
from tests.results_support import build, logged_in, respond, results_url
from tests.support import csrf_token


@pytest.fixture
def world(app):
    return build(app)


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def waiting_tasks(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(PendingJob.task)))


def clear_jobs(app) -> None:
    with app.app_context():
        db.session.execute(PendingJob.__table__.delete())
        db.session.commit()


# --- One response -----------------------------------------------------------------------------


def test_the_owner_deletes_one_response_after_a_confirmation(app, world):
    kept, doomed = respond(app, world, 2, first_visit="no", comment="Slett meg")
    clear_jobs(app)
    client = logged_in(app, "owner")
    listing = client.get(f"/org/{world.org_id}/surveys/{world.survey_id}/responses").text
    url = f"/org/{world.org_id}/responses/{doomed}/delete"
    assert f'href="{url}"' in listing

    confirmation = client.get(url)
    assert confirmation.status_code == 200 and "Delete response" in confirmation.text
    assert count(app, Response, Response.id == doomed) == 1, "a GET changes nothing"
    reply = client.post(url, data={"csrf_token": csrf_token(confirmation.text)})
    assert reply.status_code == 302
    assert count(app, Response, Response.id == doomed) == 0
    assert count(app, Answer, Answer.response_id == doomed) == 0
    assert count(app, Response, Response.id == kept) == 1
    assert "aggregate_responses" in waiting_tasks(app), "counts and benchmark cells are recomputed"
    assert f"Response {doomed} is deleted." in client.get(reply.headers["Location"]).text


def test_the_confirmation_needs_the_csrf_token(app, world):
    [response_id] = respond(app, world)
    client = logged_in(app, "owner")
    assert client.post(f"/org/{world.org_id}/responses/{response_id}/delete").status_code == 400
    assert count(app, Response, Response.id == response_id) == 1


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_editors_and_viewers_cannot_delete_responses(app, world, role):
    [response_id] = respond(app, world)
    client = logged_in(app, role)
    token = csrf_token(client.get("/account").text)
    url = f"/org/{world.org_id}/responses/{response_id}/delete"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"csrf_token": token}).status_code == 403
    delete_survey = f"/org/{world.org_id}/surveys/{world.survey_id}/delete-with-responses"
    assert client.post(delete_survey, data={"csrf_token": token, "confirm": "y"}).status_code == 403
    assert client.get(f"/org/{world.org_id}/surveys/{world.survey_id}/responses").status_code == 403
    assert count(app, Response, Response.id == response_id) == 1
    assert count(app, Survey, Survey.id == world.survey_id) == 1


def test_another_organisations_response_is_404_and_stays(app, world):
    with app.app_context():
        _, revision, _ = factories.published_survey(db.session.get(Organisation, world.other_org_id))
        foreign = factories.answer(revision).id
        db.session.commit()
    client = logged_in(app, "owner")
    token = csrf_token(client.get("/account").text)
    for org_id in (world.org_id, world.other_org_id):
        url = f"/org/{org_id}/responses/{foreign}/delete"
        assert client.get(url).status_code == 404
        assert client.post(url, data={"csrf_token": token}).status_code == 404
    foreign_survey = f"/org/{world.org_id}/surveys/{world.other_survey_id}/delete-with-responses"
    assert client.post(foreign_survey, data={"csrf_token": token, "confirm": "y"}).status_code == 404
    assert count(app, Response, Response.id == foreign) == 1
    assert count(app, Survey, Survey.id == world.other_survey_id) == 1


# --- Test responses ---------------------------------------------------------------------------


def test_test_responses_are_deleted_from_the_results_page(app, world):
    respond(app, world, 5)
    respond(app, world, 3, is_test=True)
    client = logged_in(app, "owner")
    page = client.get(results_url(world)).text
    assert "Test responses stored: 3. They never count in the results." in page
    action = f"/org/{world.org_id}/surveys/{world.survey_id}/test-responses/delete"
    assert f'action="{action}"' in page
    client.post(action, data={"csrf_token": csrf_token(page)})
    assert count(app, Response, Response.is_test.is_(True)) == 0
    assert count(app, Response) == 5
    assert "Test responses stored" not in client.get(results_url(world)).text
    assert f'action="{action}"' not in logged_in(app, "editor").get(results_url(world)).text


# --- A survey with its responses --------------------------------------------------------------


def test_the_owner_deletes_a_survey_with_its_responses(app, world):
    respond(app, world, 6, comment="Svar")
    clear_jobs(app)
    client = logged_in(app, "owner")
    url = f"/org/{world.org_id}/surveys/{world.survey_id}/delete-with-responses"
    assert (
        f'href="/org/{world.org_id}/surveys/{world.survey_id}/responses"'
        in client.get(f"/org/{world.org_id}/surveys/{world.survey_id}").text
    )
    page = client.get(url).text
    assert "all its 6 responses" in page

    refused = client.post(url, data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 400 and "Tick the box to confirm the deletion." in refused.text
    assert count(app, Response) == 6

    reply = client.post(url, data={"csrf_token": csrf_token(page), "confirm": "y"})
    assert reply.status_code == 302 and reply.headers["Location"] == f"/org/{world.org_id}/"
    assert count(app, Survey, Survey.id == world.survey_id) == 0
    assert count(app, Response) == 0 and count(app, Answer) == 0
    assert "recompute_benchmarks" in waiting_tasks(app), "its responses leave the peer comparisons"
    assert count(app, Survey, Survey.id == world.other_survey_id) == 1


# --- Retention --------------------------------------------------------------------------------


def test_retention_cutoff_counts_calendar_months():
    assert retention_cutoff(12, datetime(2026, 3, 15, 8, 0, tzinfo=UTC)) == datetime(
        2025, 3, 15, 8, 0, tzinfo=UTC
    )
    assert retention_cutoff(1, datetime(2026, 3, 31, tzinfo=UTC)) == datetime(2026, 2, 28, tzinfo=UTC)
    assert retention_cutoff(3, datetime(2026, 1, 10, tzinfo=UTC)) == datetime(2025, 10, 10, tzinfo=UTC)


def test_the_owner_sets_the_retention_period_on_the_settings_page(app, world):
    client = logged_in(app, "owner")
    settings = client.get(f"/org/{world.org_id}/settings").text
    assert "Responses are kept until you delete them." in settings
    url = f"/org/{world.org_id}/settings/retention"
    assert f'action="{url}"' in settings

    refused = client.post(url, data={"csrf_token": csrf_token(settings), "months": "0"})
    assert refused.status_code == 400
    assert "Keep responses for 1 to 120 months, or leave the field empty." in refused.text

    client.post(url, data={"csrf_token": csrf_token(settings), "months": "18"})
    assert "Responses are kept for 18 months." in client.get(f"/org/{world.org_id}/settings").text
    client.post(url, data={"csrf_token": csrf_token(settings), "months": ""})
    with app.app_context():
        assert db.session.get(Organisation, world.org_id).response_retention_months is None

    editor = logged_in(app, "editor")
    token = csrf_token(editor.get("/account").text)
    assert editor.post(url, data={"csrf_token": token, "months": "1"}).status_code == 403


def test_the_purge_deletes_responses_past_the_retention_period(app, world, runner):
    old = respond(app, world, 2, days_ago=400)
    unfinished = respond(app, world, 1, days_ago=400, status="partial")
    recent = respond(app, world, 3, days_ago=10)
    with app.app_context():
        db.session.get(Organisation, world.org_id).response_retention_months = 12
        _, revision, _ = factories.published_survey(db.session.get(Organisation, world.other_org_id))
        elsewhere = factories.answer(revision, submitted_at=utcnow() - timedelta(days=900)).id
        db.session.commit()
    clear_jobs(app)

    result = runner.invoke(args=["responses", "purge-expired"])
    assert result.exit_code == 0, result.output
    assert "deleted 3 response(s)" in result.output
    remaining = _ids(app)
    assert remaining == {*recent, elsewhere}, "only the organisation with a retention period loses any"
    assert not set(old + unfinished) & remaining
    assert "aggregate_responses" in waiting_tasks(app)
    with app.app_context():
        assert purge_expired_responses() == 0


def _ids(app) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(Response.id)))
