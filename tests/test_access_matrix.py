"""Tenant isolation and role rules for every route, generated from `app.url_map`.

A route that is not in ROUTES fails the suite, so a new route is covered the day it is added.
For each route and each role the expected answer comes from the matrix below; ids are real ids of
objects in another organisation.
"""

from dataclasses import dataclass

import pyotp
import pytest
from sqlalchemy import func, select

from app.accounts.models import GlobalRole, Invitation, Membership, OrgRole, User
from app.accounts.passwords import hash_password
from app.api_tokens.services import create_token
from app.benchmarks.services import recompute_benchmarks
from app.core.types import utcnow
from app.exports import services as export_services
from app.exports.models import ExportFormat, ExportScope, ExportState
from app.extensions import db
from app.reviews.models import ReviewComment
from app.surveys import builder
from app.surveys.models import Survey, SurveyStatus
from app.surveys.services import new_survey_from_base
from tests import factories
from tests.support import csrf_token

PASSWORD = "matrix-password-2026"
PASSWORD_HASH = hash_password(PASSWORD)

# scope: public (anyone), account (any logged-in user), org (organisation members, by permission),
# design (org members, and advisors for submitted/approved/published surveys), advisor, admin,
# api (a bearer token only: every session, logged in or not, gets 401; tokens: tests/test_api.py).
# member_roles: the organisation roles that get 200 on their own organisation's URL.
ALL_MEMBERS = ("owner", "editor", "viewer")


@dataclass(frozen=True)
class Route:
    scope: str
    member_roles: tuple[str, ...] = ()
    # Builder pages edit a draft: their URLs name the organisation's draft survey.
    draft: bool = False
    query: str = ""


EDITORS = ("owner", "editor")


ROUTES: dict[str, Route] = {
    "static": Route("public"),
    "health.healthz": Route("public"),
    "accounts.login": Route("public"),
    "accounts.login_second_factor": Route("public"),
    "accounts.set_language": Route("public"),
    "accounts.forgot_password": Route("public"),
    "accounts.reset_password": Route("public"),
    "accounts.accept_invitation": Route("public"),
    "mail.show_outbox": Route("public"),
    "answer.answer": Route("public"),
    "answer.thanks": Route("public"),
    "answer.privacy": Route("public"),
    "answer.accessibility": Route("public"),
    "answer.theme": Route("public"),
    "answer.logo": Route("public"),
    "answer.opt_in": Route("public"),
    "design_checks.guidance": Route("public"),
    "accounts.logout": Route("account"),
    "accounts.account": Route("account"),
    "accounts.change_password": Route("account"),
    "accounts.two_factor_setup": Route("account"),
    "accounts.disable_two_factor": Route("account"),
    "member.home": Route("account"),
    "member.dashboard": Route("org", ALL_MEMBERS),
    "member.logo": Route("org", ALL_MEMBERS),
    "member.survey_design": Route("design", ALL_MEMBERS),
    "member.members": Route("org", ("owner",)),
    "member.change_role": Route("org", ("owner",)),
    "member.remove_member": Route("org", ("owner",)),
    "member.revoke_invitation": Route("org", ("owner",)),
    "member.settings": Route("org", ("owner",)),
    "member.collectors": Route("org", ("owner", "editor")),
    "member.collector_qr": Route("org", ("owner", "editor")),
    "member.delete_test_responses": Route("org", ("owner",)),
    "member.new_survey": Route("org", ("owner", "editor")),
    "member.submit_survey": Route("org", ("owner", "editor")),
    "member.withdraw_survey": Route("org", ("owner", "editor")),
    "member.publish_survey": Route("org", ("owner", "editor")),
    "member.close_survey": Route("org", ("owner", "editor")),
    "member.reopen_survey": Route("org", ("owner", "editor")),
    "member.archive_survey": Route("org", ("owner", "editor")),
    "member.new_revision": Route("org", ("owner", "editor")),
    "member.discard_revision": Route("org", ("owner", "editor")),
    "member.duplicate_survey": Route("org", ("owner", "editor")),
    "member.delete_survey": Route("org", ("owner", "editor")),
    "member.opt_in_lists": Route("org", ("owner", "editor")),
    "member.opt_in_csv": Route("org", ("owner", "editor")),
    "member.delete_opt_in_list": Route("org", ("owner", "editor")),
    "builder.edit": Route("org", EDITORS, draft=True),
    "builder.new_question": Route(
        "org", EDITORS, draft=True, query="?question_type=single_choice&section=visit"
    ),
    "builder.edit_question": Route("org", EDITORS, draft=True),
    "builder.question_rules": Route("org", EDITORS, draft=True),
    "builder.move_question": Route("org", EDITORS, draft=True),
    "builder.delete_question": Route("org", EDITORS, draft=True),
    "builder.reorder": Route("org", EDITORS, draft=True),
    "builder.add_section": Route("org", EDITORS, draft=True),
    "builder.edit_section": Route("org", EDITORS, draft=True),
    "builder.move_section": Route("org", EDITORS, draft=True),
    "builder.delete_section": Route("org", EDITORS, draft=True),
    "builder.bank": Route("org", EDITORS, draft=True),
    "builder.add_bank_question": Route("org", EDITORS, draft=True),
    "builder.add_bank_module": Route("org", EDITORS, draft=True),
    "builder.languages": Route("org", EDITORS, draft=True),
    "builder.texts": Route("org", EDITORS, draft=True),
    "builder.preview": Route("design", ALL_MEMBERS),
    "builder.preview_phone": Route("design", ALL_MEMBERS),
    "builder.preview_theme": Route("design", ALL_MEMBERS),
    "builder.preview_logo": Route("design", ALL_MEMBERS),
    "builder.print_view": Route("design", ALL_MEMBERS),
    "builder.export_yaml": Route("design", ALL_MEMBERS),
    "builder.import_yaml": Route("org", ("owner", "editor")),
    "builder.add_comment": Route("org", ("owner", "editor")),
    "builder.resolve_comment": Route("org", ("owner", "editor")),
    "builder.move_to_newest_base": Route("org", ("owner", "editor")),
    "advisor.surveys": Route("advisor"),
    "advisor.queue": Route("advisor"),
    "advisor.my_reviews": Route("advisor"),
    "advisor.assign": Route("advisor"),
    "advisor.review": Route("advisor"),
    "advisor.comment": Route("advisor"),
    "advisor.resolve_comment": Route("advisor"),
    "advisor.approve": Route("advisor"),
    "advisor.request_changes": Route("advisor"),
    "advisor.base_version_list": Route("advisor"),
    "advisor.base_version_diff": Route("advisor"),
    "notifications.index": Route("account"),
    "notifications.mark_read": Route("account"),
    "admin.index": Route("admin"),
    "admin.organisations": Route("admin"),
    "admin.organisation": Route("admin"),
    "admin.users": Route("admin"),
    "admin.user": Route("admin"),
    "admin.reference": Route("admin"),
    "results.show": Route("org", ALL_MEMBERS),
    "benchmarks.show": Route("org", ALL_MEMBERS),
    "benchmarks.download_csv": Route("org", ALL_MEMBERS),
    "benchmarks.download_xlsx": Route("org", ALL_MEMBERS),
    "benchmarks.chart": Route("org", ALL_MEMBERS),
    "results.report": Route("org", ALL_MEMBERS),
    "results.chart": Route("org", ALL_MEMBERS, query="?question=first_visit"),
    "results.timeline_chart": Route("org", ALL_MEMBERS),
    "responses.index": Route("org", ("owner",)),
    "responses.delete_response": Route("org", ("owner",)),
    "responses.delete_survey": Route("org", ("owner",)),
    "responses.retention": Route("org", ("owner",)),
    "exports.index": Route("org", EDITORS),
    "exports.download": Route("org", EDITORS),
    "exports.import_responses": Route("org", EDITORS),
    "api_tokens.index": Route("org", ("owner",)),
    "api_tokens.revoke": Route("org", ("owner",)),
    "api_docs.openapi_json": Route("public"),
    "api_docs.docs": Route("public"),
    "api.surveys": Route("api"),
    "api.survey": Route("api"),
    "api.responses": Route("api"),
    "api.results": Route("api"),
    "api.benchmarks": Route("api"),
}

ROLES = ("anonymous", "owner", "editor", "viewer", "advisor", "admin")


@dataclass(frozen=True)
class Login:
    email: str
    totp_secret: str | None


@dataclass
class World:
    own: dict
    foreign: dict
    users: dict


def build_world(app) -> World:
    """Organisation A (the user's own) and B (another), each with members, a survey and an invitation.

    Requests run outside this app context: each needs its own `g`, as in production.
    """
    with app.app_context():
        return _build_world()


def _build_world() -> World:
    ids = {}
    users = {}
    for label in ("a", "b"):
        organisation = factories.organisation(name=f"Scene {label.upper()}")
        organisation.logo, organisation.logo_content_type = b"\x89PNG\r\n\x1a\nlogo", "image/png"
        memberships = {}
        for role in OrgRole:
            user = User(email=f"{role.value}-{label}@example.org", password_hash=PASSWORD_HASH)
            membership = Membership(user=user, organisation=organisation, role=role)
            db.session.add(membership)
            memberships[role.value] = membership
            users[f"{role.value}-{label}"] = user
        survey, _, collector = factories.published_survey(organisation)
        response = factories.answer(survey.revisions[-1])
        draft, _ = new_survey_from_base(organisation, "Utkast", survey.base_version)
        db.session.flush()
        own_question = builder.add_question(
            draft, "visit", {"type": "short_text", "text": {"nb": "Hva mer?"}}
        )
        comment = ReviewComment(
            survey_id=survey.id, organisation_id=organisation.id, body="Vurder dette.", revision_number=1
        )
        db.session.add(comment)
        invitation = Invitation(
            organisation=organisation,
            email=f"new-{label}@example.org",
            role=OrgRole.VIEWER,
            token_hash=f"hash-{label}",
            expires_at=factories.in_days(7),
        )
        db.session.add(invitation)
        export = export_services.request_export(survey, None, ExportFormat.CSV, ExportScope.ALL, "nb")
        export.content, export.response_count = export_services.build_file(export)
        export.state, export.file_name, export.finished_at = ExportState.DONE, "export.csv", utcnow()
        api_token = create_token(organisation, memberships["owner"].user, "BI").token
        db.session.flush()
        ids[label] = {
            "org_id": organisation.id,
            "survey_id": survey.id,
            "membership_id": memberships["viewer"].id,
            "invitation_id": invitation.id,
            "user_id": users[f"viewer-{label}"].id,
            "filename": "app.css",
            "collector_id": collector.id,
            "response_id": response.id,
            "comment_id": comment.id,
            "export_id": export.id,
            "token_id": api_token.id,
            "draft_survey_id": draft.id,
            "code": own_question,
            "section_code": "visit",
            "kind": "svg",
            "question_key": "first_visit",
            "extension": "png",
            # A real survey link: answer pages work with it; reset and invitation pages refuse it.
            "token": collector.token,
        }
    for role in GlobalRole:
        users[role.value] = User(
            email=f"{role.value}@example.org",
            password_hash=PASSWORD_HASH,
            global_role=role,
            totp_secret=pyotp.random_base32(),
        )
        db.session.add(users[role.value])
    recompute_benchmarks()
    db.session.commit()
    logins = {key: Login(user.email, user.totp_secret) for key, user in users.items()}
    return World(own=ids["a"], foreign=ids["b"], users=logins)


def log_in(client, user: Login) -> None:
    token = csrf_token(client.get("/login").text)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    if user.totp_secret:
        page = client.get("/login/two-factor")
        code = pyotp.TOTP(user.totp_secret).now()
        response = client.post("/login/two-factor", data={"code": code, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302, f"{user.email} could not log in"


def url_for_rule(app, rule, values: dict) -> str:
    route = ROUTES[rule.endpoint]
    arguments = {name: values[name] for name in rule.arguments}
    if route.draft:
        arguments["survey_id"] = values["draft_survey_id"]
    return app.url_map.bind("localhost").build(rule.endpoint, arguments) + route.query


def application_rules(app):
    return [rule for rule in app.url_map.iter_rules()]


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in application_rules(app)}
    assert endpoints - set(ROUTES) == set(), "add the new route to ROUTES with its expected access"
    assert set(ROUTES) - endpoints == set(), "ROUTES lists a route that no longer exists"


def test_every_view_declares_an_access_rule(app):
    from app.access.policy import rule_for_endpoint

    undeclared = [
        rule.endpoint for rule in application_rules(app) if rule_for_endpoint(app, rule.endpoint) is None
    ]
    assert undeclared == []


def expected_foreign_status(route: Route, role: str, endpoint: str, survey_readable: bool) -> set[int]:
    """What a user of organisation A (or NPU staff) gets on organisation B's URL."""
    if route.scope == "public":
        # A sign-up from a browser that has not just answered the survey is refused.
        refused = {403} if endpoint == "answer.opt_in" else set()
        return {200, 302, 400, 404, 405, 410} | refused
    if route.scope == "api":
        return {401}
    if role == "anonymous":
        return {302}
    if route.scope == "account":
        return {200, 302, 400, 403, 405}
    if route.scope == "admin":
        return {200, 302, 400, 405} if role == "admin" else {404}
    if route.scope == "advisor":
        # Advisors' actions on another organisation's survey redirect back with the outcome.
        return {200, 302, 400, 405} if role == "advisor" else {404}
    if route.scope == "design" and role == "advisor" and survey_readable:
        # The preview checks a posted page as a respondent's page is checked: this one names none.
        return {200, 400} if endpoint == "builder.preview" else {200}
    return {404}


def test_other_organisations_objects_answer_404_for_every_role_and_method(app):
    failures = []
    world = build_world(app)
    candidates = {
        "owner": "owner-a",
        "editor": "editor-a",
        "viewer": "viewer-a",
        "advisor": "advisor",
        "admin": "admin",
    }
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            log_in(client, world.users[candidates[role]])
        token = csrf_token(client.get("/login" if role == "anonymous" else "/account").text)
        # Logging out would end the session the rest of the loop needs; logout has its own tests.
        for rule in [rule for rule in application_rules(app) if rule.endpoint != "accounts.logout"]:
            route = ROUTES[rule.endpoint]
            url = url_for_rule(app, rule, world.foreign)
            for method in sorted((rule.methods | {"POST", "PUT", "DELETE"}) - {"HEAD", "OPTIONS"}):
                data = {"csrf_token": token}
                response = client.open(url, method=method, data=data if method == "POST" else None)
                expected = expected_foreign_status(route, role, rule.endpoint, survey_readable=True)
                if method not in rule.methods:
                    # A method the route lacks is refused like the route itself, or 405 where it is reachable.
                    expected = {405} if 200 in expected else expected - {200}
                if response.status_code not in expected:
                    failures.append(f"{role} {method} {url} ({rule.endpoint}): {response.status_code}")
                if role == "anonymous" and route.scope != "public" and response.status_code == 302:
                    if not response.headers["Location"].startswith("/login"):
                        failures.append(f"anonymous {method} {url}: redirected elsewhere")
    assert failures == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Membership)) == 6, (
            "a foreign POST changed data"
        )


def test_the_owning_organisation_gets_200_on_the_same_urls(app):
    failures = []
    world = build_world(app)
    for role in ALL_MEMBERS:
        client = app.test_client()
        log_in(client, world.users[f"{role}-a"])
        for rule in application_rules(app):
            route = ROUTES[rule.endpoint]
            if route.scope not in ("org", "design") or "GET" not in rule.methods:
                continue
            response = client.get(url_for_rule(app, rule, world.own))
            expected = 200 if role in route.member_roles else 403
            if response.status_code != expected:
                failures.append(f"{role} GET {rule.endpoint}: {response.status_code}, expected {expected}")
    assert failures == []


@pytest.mark.parametrize("status", list(SurveyStatus))
def test_advisors_read_designs_only_once_submitted(app, status):
    world = build_world(app)
    with app.app_context():
        db.session.get(Survey, world.foreign["survey_id"]).status = status
        db.session.commit()
    client = app.test_client()
    log_in(client, world.users["advisor"])
    response = client.get(f"/org/{world.foreign['org_id']}/surveys/{world.foreign['survey_id']}")
    readable = status in (SurveyStatus.SUBMITTED, SurveyStatus.APPROVED, SurveyStatus.PUBLISHED)
    assert response.status_code == (200 if readable else 404)
    assert client.get(f"/org/{world.foreign['org_id']}/").status_code == 404, "never results"
    assert client.get(f"/org/{world.foreign['org_id']}/settings").status_code == 404


def test_an_object_id_of_another_organisation_under_ones_own_organisation_is_404(app):
    world = build_world(app)
    client = app.test_client()
    log_in(client, world.users["owner-a"])
    token = csrf_token(client.get("/account").text)
    own, foreign = world.own["org_id"], world.foreign
    for url in (
        f"/org/{own}/members/{foreign['membership_id']}/role",
        f"/org/{own}/members/{foreign['membership_id']}/remove",
        f"/org/{own}/invitations/{foreign['invitation_id']}/revoke",
    ):
        assert client.post(url, data={"csrf_token": token, "role": "owner"}).status_code == 404, url
    assert client.get(f"/org/{own}/surveys/{foreign['survey_id']}").status_code == 404
    with app.app_context():
        assert db.session.get(Membership, foreign["membership_id"]).role == OrgRole.VIEWER
        assert db.session.get(Invitation, foreign["invitation_id"]).revoked_at is None
