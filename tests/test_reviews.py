"""Advisors' reviews: what advisors may and may not reach (with real ids), the queue's filters,
comments scoped to their survey, snapshots and the diff on resubmission, notifications and mail,
and the comparison and move between base questionnaire versions."""

import copy

import pyotp
import pytest
from sqlalchemy import func, select

from app.accounts.models import GlobalRole, Membership, OrgRole, User
from app.accounts.passwords import hash_password
from app.extensions import db
from app.mail.models import OutgoingMail
from app.questionnaires.definition import iter_questions
from app.questionnaires.models import QuestionnaireVersion
from app.questionnaires.services import current_base_version, load_definitions, version_sort_key
from app.reviews import base_versions, services
from app.reviews.diff import continued_by, diff_definitions
from app.reviews.models import Notification, ReviewComment
from app.surveys import builder
from app.surveys.models import Survey, SurveyStatus
from app.surveys.services import new_survey_from_base
from tests import factories
from tests.support import csrf_token

PASSWORD = "review-password-2026"
PASSWORD_HASH = hash_password(PASSWORD)
QUESTION = {
    "type": "single_choice",
    "text": {"nb": "Hvordan hørte du om oss?", "nn": "Korleis høyrde du om oss?", "en": "How did you hear?"},
    "options": [
        {"code": "avis", "label": {"nb": "Avis", "nn": "Avis", "en": "Newspaper"}},
        {"code": "annet", "label": {"nb": "Annet", "nn": "Anna", "en": "Other"}},
    ],
}


@pytest.fixture
def in_request(app):
    with app.test_request_context("/?lang=en"):
        yield
        db.session.rollback()


def submitted_survey():
    """A survey in review with a question of its own, its owner and an advisor."""
    organisation = factories.organisation()
    owner = User(email="eier@example.org", password_hash=PASSWORD_HASH)
    db.session.add(Membership(user=owner, organisation=organisation, role=OrgRole.OWNER))
    advisor = User(
        email="radgiver@npu.no",
        password_hash=PASSWORD_HASH,
        global_role=GlobalRole.ADVISOR,
        totp_secret=pyotp.random_base32(),
    )
    db.session.add(advisor)
    load_definitions()
    survey, _revision = new_survey_from_base(organisation, "Vår 2027", current_base_version())
    db.session.flush()
    section = survey.revisions[-1].definition["sections"][0]["code"]
    code = builder.add_question(survey, section, QUESTION)
    survey.status = SurveyStatus.SUBMITTED
    db.session.commit()
    return survey, owner, advisor, code


def log_in(client, user: User) -> None:
    token = csrf_token(client.get("/login").text)
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    if user.totp_secret:
        page = client.get("/login/two-factor")
        code = pyotp.TOTP(user.totp_secret).now()
        client.post("/login/two-factor", data={"code": code, "csrf_token": csrf_token(page.text)})


def test_advisors_review_but_reach_no_responses_results_or_changes(app, client):
    with app.app_context():
        survey, owner, advisor, code = submitted_survey()
        org_id, survey_id = survey.organisation_id, survey.id
        collector_id = factories.published_survey(survey.organisation)[2].id
        db.session.commit()
        before = survey.revisions[-1].definition
        log_in(client, advisor)
    token = csrf_token(client.get("/advisor/queue").text)
    assert client.get(f"/advisor/surveys/{survey_id}").status_code == 200
    assert client.get(f"/org/{org_id}/surveys/{survey_id}").status_code == 200
    for url in (
        f"/org/{org_id}/",
        f"/org/{org_id}/settings",
        f"/org/{org_id}/surveys/{survey_id}/links",
        f"/org/{org_id}/links/{collector_id}/qr.svg",
        f"/org/{org_id}/surveys/{survey_id}/opt-ins",
        f"/org/{org_id}/surveys/{survey_id}/opt-ins.csv",
        f"/org/{org_id}/surveys/{survey_id}/build",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/org/{org_id}/surveys/{survey_id}/publish",
        f"/org/{org_id}/surveys/{survey_id}/withdraw",
        f"/org/{org_id}/surveys/{survey_id}/test-responses/delete",
        f"/org/{org_id}/surveys/{survey_id}/build/questions/{code}/delete",
        f"/org/{org_id}/surveys/{survey_id}/comments",
        f"/org/{org_id}/surveys/{survey_id}/base-version",
    ):
        assert client.post(url, data={"csrf_token": token, "body": "x"}).status_code in (403, 404), url
    with app.app_context():
        unchanged = db.session.get(Survey, survey_id)
        assert unchanged.status == SurveyStatus.SUBMITTED
        assert unchanged.revisions[-1].definition == before
        assert db.session.scalar(select(func.count()).select_from(ReviewComment)) == 0


def test_the_queue_filters_sorts_and_refuses_unknown_values(app, client):
    with app.app_context():
        survey, _owner, advisor, _code = submitted_survey()
        survey_id = survey.id
        log_in(client, advisor)
    token = csrf_token(client.get("/advisor/queue").text)
    assert "Vår 2027" in client.get("/advisor/queue?sector=theatre&fylke=46&sort=organisation").text
    assert "Vår 2027" not in client.get("/advisor/queue?assigned=me").text
    assert client.get("/advisor/queue?sort=title;drop").status_code == 400
    assert client.get("/advisor/queue?sector=nonsense").status_code == 400
    client.post(f"/advisor/surveys/{survey_id}/assign", data={"csrf_token": token})
    assert "Vår 2027" in client.get("/advisor/queue?assigned=me").text
    assert "Vår 2027" not in client.get("/advisor/queue?assigned=unassigned").text
    assert "Vår 2027" in client.get("/advisor/my-reviews").text


def test_a_review_round_snapshots_diffs_and_notifies(app, in_request):
    survey, owner, advisor, code = submitted_survey()
    services.assign(survey, advisor)  # so that the member's reply reaches the advisor
    comment = services.add_comment(survey, advisor, "Spør om kanal.", question_code=code)
    services.request_changes(survey, advisor, "Se kommentaren.")
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == owner.id)).all()
    assert sorted(kinds) == ["changes_requested", "commented"]
    assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == 2
    services.add_comment(survey, owner, "Endret.", parent_id=comment.id)
    services.resolve(comment, owner)
    question = next(
        ref.question
        for ref in iter_questions(survey.revisions[-1].definition)
        if ref.question["code"] == code
    )
    builder.update_question(survey, code, dict(QUESTION, text=dict(QUESTION["text"], nb="Hvilken kanal?")))
    services.submit(survey, owner)
    # The member's reply and the resubmission.
    assert db.session.scalar(select(func.count()).where(Notification.user_id == advisor.id)) == 2
    _snapshot, diff = services.changes_since_last_review(survey)
    assert [(change.code, change.reworded) for change in diff.questions] == [(code, True)]
    assert question["text"]["nb"] == "Hvordan hørte du om oss?"
    actions = [entry.action for entry in services.audit_history(survey)]
    assert {"comment", "reply", "resolve_comment", "request_changes"} <= set(actions)
    threads = services.threads(survey)[code]
    assert threads[0].resolved and [reply.body for reply in threads[0].replies] == ["Endret."]
    with pytest.raises(services.ReviewError):
        services.add_comment(survey, owner, "  ")


def test_comments_of_another_survey_cannot_be_answered_or_resolved(app, in_request):
    survey, owner, advisor, _code = submitted_survey()
    other, _revision, _collector = factories.published_survey()
    comment = services.add_comment(survey, advisor, "Hei.")
    assert services.comment_in_survey(other, comment.id) is None
    with pytest.raises(services.ReviewError):
        services.add_comment(other, advisor, "Svar.", parent_id=comment.id)


def test_the_diff_names_options_moves_conditions_and_comparability():
    before = {
        "sections": [
            {
                "code": "p1",
                "questions": [
                    {
                        "code": "a",
                        "type": "single_choice",
                        "text": {"nb": "A"},
                        "options": [{"code": "x", "label": {"nb": "X"}}],
                    },
                    {"code": "b", "type": "short_text", "text": {"nb": "B"}},
                    {"code": "old", "type": "short_text", "text": {"nb": "Gammel"}},
                ],
            }
        ]
    }
    after = copy.deepcopy(before)
    questions = after["sections"][0]["questions"]
    questions[0]["options"] = [{"code": "x", "label": {"nb": "X2"}}, {"code": "y", "label": {"nb": "Y"}}]
    questions[1]["show_if"] = {"question": "a", "equals": "x"}
    questions[2] = {"code": "new", "type": "short_text", "text": {"nb": "Ny"}, "comparable_with": ["old"]}
    questions.insert(0, questions.pop(1))
    diff = diff_definitions(before, after)
    by_code = {change.code: change for change in diff.questions}
    assert [option["code"] for option in by_code["a"].options_added] == ["y"]
    assert by_code["a"].options_relabelled and by_code["b"].condition_changed
    assert by_code["a"].moved or by_code["b"].moved
    assert by_code["old"].kind == "removed" and by_code["new"].kind == "added"
    assert continued_by(diff) == {"old": ["new"]}


def test_a_draft_moves_to_the_newest_base_keeping_its_own_questions(app, in_request):
    load_definitions()
    old_base = current_base_version()
    survey, _revision = new_survey_from_base(factories.organisation(), "Høst", old_base)
    db.session.flush()
    section = survey.revisions[-1].definition["sections"][0]["code"]
    own = builder.add_question(survey, section, QUESTION)
    definition = dict(copy.deepcopy(old_base.definition), version="2099.1")
    next(ref.question for ref in iter_questions(definition) if ref.question["locked"])["text"]["nb"] += (
        " (ny)"
    )
    newer = QuestionnaireVersion(
        code=old_base.code,
        version="2099.1",
        sort_key=version_sort_key("2099.1"),
        title=old_base.title,
        definition=definition,
        content_hash="2099.1",
    )
    db.session.add(newer)
    db.session.flush()
    assert diff_definitions(old_base.definition, newer.definition).questions[0].reworded
    assert base_versions.newer_base(survey) == newer
    base_versions.move_to_newest_base(survey)
    assert survey.base_version == newer
    assert own in {ref.question["code"] for ref in iter_questions(survey.revisions[-1].definition)}
    with pytest.raises(base_versions.BaseVersionError):
        base_versions.move_to_newest_base(survey)
