"""A survey's lifecycle: every transition and every refusal, the review rules, revisions that keep
their links answering, copies, deletion, the recorded history, and the member pages that drive it."""

import copy
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.accounts.models import GlobalRole, Membership, OrgRole, User
from app.accounts.passwords import hash_password
from app.core.types import utcnow
from app.extensions import db
from app.organisations.models import Organisation, ReviewRule
from app.responses.models import Response
from app.surveys import lifecycle
from app.surveys.lifecycle import TRANSITIONS, Action, LifecycleError
from app.surveys.models import (
    Collector,
    FrozenRevisionError,
    Survey,
    SurveyEvent,
    SurveyRevision,
    SurveyStatus,
)
from tests import factories
from tests.answering_support import DEFINITION, PAGE_1, PAGE_2, PAGE_3, Respondent, SurveyLink, base_version
from tests.support import csrf_token

S = SurveyStatus
PASSWORD = "lifecycle-password-2026"


PASSWORD_HASH = hash_password(PASSWORD)


@pytest.fixture
def in_english(app):
    """Services called as in a request from a member who reads English."""
    with app.test_request_context("/?lang=en"):
        yield
        db.session.rollback()


def person(email: str = "eier@example.org", organisation=None, role: OrgRole = OrgRole.OWNER) -> User:
    """The user with this address, made (and given the role in the organisation) when new."""
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=email.split("@")[0].title(), password_hash=PASSWORD_HASH)
        db.session.add(user)
        if organisation is not None:
            db.session.add(Membership(user=user, organisation=organisation, role=role))
        db.session.flush()
    return user


def advisor() -> User:
    user = person("radgiver@npu.no")
    user.global_role = GlobalRole.ADVISOR
    return user


def draft(rule: ReviewRule = ReviewRule.NEVER, organisation=None):
    """A new draft survey from the current base questionnaire, and its organisation's owner."""
    factories.base_version()
    organisation = organisation or factories.organisation()
    organisation.review_rule = rule
    owner = person(f"eier{organisation.id}@example.org", organisation)
    lifecycle.create(organisation, owner, "Publikumsundersøkelse")
    survey = db.session.scalar(
        select(Survey).where(Survey.organisation_id == organisation.id).order_by(Survey.id.desc())
    )
    return survey, owner


# How to reach each status from a new draft (the organisation publishes without review).
ROUTES_TO = {
    S.DRAFT: [],
    S.SUBMITTED: [Action.SUBMIT],
    S.CHANGES_REQUESTED: [Action.SUBMIT, Action.REQUEST_CHANGES],
    S.APPROVED: [Action.SUBMIT, Action.APPROVE],
    S.PUBLISHED: [Action.PUBLISH],
    S.CLOSED: [Action.PUBLISH, Action.CLOSE],
    S.ARCHIVED: [Action.PUBLISH, Action.CLOSE, Action.ARCHIVE],
}


def take(action: Action, survey: Survey, user: User):
    """Take `action` as the member (or, for review decisions, an advisor) would."""
    calls = {
        Action.SUBMIT: lambda: lifecycle.submit_for_review(survey, user, "Klar for gjennomsyn"),
        Action.WITHDRAW: lambda: lifecycle.withdraw(survey, user),
        Action.REQUEST_CHANGES: lambda: lifecycle.request_changes(survey, advisor(), "Kortere, takk."),
        Action.APPROVE: lambda: lifecycle.approve(survey, advisor()),
        Action.PUBLISH: lambda: lifecycle.publish(survey, user),
        Action.CLOSE: lambda: lifecycle.close(survey, user),
        Action.REOPEN: lambda: lifecycle.reopen(survey, user),
        Action.ARCHIVE: lambda: lifecycle.archive(survey, user),
        Action.NEW_REVISION: lambda: lifecycle.start_new_revision(survey, user),
        Action.DISCARD_REVISION: lambda: lifecycle.discard_revision(survey, user),
        Action.DELETE: lambda: lifecycle.delete_draft(survey, user),
    }
    return calls[action]()


def survey_in(status: SurveyStatus, published_before: bool = False):
    """A survey in `status`; with `published_before`, a new revision of a published survey is in it."""
    survey, owner = draft()
    if published_before:
        take(Action.PUBLISH, survey, owner)
        take(Action.NEW_REVISION, survey, owner)
    for action in ROUTES_TO[status]:
        take(action, survey, owner)
    assert survey.status == status
    return survey, owner


def events_of(survey_id: int) -> list[SurveyEvent]:
    return list(
        db.session.scalars(
            select(SurveyEvent).where(SurveyEvent.survey_id == survey_id).order_by(SurveyEvent.id.desc())
        )
    )


# --- The transition table ----------------------------------------------------------------------------

ALLOWED = [(action, status) for action, t in TRANSITIONS.items() for status in sorted(t.sources)]
FORBIDDEN = [(action, status) for action, t in TRANSITIONS.items() for status in S if status not in t.sources]


@pytest.mark.parametrize(("action", "status"), ALLOWED, ids=[f"{a}-from-{s}" for a, s in ALLOWED])
def test_every_allowed_transition_moves_the_survey_and_records_it(in_english, action, status):
    # Discarding needs an earlier published revision to go back to; the others start from scratch.
    survey, owner = survey_in(status, published_before=action == Action.DISCARD_REVISION)
    survey_id, before = survey.id, len(events_of(survey.id))
    take(action, survey, owner)
    db.session.commit()
    if action == Action.DELETE:
        assert db.session.get(Survey, survey_id) is None
        assert events_of(survey_id) == []
        return
    assert survey.status == TRANSITIONS[action].target
    events = events_of(survey_id)
    assert len(events) == before + 1
    assert (events[0].action, events[0].from_status, events[0].to_status) == (
        action.value,
        status,
        survey.status,
    )


@pytest.mark.parametrize(("action", "status"), FORBIDDEN, ids=[f"{a}-from-{s}" for a, s in FORBIDDEN])
def test_every_forbidden_transition_is_refused_and_changes_nothing(in_english, action, status):
    survey, owner = survey_in(status)
    revisions, before = len(survey.revisions), len(events_of(survey.id))
    with pytest.raises(LifecycleError) as refused:
        take(action, survey, owner)
    assert str(refused.value) == str(TRANSITIONS[action].refusal)
    db.session.commit()
    assert survey.status == status
    assert (len(survey.revisions), len(events_of(survey.id))) == (revisions, before)


def test_the_refusal_messages_are_translated(app):
    with app.test_request_context(), force_locale("nn"):
        survey, owner = survey_in(S.DRAFT)
        with pytest.raises(LifecycleError) as refused:
            lifecycle.close(survey, owner)
        assert str(refused.value) == "Berre ei publisert undersøking kan avsluttast."
        db.session.rollback()


def test_available_actions_follow_the_table_and_the_conditions(in_english):
    new, _ = survey_in(S.DRAFT)
    assert lifecycle.available_actions(new) == {Action.SUBMIT, Action.PUBLISH, Action.DELETE}
    revised, _ = survey_in(S.DRAFT, published_before=True)
    assert lifecycle.available_actions(revised) == {Action.SUBMIT, Action.PUBLISH, Action.DISCARD_REVISION}
    published, _ = survey_in(S.PUBLISHED)
    assert lifecycle.available_actions(published) == {Action.CLOSE, Action.NEW_REVISION}
    archived, _ = survey_in(S.ARCHIVED)
    assert lifecycle.available_actions(archived) == set()


def test_changes_are_requested_only_with_a_message(in_english):
    survey, _ = survey_in(S.SUBMITTED)
    with pytest.raises(LifecycleError):
        lifecycle.request_changes(survey, advisor(), "   ")
    assert survey.status == S.SUBMITTED


def test_an_incomplete_draft_is_neither_submitted_nor_published(in_english):
    survey, owner = survey_in(S.DRAFT)
    revision = survey.revisions[-1]
    revision.definition = dict(
        revision.definition,
        sections=[
            *revision.definition["sections"],
            {"code": "empty", "title": {"nb": "Tom"}, "questions": []},
        ],
    )
    db.session.flush()
    for action in (Action.SUBMIT, Action.PUBLISH):
        with pytest.raises(LifecycleError, match="not ready"):
            take(action, survey, owner)
    assert survey.status == S.DRAFT
    assert revision.published_at is None


# --- Review rules ------------------------------------------------------------------------------------


def test_rule_always_needs_approval_for_every_survey_and_every_revision(in_english):
    survey, owner = draft(ReviewRule.ALWAYS)
    assert lifecycle.review_required(survey)
    with pytest.raises(LifecycleError, match="NPU reviews every survey"):
        lifecycle.publish(survey, owner)
    take(Action.SUBMIT, survey, owner)
    take(Action.APPROVE, survey, owner)
    lifecycle.publish(survey, owner)
    lifecycle.start_new_revision(survey, owner)
    with pytest.raises(LifecycleError):
        lifecycle.publish(survey, owner)
    assert survey.status == S.DRAFT


def test_rule_first_survey_needs_approval_until_the_organisation_has_published(in_english):
    first, owner = draft(ReviewRule.FIRST_SURVEY)
    # Another organisation's published survey does not count.
    factories.published_survey()
    assert lifecycle.review_required(first)
    with pytest.raises(LifecycleError, match="first survey"):
        lifecycle.publish(first, owner)
    second, _ = draft(ReviewRule.FIRST_SURVEY, organisation=first.organisation)
    with pytest.raises(LifecycleError):
        lifecycle.publish(second, owner)

    take(Action.SUBMIT, first, owner)
    take(Action.APPROVE, first, owner)
    lifecycle.publish(first, owner)

    assert not lifecycle.review_required(second)
    lifecycle.publish(second, owner)
    lifecycle.start_new_revision(first, owner)
    lifecycle.publish(first, owner)
    assert (first.status, second.status) == (S.PUBLISHED, S.PUBLISHED)


def test_rule_never_publishes_from_draft_or_approved(in_english):
    survey, owner = draft(ReviewRule.NEVER)
    assert not lifecycle.review_required(survey)
    lifecycle.publish(survey, owner)
    reviewed, owner = draft(ReviewRule.NEVER, organisation=survey.organisation)
    take(Action.SUBMIT, reviewed, owner)
    take(Action.APPROVE, reviewed, owner)
    lifecycle.publish(reviewed, owner)
    assert (survey.status, reviewed.status) == (S.PUBLISHED, S.PUBLISHED)


# --- Publishing, revisions and the links ---------------------------------------------------------------


def test_publishing_freezes_the_revision_and_opens_one_link(in_english):
    survey, owner = draft()
    collector = lifecycle.publish(survey, owner)
    db.session.commit()
    revision = survey.revisions[0]
    assert revision.published_at is not None
    assert [c.id for c in survey.collectors] == [collector.id]
    revision.definition = dict(revision.definition, sections=[])
    with pytest.raises(FrozenRevisionError):
        db.session.commit()


def test_publishing_again_adds_no_link_and_a_link_made_beforehand_is_kept(in_english):
    survey, owner = draft()
    made_before = Collector(survey=survey, name="Plakat i foajeen", token="plakat-i-foajeen-0123456789abcdef")
    db.session.add(made_before)
    assert lifecycle.publish(survey, owner) is made_before
    lifecycle.start_new_revision(survey, owner)
    lifecycle.publish(survey, owner)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Collector)) == 1


def test_a_new_revision_copies_the_newest_and_leaves_the_published_one_alone(in_english):
    survey, owner = survey_in(S.PUBLISHED)
    revision = lifecycle.start_new_revision(survey, owner)
    first = survey.revisions[0]
    assert (revision.number, revision.published_at, survey.status) == (2, None, S.DRAFT)
    assert revision.definition["sections"] == first.definition["sections"]
    assert lifecycle.live_revision(survey) is first
    assert lifecycle.revision_in_progress(survey) is revision
    revision.definition["sections"][0]["questions"].pop()
    assert len(first.definition["sections"][0]["questions"]) == 2, "a deep copy"


def test_discarding_a_new_revision_returns_to_where_the_survey_was(in_english):
    survey, owner = survey_in(S.CLOSED)
    lifecycle.start_new_revision(survey, owner)
    lifecycle.discard_revision(survey, owner)
    db.session.commit()
    assert survey.status == S.CLOSED
    assert [r.number for r in survey.revisions] == [1]
    assert db.session.scalar(select(func.count()).select_from(SurveyRevision)) == 1
    assert events_of(survey.id)[0].revision_number == 2


@pytest.fixture
def link(app) -> SurveyLink:
    """A published three-page survey in three languages, with one link."""
    with app.app_context():
        organisation = factories.organisation()
        organisation.review_rule = ReviewRule.NEVER
        owner = person(organisation=organisation)
        survey, _revision = factories.new_survey_from_base(organisation, "Høst", base_version(DEFINITION))
        collector = lifecycle.publish(survey, owner)
        db.session.commit()
        return SurveyLink(collector.token, survey.id, collector.id)


def as_owner(app, survey_id: int, action) -> int:
    """Run a lifecycle `action` as the survey's owner; returns the survey's newest revision id."""
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        action(survey, person())
        db.session.commit()
        return survey.revisions[-1].id


def reword_first_question(app, survey_id: int) -> None:
    with app.app_context():
        revision = db.session.get(Survey, survey_id).revisions[-1]
        definition = copy.deepcopy(revision.definition)
        definition["sections"][0]["questions"][0]["text"]["nb"] = "Hvilken aldersgruppe er du i?"
        revision.definition = definition
        db.session.commit()


def revisions_answered(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Response.survey_revision_id).order_by(Response.id)))


def test_the_published_revision_keeps_answering_while_a_new_one_is_edited_then_the_new_one_takes_over(
    app, client, link
):
    with app.app_context():
        first_id = db.session.get(Survey, link.survey_id).revisions[0].id
    second_id = as_owner(app, link.survey_id, lifecycle.start_new_revision)
    reword_first_question(app, link.survey_id)

    early = Respondent(app.test_client(), link)
    assert "Hvor gammel er du?" in early.open().text
    assert early.walk(PAGE_1, PAGE_2, PAGE_3).request.path == link.thanks_url
    # Someone who starts on revision 1 and finishes after revision 2 is published stays on revision 1.
    midway = Respondent(app.test_client(), link)
    midway.walk(PAGE_1)
    assert revisions_answered(app) == [first_id, first_id]

    as_owner(app, link.survey_id, lifecycle.publish)
    late = Respondent(app.test_client(), link)
    assert "Hvilken aldersgruppe er du i?" in late.open().text
    late.walk(PAGE_1, PAGE_2, PAGE_3)
    midway.send(PAGE_2)
    midway.send(PAGE_3)
    assert midway.path == link.thanks_url
    assert revisions_answered(app) == [first_id, first_id, second_id]


def test_closing_closes_the_links_until_a_new_revision_is_published(app, client, link):
    as_owner(app, link.survey_id, lifecycle.close)
    assert client.get(link.url).status_code == 410
    as_owner(app, link.survey_id, lifecycle.start_new_revision)
    assert client.get(link.url).status_code == 410, "a new revision of a closed survey opens nothing"
    as_owner(app, link.survey_id, lifecycle.publish)
    assert client.get(link.url).status_code == 200
    as_owner(app, link.survey_id, lifecycle.close)
    as_owner(app, link.survey_id, lifecycle.reopen)
    assert client.get(link.url).status_code == 200
    as_owner(app, link.survey_id, lifecycle.close)
    as_owner(app, link.survey_id, lifecycle.archive)
    assert client.get(link.url).status_code == 410


def test_a_link_of_a_survey_never_published_leads_nowhere(app, client):
    with app.app_context():
        survey, _owner = draft()
        db.session.add(Collector(survey=survey, name="Plakat", token="plakat-0123456789abcdef0123456789"))
        db.session.commit()
    assert client.get("/s/plakat-0123456789abcdef0123456789").status_code == 404


# --- Copies and deletion -------------------------------------------------------------------------------


def test_a_copy_is_a_new_draft_with_the_newest_revisions_questions(in_english):
    survey, owner = survey_in(S.CLOSED)
    revision = lifecycle.start_new_revision(survey, owner)
    revision.definition = dict(revision.definition, intro={"nb": "Ny innledning"})
    copied = lifecycle.duplicate(survey, owner, "  Publikumsundersøkelse 2027 ")
    db.session.commit()
    assert (copied.title, copied.status, copied.organisation_id) == (
        "Publikumsundersøkelse 2027",
        S.DRAFT,
        survey.organisation_id,
    )
    assert copied.base_version_id == survey.base_version_id
    assert [r.number for r in copied.revisions] == [1]
    assert copied.revisions[0].published_at is None
    assert copied.revisions[0].definition["intro"] == {"nb": "Ny innledning"}
    assert copied.revisions[0].definition["title"]["nb"] == "Publikumsundersøkelse 2027", (
        "the builder names the survey after its definition: the copy keeps its own name"
    )
    assert copied.collectors == []
    event = events_of(copied.id)[0]
    assert (event.action, event.actor_id, event.message) == ("duplicate", owner.id, "Publikumsundersøkelse")
    with pytest.raises(LifecycleError):
        lifecycle.duplicate(survey, owner, " ")


def test_a_draft_with_responses_is_not_deleted(in_english):
    survey, owner = survey_in(S.DRAFT)
    factories.answer(survey.revisions[0])
    with pytest.raises(LifecycleError, match="responses"):
        lifecycle.delete_draft(survey, owner)


@pytest.mark.parametrize("status", [S.DRAFT, S.CHANGES_REQUESTED])
def test_a_new_revision_of_a_published_survey_is_not_deleted(in_english, status):
    survey, owner = survey_in(status, published_before=True)
    with pytest.raises(LifecycleError, match="published"):
        lifecycle.delete_draft(survey, owner)
    db.session.commit()
    assert db.session.get(Survey, survey.id) is not None


# --- History ---------------------------------------------------------------------------------------------


def test_the_history_says_who_did_what_when_with_which_message_newest_first(in_english):
    started = utcnow()
    survey, owner = draft(ReviewRule.ALWAYS)
    lifecycle.submit_for_review(survey, owner, "  Første utkast  ")
    reviewer = advisor()
    lifecycle.request_changes(survey, reviewer, "Spørsmål 3 er uklart.")
    lifecycle.submit_for_review(survey, owner)
    lifecycle.approve(survey, reviewer, "Fint!")
    lifecycle.publish(survey, owner)
    db.session.commit()

    history = lifecycle.history(survey)
    assert [(e.action, e.actor_id, e.message) for e in history] == [
        ("publish", owner.id, None),
        ("approve", reviewer.id, "Fint!"),
        ("submit", owner.id, None),
        ("request_changes", reviewer.id, "Spørsmål 3 er uklart."),
        ("submit", owner.id, "Første utkast"),
        ("create", owner.id, None),
    ]
    assert all(started - timedelta(seconds=1) <= e.created_at <= utcnow() for e in history)
    assert [e.revision_number for e in history] == [1] * 6
    assert (history[-1].from_status, history[-1].to_status) == (None, S.DRAFT)


def test_a_deleted_users_events_stay_without_a_name(in_english):
    survey, owner = draft()
    lifecycle.publish(survey, person("redaktor@example.org", survey.organisation, OrgRole.EDITOR))
    db.session.commit()
    editor = db.session.scalar(select(User).where(User.email == "redaktor@example.org"))
    db.session.delete(editor)
    db.session.commit()
    db.session.expire_all()
    assert [e.actor_id for e in lifecycle.history(survey)] == [None, owner.id]


# --- The member pages -----------------------------------------------------------------------------------


def logged_in(app, email: str):
    client = app.test_client()
    token = csrf_token(client.get("/login?lang=en").text)
    reply = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert reply.status_code == 302
    return client


@pytest.fixture
def organisation_members(app):
    """An organisation publishing without review, its owner, editor and viewer, and a draft."""
    with app.app_context():
        organisation = factories.organisation()
        organisation.review_rule = ReviewRule.FIRST_SURVEY
        for role in OrgRole:
            person(f"{role.value}@example.org", organisation, role)
        factories.base_version()
        db.session.commit()
        return organisation.id


def post(client, url: str, **data):
    token = csrf_token(client.get("/account").text)
    return client.post(url, data={"csrf_token": token, **data})


def action_urls(page: str) -> set[str]:
    return set(re.findall(r'action="(/org/\d+/surveys/\d+/[\w/]+)"', page))


def test_an_owner_creates_submits_and_after_approval_publishes_a_survey_in_the_browser(
    app, organisation_members
):
    org_id = organisation_members
    owner = logged_in(app, "owner@example.org")
    dashboard = owner.get(f"/org/{org_id}/").text
    assert f'href="/org/{org_id}/surveys/new"' in dashboard

    form = owner.get(f"/org/{org_id}/surveys/new")
    assert (
        owner.post(
            f"/org/{org_id}/surveys/new", data={"csrf_token": csrf_token(form.text), "title": ""}
        ).status_code
        == 400
    )
    created = owner.post(
        f"/org/{org_id}/surveys/new", data={"csrf_token": csrf_token(form.text), "title": "Vår 2027"}
    )
    assert created.status_code == 302
    url = created.headers["Location"]
    page = owner.get(url).text
    assert "The survey is created as a draft." in page
    assert f'href="{url}/build"' in page, "edit the questions"
    assert action_urls(page) == {f"{url}/submit", f"{url}/duplicate"}, "the first survey needs review"
    assert "its first survey is approved by NPU" in page

    refused = post(owner, f"{url}/publish")
    assert refused.status_code == 302
    assert "first survey is reviewed by NPU before it is published" in owner.get(url).text

    post(owner, f"{url}/submit", message="Se særlig på side 2.")
    page = owner.get(url).text
    assert "Submitted for review" in page and "Se særlig på side 2." in page
    assert action_urls(page) == {f"{url}/withdraw", f"{url}/duplicate"}

    with app.app_context():
        survey = db.session.scalar(select(Survey).where(Survey.title == "Vår 2027"))
        lifecycle.approve(survey, advisor())
        db.session.commit()
    post(owner, f"{url}/publish")
    page = owner.get(url).text
    assert "The survey is published: its links take answers." in page
    assert "Revision 1 is the published one" in page
    assert action_urls(page) == {f"{url}/revisions", f"{url}/close", f"{url}/duplicate"}

    post(owner, f"{url}/revisions")
    page = owner.get(url).text
    assert (
        "Revision 2 is being edited" in page and "keeps taking answers until revision 2 is published" in page
    )
    assert {f"{url}/publish", f"{url}/revisions/discard"} <= action_urls(page), "no review after the first"


def test_an_editor_closes_reopens_archives_and_copies(app, organisation_members):
    org_id = organisation_members
    with app.app_context():
        survey, owner = draft(organisation=db.session.get(Organisation, org_id))
        lifecycle.submit_for_review(survey, owner)
        lifecycle.approve(survey, advisor())
        lifecycle.publish(survey, owner)
        db.session.commit()
        url = f"/org/{org_id}/surveys/{survey.id}"
    editor = logged_in(app, "editor@example.org")
    for action, flashed in (
        ("close", "The survey is closed"),
        ("reopen", "The survey is open again."),
        ("close", "The survey is closed"),
        ("archive", "The survey is archived."),
    ):
        assert post(editor, f"{url}/{action}").status_code == 302
        assert flashed in editor.get(url).text
    assert action_urls(editor.get(url).text) == {f"{url}/duplicate"}

    too_long = post(editor, f"{url}/duplicate", title="x" * 201)
    assert too_long.status_code == 400 and "error-summary" in too_long.text
    copied = post(editor, f"{url}/duplicate", title="Høst 2027")
    assert copied.status_code == 302
    page = editor.get(copied.headers["Location"]).text
    assert "The copy is created as a draft." in page and "Created as a copy" in page


def test_a_draft_is_deleted_after_a_confirmation_page(app, organisation_members):
    org_id = organisation_members
    owner = logged_in(app, "owner@example.org")
    with app.app_context():
        survey, _ = draft(ReviewRule.FIRST_SURVEY, organisation=db.session.get(Organisation, org_id))
        db.session.commit()
        url = f"/org/{org_id}/surveys/{survey.id}"
    assert f'href="{url}/delete"' in owner.get(url).text
    confirm = owner.get(f"{url}/delete")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.text
    deleted = owner.post(f"{url}/delete", data={"csrf_token": csrf_token(confirm.text)})
    assert deleted.headers["Location"] == f"/org/{org_id}/"
    assert "is deleted" in owner.get(f"/org/{org_id}/").text
    assert owner.get(url).status_code == 404


def test_a_published_survey_offers_no_deletion_and_refuses_one(app, organisation_members):
    org_id = organisation_members
    owner = logged_in(app, "owner@example.org")
    with app.app_context():
        survey, _, _ = factories.published_survey(db.session.get(Organisation, org_id))
        db.session.commit()
        url = f"/org/{org_id}/surveys/{survey.id}"
    confirm = owner.get(f"{url}/delete")
    refusal = "Only a draft that has never been published can be deleted."
    assert refusal in confirm.text and f'action="{url}/delete"' not in confirm.text
    assert post(owner, f"{url}/delete").status_code == 302
    assert refusal in owner.get(url).text
    with app.app_context():
        assert db.session.get(Survey, survey.id) is not None


MEMBER_ACTIONS = [
    "submit",
    "withdraw",
    "publish",
    "close",
    "reopen",
    "archive",
    "revisions",
    "revisions/discard",
    "duplicate",
    "delete",
]


def test_a_viewer_sees_no_buttons_and_is_refused_every_action(app, organisation_members):
    org_id = organisation_members
    with app.app_context():
        survey, _ = draft(organisation=db.session.get(Organisation, org_id))
        db.session.commit()
        url = f"/org/{org_id}/surveys/{survey.id}"
    viewer = logged_in(app, "viewer@example.org")
    page = viewer.get(url)
    assert page.status_code == 200 and action_urls(page.text) == set()
    assert "/surveys/new" not in viewer.get(f"/org/{org_id}/").text
    assert post(viewer, f"/org/{org_id}/surveys/new", title="Nei").status_code == 403
    for action in MEMBER_ACTIONS:
        assert post(viewer, f"{url}/{action}", title="Kopi").status_code == 403, action
    with app.app_context():
        assert db.session.get(Survey, survey.id).status == S.DRAFT
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 1


def test_another_organisations_survey_is_404_for_every_action(app, organisation_members):
    org_id = organisation_members
    with app.app_context():
        foreign, _ = draft()
        db.session.commit()
        foreign_id = foreign.id
    owner = logged_in(app, "owner@example.org")
    for action in MEMBER_ACTIONS:
        assert post(owner, f"/org/{org_id}/surveys/{foreign_id}/{action}", title="Kopi").status_code == 404, (
            action
        )
    assert owner.get(f"/org/{org_id}/surveys/{foreign_id}/delete").status_code == 404
    with app.app_context():
        assert db.session.get(Survey, foreign_id).status == S.DRAFT
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 1
