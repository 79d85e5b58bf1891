"""Logging in and out, languages, CSRF and security headers."""

import pytest

from app.accounts.models import Membership, OrgRole, User
from app.accounts.passwords import hash_password
from app.extensions import db
from tests import factories
from tests.support import csrf_token

PASSWORD = "correct horse battery"


@pytest.fixture
def member(app):
    with app.app_context():
        organisation = factories.organisation(name="Scene Vest")
        user = User(email="eier@example.org", name="Eier", password_hash=hash_password(PASSWORD))
        db.session.add(Membership(user=user, organisation=organisation, role=OrgRole.OWNER))
        db.session.commit()
        return user.id


def log_in(client, email="eier@example.org", password=PASSWORD, next_url=""):
    token = csrf_token(client.get("/login").text)
    return client.post(f"/login{next_url}", data={"email": email, "password": password, "csrf_token": token})


def test_pages_speak_bokmal_by_default_and_other_languages_on_request(app, client):
    assert "Logg inn" in client.get("/login").text
    assert 'lang="en"' in client.get("/login?lang=en").text
    nynorsk = app.test_client().get("/login", headers={"Accept-Language": "nn-NO,nn;q=0.9"})
    assert 'lang="nn"' in nynorsk.text
    assert "Hopp til hovudinnhaldet" in nynorsk.text


def test_a_language_asked_for_in_the_address_sticks(client):
    client.get("/login?lang=nn")
    assert 'lang="nn"' in client.get("/login").text


def test_a_browser_asking_for_plain_norwegian_gets_bokmal(client):
    assert 'lang="nb"' in client.get("/login", headers={"Accept-Language": "no"}).text


def test_the_front_page_asks_anonymous_visitors_to_log_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logging_in_shows_the_members_organisation(client, member):
    response = log_in(client)
    assert response.status_code == 302
    page = client.get("/", follow_redirects=True)
    assert "Scene Vest" in page.text
    assert "eier" in page.text


def test_a_wrong_password_is_refused_with_a_clear_message(client, member):
    response = log_in(client, password="wrong password")
    assert response.status_code == 401
    assert "E-postadressen eller passordet er feil." in response.text
    assert 'value="eier@example.org"' in response.text


def test_login_without_a_csrf_token_is_refused(client, member):
    response = client.post("/login", data={"email": "eier@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_login_never_redirects_to_another_site(client, member):
    response = log_in(client, next_url="?next=https://evil.example/phish")
    assert response.headers["Location"] == "/"


def test_the_session_cookie_is_httponly_and_samesite(client, member):
    response = log_in(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_a_session_cookie_replayed_after_logout_is_refused(client, member):
    log_in(client)
    stolen = client.get_cookie("session").value
    token = csrf_token(client.get("/", follow_redirects=True).text)
    client.post("/logout", data={"csrf_token": token})
    client.set_cookie("session", stolen)
    assert client.get("/").status_code == 302


def test_a_deactivated_users_session_stops_working(app, client, member):
    log_in(client)
    with app.app_context():
        db.session.get(User, member).is_active_account = False
        db.session.commit()
    assert client.get("/").status_code == 302


def test_choosing_a_language_sticks(client, member):
    log_in(client)
    token = csrf_token(client.get("/", follow_redirects=True).text)
    client.post("/language", data={"language": "en", "csrf_token": token})
    assert 'lang="en"' in client.get("/", follow_redirects=True).text
    assert "Your account" in client.get("/", follow_redirects=True).text


@pytest.mark.parametrize("path", ["/login", "/healthz", "/static/app.css", "/no-such-page"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    for directive in ("script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_with_member_data_are_not_cached(client, member):
    log_in(client)
    assert client.get("/", follow_redirects=True).headers["Cache-Control"] == "no-store"


def test_an_unknown_page_is_a_friendly_404_without_internals(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Fant ikke siden" in response.text
    assert "Traceback" not in response.text


def test_a_language_chosen_before_login_is_kept_through_login_and_logout(client, member):
    token = csrf_token(client.get("/login").text)
    client.post("/language", data={"language": "en", "csrf_token": token})
    log_in(client)
    assert 'lang="en"' in client.get("/", follow_redirects=True).text
    token = csrf_token(client.get("/", follow_redirects=True).text)
    after_logout = client.post("/logout", data={"csrf_token": token}, follow_redirects=True)
    assert 'lang="en"' in after_logout.text
    assert "You are logged out." in after_logout.text


def test_field_errors_are_linked_to_their_fields_in_the_visitors_language(client):
    token = csrf_token(client.get("/login?lang=nn").text)
    response = client.post(
        "/login?lang=nn", data={"email": "ikkje-epost", "password": "", "csrf_token": token}
    )
    assert response.status_code == 400
    assert "<title>Feil: Logg inn" in response.text
    assert 'aria-describedby="email-error"' in response.text
    assert "Skriv inn passordet ditt." in response.text
