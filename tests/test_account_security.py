"""Account security: CSRF on every route, session cookies, session timeouts and the login rate limit.

Covers items 3-5 of the security checklist and the login part of item 13. Route lists come from
`app.url_map`, so a new route is covered the day it is added.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from app.accounts import services
from app.accounts.invitations import _token_hash
from app.accounts.models import GlobalRole, Invitation, Membership, OrgRole, User
from app.accounts.tokens import password_reset_token
from app.core import types
from app.extensions import db
from app.mail.models import OutgoingMail
from tests import factories
from tests.support import csrf_token, make_test_app

PASSWORD = "correct horse battery"
# Hashed once, with cheap argon2 parameters: verification reads the parameters from the hash, so
# logging in stays fast while the app still hashes new passwords with its own (slow) settings.
PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
NEW_PASSWORD = "a brand new passphrase"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# What a forged form might carry; if a request got past the CSRF check, this would change something.
FORGED_FORM = {
    "email": "forged@example.org",
    "password": PASSWORD,
    "repeat_password": PASSWORD,
    "current_password": PASSWORD,
    "name": "Forged name",
    "language": "nb",
    "role": "owner",
    "code": "123456",
}
CSRF_REFUSAL = "The request could not be understood"
# Survey pages (in the survey's language) keep the respondent's answers and ask them to send again.
RESPONDENT_RESEND = '<p class="notice" role="status">'


def refused_for_csrf(page: str) -> bool:
    return CSRF_REFUSAL in page or RESPONDENT_RESEND in page


@dataclass(frozen=True)
class Person:
    email: str
    totp_secret: str | None = None


@dataclass
class World:
    boss: Person  # owner of Scene Vest and NPU administrator, with two-factor sign-in
    viewer: Person
    attacker: Person  # owner of another organisation
    values: dict  # URL values: ids of real objects in Scene Vest
    tokens: dict  # endpoint -> a real token for that endpoint's <token>


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        organisation = factories.organisation(name="Scene Vest")
        other = factories.organisation(name="Scene Øst")
        secret = pyotp.random_base32()
        boss = User(
            email="boss@example.org",
            name="Boss",
            password_hash=PASSWORD_HASH,
            locale="en",
            global_role=GlobalRole.ADMIN,
            totp_secret=secret,
        )
        viewer = User(email="viewer@example.org", name="Viewer", password_hash=PASSWORD_HASH, locale="en")
        attacker = User(email="attacker@example.org", name="Mallory", password_hash=PASSWORD_HASH)
        viewers = Membership(user=viewer, organisation=organisation, role=OrgRole.VIEWER)
        db.session.add_all(
            [
                Membership(user=boss, organisation=organisation, role=OrgRole.OWNER),
                viewers,
                Membership(user=attacker, organisation=other, role=OrgRole.OWNER),
            ]
        )
        invitation = Invitation(
            organisation=organisation,
            email="new@example.org",
            role=OrgRole.EDITOR,
            token_hash=_token_hash("invitation-token"),
            expires_at=factories.in_days(7),
        )
        db.session.add(invitation)
        survey, _, collector = factories.published_survey(organisation)
        db.session.commit()
        values = {
            "collector_id": collector.id,
            "comment_id": 1,
            "code": "first_visit",
            "section_code": "visit",
            "kind": "svg",
            "response_id": 1,
            "export_id": 1,
            "token_id": 1,
            "question_key": "first_visit",
            "extension": "svg",
            "org_id": organisation.id,
            "survey_id": survey.id,
            "membership_id": viewers.id,
            "invitation_id": invitation.id,
            "user_id": viewer.id,
            "token": "invitation-token",
            "filename": "app.css",
        }
        tokens = {
            "accounts.reset_password": password_reset_token(viewer),
            "answer.answer": collector.token,
            "answer.opt_in": collector.token,
        }
        return World(Person(boss.email, secret), Person(viewer.email), Person(attacker.email), values, tokens)


def use_english(client) -> None:
    token = csrf_token(client.get("/login").text)
    assert client.post("/language", data={"language": "en", "csrf_token": token}).status_code == 302


def log_in(client, person: Person, password: str = PASSWORD):
    token = csrf_token(client.get("/login").text)
    response = client.post("/login", data={"email": person.email, "password": password, "csrf_token": token})
    if person.totp_secret and response.status_code == 302:
        page = client.get("/login/two-factor")
        code = pyotp.TOTP(person.totp_secret).now()
        response = client.post("/login/two-factor", data={"code": code, "csrf_token": csrf_token(page.text)})
    return response


def logged_in_client(app, person: Person):
    client = app.test_client()
    use_english(client)
    response = log_in(client, person)
    assert response.status_code == 302, f"{person.email} could not log in"
    return client


def page_token(client) -> str:
    return csrf_token(client.get("/account").text)


def is_logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def redirects_to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def url_for_rule(app, rule, world: World) -> str:
    values = dict(world.values)
    if rule.endpoint in world.tokens:
        values["token"] = world.tokens[rule.endpoint]
    return app.url_map.bind("localhost").build(rule.endpoint, {name: values[name] for name in rule.arguments})


def unsafe_routes(app, world: World) -> list[tuple[str, str]]:
    return [
        (method, url_for_rule(app, rule, world))
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods & UNSAFE_METHODS)
    ]


def database_snapshot(app) -> dict:
    with app.app_context():
        snapshot = {
            table.name: sorted(repr(tuple(row)) for row in db.session.execute(table.select()))
            for table in db.metadata.sorted_tables
        }
        db.session.rollback()
        return snapshot


# --- CSRF (checklist item 3) -----------------------------------------------------------------------


def test_the_route_list_has_state_changing_routes(app, world):
    """Guards the generated tests below against silently testing nothing."""
    urls = {url for _, url in unsafe_routes(app, world)}
    assert {"/login", "/logout", "/language", f"/org/{world.values['org_id']}/members"} <= urls


def test_every_state_changing_request_without_a_csrf_token_is_refused(app, world):
    client = logged_in_client(app, world.boss)
    before = database_snapshot(app)
    failures = []
    for method, url in unsafe_routes(app, world):
        response = client.open(url, method=method, data=FORGED_FORM)
        if response.status_code != 400 or not refused_for_csrf(response.text):
            failures.append(f"{method} {url}: {response.status_code}")
    assert failures == []
    assert database_snapshot(app) == before
    assert is_logged_in(client), "a logout without a token was carried out"
    assert 'lang="en"' in client.get("/account").text, "a language change without a token was carried out"


@pytest.mark.parametrize("token_owner", ["another user", "the same user in another session"])
def test_a_csrf_token_from_another_session_is_refused(app, world, token_owner):
    victim_person = world.boss if token_owner == "another user" else world.viewer
    attacker_person = world.attacker if token_owner == "another user" else world.viewer
    attacker = logged_in_client(app, attacker_person)
    victim = logged_in_client(app, victim_person)
    stolen_token = page_token(attacker)
    assert stolen_token != page_token(victim)
    before = database_snapshot(app)
    failures = []
    for method, url in unsafe_routes(app, world):
        response = victim.open(url, method=method, data=FORGED_FORM | {"csrf_token": stolen_token})
        if response.status_code != 400 or not refused_for_csrf(response.text):
            failures.append(f"{method} {url}: {response.status_code}")
    assert failures == []
    assert database_snapshot(app) == before
    assert is_logged_in(victim)
    # The victim's own token works, so the refusals above were about the token and nothing else.
    own = victim.post("/language", data={"language": "nb", "csrf_token": page_token(victim)})
    assert own.status_code == 302


def test_post_only_routes_refuse_get(app, world):
    client = logged_in_client(app, world.boss)
    from app.access.policy import rule_for_endpoint

    # A URL the user may not reach at all (NPU staff's) answers 404 to any method, as it would to POST.
    expected = {
        url_for_rule(app, rule, world): 404 if rule_for_endpoint(app, rule.endpoint).kind == "global" else 405
        for rule in app.url_map.iter_rules()
        if rule.methods & UNSAFE_METHODS and "GET" not in rule.methods
    }
    assert "/logout" in expected
    assert {url: client.get(url).status_code for url in expected} == expected
    assert is_logged_in(client), "GET /logout logged the user out"


def test_no_get_request_changes_the_database(app, world):
    client = logged_in_client(app, world.boss)
    before = database_snapshot(app)
    statuses = {}
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "accounts.logout":
            url = url_for_rule(app, rule, world)
            statuses[url] = client.get(url).status_code
    assert database_snapshot(app) == before
    assert 500 not in statuses.values()
    assert statuses[f"/invitations/{world.values['token']}"] == 200, "the invitation page was shown"
    assert is_logged_in(client)


# --- Cookies (checklist item 4) --------------------------------------------------------------------


def session_cookie_header(response) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert len(headers) == 1, response.headers.getlist("Set-Cookie")
    return headers[0]


def test_the_session_cookie_is_httponly_lax_and_bound_to_this_host(client, world):
    before_login = session_cookie_header(client.get("/login"))
    at_login = session_cookie_header(log_in(client, world.viewer))
    for header in (before_login, at_login):
        attributes = [part.strip().lower() for part in header.split(";")[1:]]
        assert "httponly" in attributes
        assert "samesite=lax" in attributes
        assert not any(a.startswith("domain") for a in attributes), header
        assert "secure" not in attributes, "tests run over plain http outside production"


def test_in_production_the_session_cookie_is_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-production-secret-that-is-long-enough-0123456789")
    production = make_test_app(f"sqlite:///{tmp_path / 'production.sqlite'}", tmp_path)
    assert production.config["APP_ENV"] == "production"
    header = session_cookie_header(production.test_client().get("/login"))
    attributes = [part.strip().lower() for part in header.split(";")[1:]]
    assert "secure" in attributes
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_logging_in_starts_a_new_session(client, world):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker who fixed the session"
    before = client.get_cookie("session").value
    assert log_in(client, world.viewer).status_code == 302
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session
    client.set_cookie("session", before)
    assert redirects_to_login(client.get("/account")), "the pre-login cookie is not logged in"


@pytest.mark.parametrize("ending", ["logout", "password change", "deactivation"])
def test_a_session_cookie_replayed_after_the_session_ended_is_refused(app, client, world, ending):
    use_english(client)
    log_in(client, world.viewer)
    stolen = client.get_cookie("session").value
    assert is_logged_in(client)
    if ending == "logout":
        assert redirects_to_login(client.post("/logout", data={"csrf_token": page_token(client)}))
    elif ending == "password change":
        data = {
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "repeat_password": NEW_PASSWORD,
            "csrf_token": csrf_token(client.get("/account/password").text),
        }
        assert client.post("/account/password", data=data).status_code == 302
        assert is_logged_in(client), "the session that changed the password continues"
    else:
        with app.app_context():
            services.deactivate(services.find_user_by_email(world.viewer.email))
            db.session.commit()
    client.set_cookie("session", stolen)
    response = client.get("/account")
    assert redirects_to_login(response)
    assert "Log in" in client.get(response.headers["Location"]).text
    if ending == "deactivation":
        with app.app_context():
            services.reactivate(services.find_user_by_email(world.viewer.email))
            db.session.commit()
        client.set_cookie("session", stolen)
        assert redirects_to_login(client.get("/account")), "reactivation does not revive old sessions"


# --- Timeouts (checklist item 5) -------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    frozen = Clock()
    monkeypatch.setattr(types, "utcnow", lambda: frozen.now)
    return frozen


def assert_expired(client, response) -> None:
    assert redirects_to_login(response)
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Your session has expired. Please log in again." in page.text
    assert not is_logged_in(client)


def test_a_session_idle_for_more_than_an_hour_ends(client, world, clock):
    use_english(client)
    log_in(client, world.viewer)
    clock.advance(minutes=59)
    assert client.get("/account").status_code == 200
    clock.advance(minutes=61)
    assert_expired(client, client.get("/account"))
    assert log_in(client, world.viewer).status_code == 302, "logging in again works"
    assert is_logged_in(client)


def test_activity_keeps_a_session_alive_until_the_absolute_limit_of_twelve_hours(client, world, clock):
    use_english(client)
    log_in(client, world.viewer)
    for _ in range(14):  # 14 x 50 minutes = 11 h 40 min
        clock.advance(minutes=50)
        assert client.get("/account").status_code == 200, f"logged out after {clock.now:%H:%M}"
    clock.advance(minutes=50)  # 12 h 30 min after logging in, only 50 minutes idle
    assert_expired(client, client.get("/account"))


# --- Login rate limit (checklist item 13, logins) ---------------------------------------------------


def login_attempt(client, email: str, password: str):
    token = csrf_token(client.get("/login").text)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def test_the_eleventh_login_attempt_for_one_address_is_refused_even_with_the_right_password(app, world):
    client = app.test_client()
    use_english(client)
    for attempt in range(10):
        email = world.viewer.email.upper() if attempt % 2 else world.viewer.email
        assert login_attempt(client, email, "wrong password").status_code == 401
    response = login_attempt(client, world.viewer.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert not is_logged_in(client)
    # Another address has its own counter.
    other = login_attempt(client, world.attacker.email, PASSWORD)
    assert other.status_code == 302
    assert is_logged_in(client)


def test_the_password_reset_limit_is_separate_from_the_login_limit(app, world):
    client = app.test_client()
    use_english(client)
    for _ in range(11):
        login_attempt(client, world.viewer.email, "wrong password")
    assert login_attempt(client, world.viewer.email, PASSWORD).status_code == 429

    def ask_for_reset():
        token = csrf_token(client.get("/password/forgot").text)
        return client.post("/password/forgot", data={"email": world.viewer.email, "csrf_token": token})

    response = ask_for_reset()
    assert response.status_code == 200
    assert "Check your e-mail" in response.text
    with app.app_context():
        mails = db.session.scalar(
            select(func.count()).select_from(OutgoingMail).where(OutgoingMail.recipient == world.viewer.email)
        )
    assert mails == 1
    # Reset requests have a limit of their own, which in turn leaves logins to another address alone.
    assert [ask_for_reset().status_code for _ in range(5)] == [200, 200, 200, 200, 429]
    assert login_attempt(client, world.attacker.email, PASSWORD).status_code == 302


def test_login_error_pages_do_not_reveal_whether_an_address_exists(app, world):
    client = app.test_client()
    use_english(client)
    known = login_attempt(client, world.viewer.email, "wrong password")
    unknown = login_attempt(client, "nobody@example.org", "wrong password")
    assert known.status_code == unknown.status_code == 401

    def message(response):
        return re.findall(r'<p class="message message-error">([^<]*)</p>', response.text)

    assert message(known) == message(unknown) == ["The e-mail address or password is wrong."]
