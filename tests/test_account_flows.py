"""Account flows as a user meets them: password reset and change, invitations, two-factor sign-in, outbox."""

import hashlib
import re
import time
from datetime import timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from app.access.policy import rule_for_endpoint
from app.accounts import invitations
from app.accounts.models import GlobalRole, Invitation, Membership, OrgRole, User
from app.accounts.passwords import verify_password
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
OWNER, EDITOR, VIEWER = "owner@example.org", "editor@example.org", "viewer@example.org"
OUTSIDER = "outsider@example.org"  # has an account, is in no organisation
ADVISOR = "advisor@example.org"
NEWCOMER = "newcomer@example.org"  # has no account


@pytest.fixture
def org_id(app) -> int:
    """Scene Vest with an owner, an editor and a viewer; an outsider and an advisor without two-factor."""
    with app.app_context():
        organisation = factories.organisation(name="Scene Vest")
        for email, role in ((OWNER, OrgRole.OWNER), (EDITOR, OrgRole.EDITOR), (VIEWER, OrgRole.VIEWER)):
            user = User(
                email=email, name=email.split("@")[0].title(), password_hash=PASSWORD_HASH, locale="en"
            )
            db.session.add(Membership(user=user, organisation=organisation, role=role))
        db.session.add(User(email=OUTSIDER, name="Outsider", password_hash=PASSWORD_HASH, locale="en"))
        db.session.add(
            User(
                email=ADVISOR,
                name="Advisor",
                password_hash=PASSWORD_HASH,
                locale="en",
                global_role=GlobalRole.ADVISOR,
            )
        )
        db.session.commit()
        return organisation.id


# --- helpers -------------------------------------------------------------------------------------------


def english_client(app):
    client = app.test_client()
    token = csrf_token(client.get("/login").text)
    assert client.post("/language", data={"language": "en", "csrf_token": token}).status_code == 302
    return client


def log_in(client, email: str, password: str = PASSWORD, next_url: str = ""):
    token = csrf_token(client.get("/login").text)
    return client.post(f"/login{next_url}", data={"email": email, "password": password, "csrf_token": token})


def logged_in(app, email: str, password: str = PASSWORD):
    client = english_client(app)
    assert log_in(client, email, password).status_code == 302, f"{email} could not log in"
    return client


def log_out(client) -> None:
    token = csrf_token(client.get("/account/two-factor").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def post_form(client, url: str, data: dict, form_page: str | None = None):
    """Submit a form the way a browser does: with the token from the page that shows it."""
    token = csrf_token(client.get(form_page or url).text)
    return client.post(url, data=data | {"csrf_token": token})


def is_logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def redirects_to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def messages(response) -> list[str]:
    return re.findall(r'<p class="message message-\w+">([^<]*)</p>', response.text)


def user(app, email: str) -> User | None:
    with app.app_context():
        found = db.session.scalar(select(User).where(User.email == email))
        if found is not None:
            db.session.expunge(found)
        return found


def mails_to(app, recipient: str) -> list[OutgoingMail]:
    with app.app_context():
        found = list(
            db.session.scalars(
                select(OutgoingMail).where(OutgoingMail.recipient == recipient).order_by(OutgoingMail.id)
            )
        )
        db.session.expunge_all()
        return found


def all_mails(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(OutgoingMail.id)).all())


def link_in(app, mail: OutgoingMail, path_prefix: str) -> str:
    """The path of the link in the mail, after checking that the link is absolute on the public address."""
    base = app.config["PUBLIC_BASE_URL"]
    match = re.search(re.escape(base) + r"(" + re.escape(path_prefix) + r"[A-Za-z0-9_.\-]+)", mail.body)
    assert match, f"no {base}{path_prefix}... link in:\n{mail.body}"
    return match.group(1)


def membership(app, org_id: int, email: str) -> Membership | None:
    with app.app_context():
        found = db.session.scalar(
            select(Membership).join(User).where(Membership.organisation_id == org_id, User.email == email)
        )
        if found is not None:
            db.session.expunge(found)
        return found


# --- password reset ------------------------------------------------------------------------------------


def ask_for_reset(client, email: str):
    return post_form(client, "/password/forgot", {"email": email})


def main_content(response) -> str:
    return re.search(r"<main[^>]*>(.*)</main>", response.text, re.S).group(1)


def test_asking_for_a_reset_mails_a_link_to_a_known_address_only(app, org_id):
    client = english_client(app)
    known = ask_for_reset(client, "Viewer@Example.org")
    assert known.status_code == 200
    assert "Check your e-mail" in known.text
    [mail] = mails_to(app, VIEWER)
    assert mail.subject == "Reset your Grunnskjema password"
    assert link_in(app, mail, "/password/reset/")

    unknown = ask_for_reset(client, "nobody@example.org")
    assert unknown.status_code == 200
    assert main_content(unknown).replace("nobody@example.org", "X") == main_content(known).replace(
        VIEWER, "X"
    )
    assert all_mails(app) == 1, "no mail for an unknown address"


def test_a_reset_link_sets_a_new_password_once_and_ends_old_sessions(app, org_id):
    old_session = logged_in(app, VIEWER)
    client = english_client(app)
    ask_for_reset(client, VIEWER)
    path = link_in(app, mails_to(app, VIEWER)[-1], "/password/reset/")

    page = client.get(path)
    assert page.status_code == 200
    assert "Choose a new password" in page.text
    response = post_form(client, path, {"password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD})
    assert redirects_to_login(response)
    assert "Your password is changed. Log in with the new password." in messages(client.get("/login"))

    again = client.get(path)
    assert again.status_code == 410
    assert "The link no longer works" in again.text
    token = csrf_token(client.get("/login").text)
    reuse = client.post(
        path,
        data={
            "password": "yet another password",
            "repeat_password": "yet another password",
            "csrf_token": token,
        },
    )
    assert reuse.status_code == 410
    assert verify_password(user(app, VIEWER).password_hash, NEW_PASSWORD)

    assert redirects_to_login(old_session.get("/account")), "the session from before the reset has ended"
    assert log_in(client, VIEWER, PASSWORD).status_code == 401
    assert log_in(client, VIEWER, NEW_PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_a_reset_link_expires_after_an_hour(app, org_id, monkeypatch):
    client = english_client(app)
    ask_for_reset(client, VIEWER)
    path = link_in(app, mails_to(app, VIEWER)[-1], "/password/reset/")
    real_timestamp = TimestampSigner.get_timestamp

    def later(seconds: int) -> None:
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real_timestamp(self) + seconds)

    later(59 * 60)
    page = client.get(path)
    assert page.status_code == 200, "still valid after 59 minutes"
    later(60 * 60 + 1)
    response = client.post(
        path,
        data={"password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD, "csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 410
    assert "The link no longer works" in response.text
    assert client.get(path).status_code == 410
    assert verify_password(user(app, VIEWER).password_hash, PASSWORD)


@pytest.mark.parametrize(
    ("password", "repeat", "message"),
    [
        ("too short", "too short", "Use between 10 and 200 characters."),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "The two passwords are not the same."),
        (VIEWER, VIEWER, "The password must not be your e-mail address."),
    ],
)
def test_a_bad_new_password_is_refused_and_changes_nothing(app, org_id, password, repeat, message):
    session_before = logged_in(app, VIEWER)
    client = english_client(app)
    ask_for_reset(client, VIEWER)
    path = link_in(app, mails_to(app, VIEWER)[-1], "/password/reset/")
    before = user(app, VIEWER)
    response = post_form(client, path, {"password": password, "repeat_password": repeat})
    assert response.status_code == 400
    assert message in response.text
    after = user(app, VIEWER)
    assert (after.password_hash, after.session_generation) == (
        before.password_hash,
        before.session_generation,
    )
    assert client.get(path).status_code == 200, "the link still works"
    assert is_logged_in(session_before)


# --- change password -----------------------------------------------------------------------------------


def change_password(client, current: str, new: str = NEW_PASSWORD, repeat: str | None = None):
    data = {"current_password": current, "password": new, "repeat_password": repeat or new}
    return post_form(client, "/account/password", data)


def test_changing_the_password_needs_the_current_one(app, org_id):
    client = logged_in(app, OWNER)
    before = user(app, OWNER)
    response = change_password(client, "not my password")
    assert response.status_code == 400
    assert "The current password is wrong." in response.text
    assert user(app, OWNER).password_hash == before.password_hash
    assert is_logged_in(client)


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, org_id):
    phone = logged_in(app, OWNER)
    laptop = logged_in(app, OWNER)
    response = change_password(laptop, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    page = laptop.get("/account")
    assert page.status_code == 200
    assert "Your password is changed. You are logged out everywhere else." in messages(page)
    assert redirects_to_login(phone.get("/account"))
    assert log_in(phone, OWNER, PASSWORD).status_code == 401
    assert log_in(phone, OWNER, NEW_PASSWORD).status_code == 302


# --- invitations ---------------------------------------------------------------------------------------


def invite(client, org_id: int, email: str, role: str):
    return post_form(client, f"/org/{org_id}/members", {"email": email, "role": role})


def invitation_link(app, email: str) -> str:
    return link_in(app, mails_to(app, email)[-1], "/invitations/")


def test_an_invited_newcomer_creates_an_account_and_lands_in_the_organisation(app, org_id):
    owner = logged_in(app, OWNER)
    response = invite(owner, org_id, "NewComer@example.org", "editor")
    assert response.status_code == 302
    members_page = owner.get(response.headers["Location"])
    assert f"The invitation is sent to {NEWCOMER}." in messages(members_page)
    assert "Invitations not yet accepted" in members_page.text
    [mail] = mails_to(app, NEWCOMER)
    assert mail.subject == "Invitation to Scene Vest in Grunnskjema"
    path = invitation_link(app, NEWCOMER)
    token = path.rsplit("/", 1)[1]
    assert len(token) >= 43, "at least 256 random bits"
    with app.app_context():
        stored = db.session.scalar(select(Invitation).where(Invitation.email == NEWCOMER))
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest(), "only a hash is stored"

    newcomer = english_client(app)
    page = newcomer.get(path)
    assert page.status_code == 200
    assert "You are invited to join Scene Vest in Grunnskjema as editor." in page.text
    assert f"Create your account for {NEWCOMER} to accept." in page.text
    assert 'name="password"' in page.text

    too_short = post_form(
        newcomer, path, {"name": "Nora Newcomer", "password": "short", "repeat_password": "short"}
    )
    assert too_short.status_code == 400
    assert "Use between 10 and 200 characters." in too_short.text
    assert user(app, NEWCOMER) is None

    response = post_form(
        newcomer, path, {"name": "Nora Newcomer", "password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/org/{org_id}/"
    dashboard = newcomer.get(response.headers["Location"])
    assert dashboard.status_code == 200
    assert "Scene Vest" in dashboard.text
    assert membership(app, org_id, NEWCOMER).role == OrgRole.EDITOR
    assert user(app, NEWCOMER).name == "Nora Newcomer"

    assert newcomer.get(path).status_code == 410
    assert app.test_client().get(path).status_code == 410
    assert "Invitations not yet accepted" not in owner.get(f"/org/{org_id}/members").text


def test_inviting_an_existing_member_is_refused(app, org_id):
    owner = logged_in(app, OWNER)
    response = invite(owner, org_id, EDITOR, "viewer")
    assert response.status_code == 400
    assert f"{EDITOR} is already a member of Scene Vest." in response.text
    assert all_mails(app) == 0
    assert membership(app, org_id, EDITOR).role == OrgRole.EDITOR


def test_someone_with_an_account_logs_in_and_then_accepts(app, org_id):
    owner = logged_in(app, OWNER)
    invite(owner, org_id, OUTSIDER, "viewer")
    path = invitation_link(app, OUTSIDER)

    visitor = english_client(app)
    page = visitor.get(path)
    assert page.status_code == 200
    assert "You already have an account. Log in to accept the invitation." in page.text
    assert "Create account and accept" not in page.text
    # Creating a second account for the address is not possible, nor is accepting without logging in.
    sneaky = post_form(
        visitor, path, {"name": "Someone", "password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD}
    )
    assert sneaky.status_code == 200
    assert membership(app, org_id, OUTSIDER) is None
    assert verify_password(user(app, OUTSIDER).password_hash, PASSWORD)

    login_link = re.search(r'href="(/login\?next=[^"]+)"', page.text).group(1)
    response = log_in(visitor, OUTSIDER, next_url=login_link.removeprefix("/login").replace("&amp;", "&"))
    assert response.headers["Location"] == path
    page = visitor.get(path)
    assert "Accept the invitation" in page.text
    assert membership(app, org_id, OUTSIDER) is None, "looking at the invitation does not accept it"
    response = post_form(visitor, path, {})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/org/{org_id}/"
    assert membership(app, org_id, OUTSIDER).role == OrgRole.VIEWER
    assert visitor.get(f"/org/{org_id}/").status_code == 200
    assert visitor.get(path).status_code == 410


def test_an_invitation_cannot_be_accepted_by_another_account(app, org_id):
    owner = logged_in(app, OWNER)
    invite(owner, org_id, NEWCOMER, "owner")
    path = invitation_link(app, NEWCOMER)
    outsider = logged_in(app, OUTSIDER)
    response = post_form(outsider, path, {})
    assert response.status_code == 403
    assert "This invitation was sent to another e-mail address." in messages(response)
    assert membership(app, org_id, OUTSIDER) is None
    assert outsider.get(f"/org/{org_id}/").status_code == 404
    assert english_client(app).get(path).status_code == 200, "the invitation is still open for its addressee"


def test_a_withdrawn_invitation_no_longer_works(app, org_id):
    owner = logged_in(app, OWNER)
    invite(owner, org_id, NEWCOMER, "viewer")
    path = invitation_link(app, NEWCOMER)
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id).where(Invitation.email == NEWCOMER))
    response = post_form(
        owner, f"/org/{org_id}/invitations/{invitation_id}/revoke", {}, f"/org/{org_id}/members"
    )
    assert response.status_code == 302
    page = owner.get(response.headers["Location"])
    assert f"The invitation to {NEWCOMER} is withdrawn." in messages(page)
    assert "Invitations not yet accepted" not in page.text
    visitor = english_client(app)
    response = visitor.get(path)
    assert response.status_code == 410
    assert "The link no longer works" in response.text
    response = post_form(
        visitor,
        path,
        {"name": "Nora", "password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD},
        form_page="/login",
    )
    assert response.status_code == 410
    assert user(app, NEWCOMER) is None


def test_an_invitation_expires_after_seven_days(app, org_id, monkeypatch):
    owner = logged_in(app, OWNER)
    invite(owner, org_id, NEWCOMER, "viewer")
    path = invitation_link(app, NEWCOMER)
    real_now = types.utcnow

    def days_later(days: int) -> None:
        later = real_now() + timedelta(days=days)
        monkeypatch.setattr(types, "utcnow", lambda: later)
        monkeypatch.setattr(invitations, "utcnow", lambda: later)

    visitor = english_client(app)
    days_later(6)
    assert visitor.get(path).status_code == 200
    days_later(8)
    response = visitor.get(path)
    assert response.status_code == 410
    assert "The link no longer works" in response.text
    response = post_form(
        visitor,
        path,
        {"name": "Nora", "password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD},
        form_page="/login",
    )
    assert response.status_code == 410
    assert user(app, NEWCOMER) is None


def test_the_last_owner_can_be_neither_demoted_nor_removed(app, org_id):
    owner = logged_in(app, OWNER)
    own_membership = membership(app, org_id, OWNER).id
    members = f"/org/{org_id}/members"

    demote = post_form(owner, f"{members}/{own_membership}/role", {"role": "editor"}, members)
    assert demote.status_code == 302
    assert "An organisation needs at least one owner." in messages(owner.get(demote.headers["Location"]))
    assert membership(app, org_id, OWNER).role == OrgRole.OWNER

    remove = post_form(owner, f"{members}/{own_membership}/remove", {}, members)
    assert remove.status_code == 302
    assert "An organisation needs at least one owner." in messages(owner.get(remove.headers["Location"]))
    assert membership(app, org_id, OWNER).role == OrgRole.OWNER

    # With a second owner, the first may step down.
    editor_membership = membership(app, org_id, EDITOR).id
    post_form(owner, f"{members}/{editor_membership}/role", {"role": "owner"}, members)
    assert membership(app, org_id, EDITOR).role == OrgRole.OWNER
    demote = post_form(owner, f"{members}/{own_membership}/role", {"role": "editor"}, members)
    assert demote.status_code == 302
    assert membership(app, org_id, OWNER).role == OrgRole.EDITOR
    assert owner.get(members).status_code == 403, "an editor no longer manages members"


@pytest.mark.parametrize("email", [EDITOR, VIEWER])
def test_editors_and_viewers_cannot_manage_members(app, org_id, email):
    client = logged_in(app, email)
    assert client.get(f"/org/{org_id}/members").status_code == 403
    token = csrf_token(client.get("/account").text)
    response = client.post(
        f"/org/{org_id}/members", data={"email": NEWCOMER, "role": "owner", "csrf_token": token}
    )
    assert response.status_code == 403
    assert all_mails(app) == 0
    with app.app_context():
        assert db.session.scalars(select(Invitation)).all() == []


# --- two-factor sign-in --------------------------------------------------------------------------------


def wrong_code(secret: str) -> str:
    totp = pyotp.TOTP(secret)
    valid = {totp.at(time.time() + offset) for offset in (-60, -30, 0, 30, 60)}
    return next(code for code in ("000000", "123456", "999999", "424242") if code not in valid)


def next_code(secret: str) -> str:
    """The code of the next 30-second step: accepted (one step of tolerance), yet never one used before."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def enable_two_factor(client) -> tuple[str, list[str]]:
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    secret = re.search(r'<code class="secret-key">([A-Z2-7]+)</code>', page.text).group(1)
    with client.session_transaction() as session:
        assert session["totp_setup_secret"] == secret
    response = client.post(
        "/account/two-factor", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 200
    assert "Two-factor sign-in is on" in response.text
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", response.text)
    return secret, codes


def second_factor(client, code: str):
    return post_form(client, "/login/two-factor", {"code": code})


def test_an_advisor_without_two_factor_is_sent_to_set_it_up_from_every_page(app, org_id):
    client = logged_in(app, ADVISOR)
    token = csrf_token(client.get("/account/two-factor").text)
    values = {
        "org_id": org_id,
        "survey_id": 1,
        "membership_id": membership(app, org_id, VIEWER).id,
        "invitation_id": 1,
        "user_id": user(app, VIEWER).id,
        "collector_id": 1,
        "comment_id": 1,
        "code": "first_visit",
        "section_code": "visit",
        "kind": "svg",
        "response_id": 1,
        "export_id": 1,
        "token_id": 1,
        "question_key": "first_visit",
        "extension": "svg",
    }
    adapter = app.url_map.bind("localhost")
    checked, exempt, failures = [], set(), []
    for rule in app.url_map.iter_rules():
        access = rule_for_endpoint(app, rule.endpoint)
        # The API never reads the session: it answers 401 to every session (tests/test_api.py).
        if access.kind in ("public", "api"):
            continue
        if access.during_enrolment:
            exempt.add(rule.endpoint)
            continue
        url = adapter.build(rule.endpoint, {name: values[name] for name in rule.arguments})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token, "name": "Changed", "language": "nb"} if method == "POST" else None
            response = client.open(url, method=method, data=data)
            checked.append(rule.endpoint)
            if response.status_code != 302 or response.headers["Location"] != "/account/two-factor":
                failures.append(f"{method} {url}: {response.status_code}")
    assert failures == []
    assert {"member.home", "accounts.account", "admin.index", "advisor.surveys"} <= set(checked)
    assert exempt == {"accounts.logout", "accounts.two_factor_setup"}, "only these skip the setup page"
    advisor = user(app, ADVISOR)
    assert (advisor.name, advisor.locale) == ("Advisor", "en"), "nothing was changed on the way"

    setup = client.get("/account/two-factor")
    assert setup.status_code == 200
    assert "NPU staff must use two-factor sign-in. Set it up to continue." in setup.text
    language = client.post("/language", data={"language": "en", "csrf_token": token})
    assert language.status_code == 302
    assert client.post("/logout", data={"csrf_token": token}).headers["Location"] == "/login"
    assert not is_logged_in(client)


def test_two_factor_sign_in_from_setup_to_login_with_codes(app, org_id):
    advisor = logged_in(app, ADVISOR)
    page = advisor.get("/account/two-factor")
    secret = re.search(r'<code class="secret-key">([A-Z2-7]+)</code>', page.text).group(1)
    refused = advisor.post(
        "/account/two-factor", data={"code": wrong_code(secret), "csrf_token": csrf_token(page.text)}
    )
    assert refused.status_code == 400
    assert "The code is not valid. Check the time on your phone and try again." in refused.text
    assert user(app, ADVISOR).totp_secret is None

    secret_again, codes = enable_two_factor(advisor)
    assert secret_again == secret, "the key shown stays the same until it is confirmed"
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = user(app, ADVISOR)
    assert stored.totp_secret == secret
    assert len(stored.recovery_code_hashes) == 10
    with advisor.session_transaction() as session:
        assert "totp_setup_secret" not in session
    assert advisor.get("/advisor/surveys").status_code == 200, "no longer sent to the setup page"

    log_out(advisor)
    client = english_client(app)
    response = log_in(client, ADVISOR)
    assert response.headers["Location"] == "/login/two-factor"
    assert not is_logged_in(client), "the password alone does not log in"
    wrong = second_factor(client, wrong_code(secret))
    assert wrong.status_code == 400
    assert "The code is not valid. Check the time on your phone and try again." in wrong.text
    assert not is_logged_in(client)
    right = second_factor(client, next_code(secret))
    assert right.status_code == 302
    assert is_logged_in(client)

    # A recovery code works once.
    log_out(client)
    log_in(client, ADVISOR)
    assert second_factor(client, codes[3].upper()).status_code == 302
    assert is_logged_in(client)
    assert len(user(app, ADVISOR).recovery_code_hashes) == 9
    log_out(client)
    log_in(client, ADVISOR)
    spent = second_factor(client, codes[3])
    assert spent.status_code == 400
    assert not is_logged_in(client)


def test_an_advisor_cannot_turn_two_factor_off(app, org_id):
    advisor = logged_in(app, ADVISOR)
    enable_two_factor(advisor)
    page = advisor.get("/account/two-factor")
    assert "NPU staff cannot turn two-factor sign-in off." in page.text
    response = advisor.post(
        "/account/two-factor/disable", data={"password": PASSWORD, "csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 403
    assert user(app, ADVISOR).totp_secret is not None


def test_an_owner_may_turn_two_factor_on_and_off_with_the_password(app, org_id):
    owner = logged_in(app, OWNER)
    assert owner.get(f"/org/{org_id}/").status_code == 200, "owners are not forced to use two-factor"
    secret, codes = enable_two_factor(owner)
    assert len(codes) == 10

    log_out(owner)
    assert log_in(owner, OWNER).headers["Location"] == "/login/two-factor"
    assert second_factor(owner, next_code(secret)).status_code == 302

    page = owner.get("/account/two-factor")
    assert "You have 10 unused recovery codes." in page.text
    wrong = post_form(
        owner, "/account/two-factor/disable", {"password": "not my password"}, "/account/two-factor"
    )
    assert wrong.status_code == 400
    assert "The password is wrong." in wrong.text
    assert user(app, OWNER).totp_secret == secret

    right = post_form(owner, "/account/two-factor/disable", {"password": PASSWORD}, "/account/two-factor")
    assert right.status_code == 302
    assert right.headers["Location"] == "/account"
    assert "Two-factor sign-in is turned off." in messages(owner.get("/account"))
    stored = user(app, OWNER)
    assert (stored.totp_secret, stored.recovery_code_hashes) == (None, None)
    log_out(owner)
    assert log_in(owner, OWNER).headers["Location"] == "/", "no code asked for any more"


# --- the development outbox ----------------------------------------------------------------------------


def test_the_outbox_lists_every_mail(app, org_id):
    client = english_client(app)
    ask_for_reset(client, VIEWER)
    invite(logged_in(app, OWNER), org_id, NEWCOMER, "viewer")
    page = client.get("/dev/outbox")
    assert page.status_code == 200
    assert "Reset your Grunnskjema password" in page.text
    assert f"To: {VIEWER}" in page.text
    assert "Invitation to Scene Vest in Grunnskjema" in page.text
    assert f"To: {NEWCOMER}" in page.text
    assert page.text.index(NEWCOMER) < page.text.index(VIEWER), "newest first"


def test_the_outbox_does_not_exist_in_production(tmp_path):
    production = make_test_app(f"sqlite:///{tmp_path / 'production.sqlite'}", tmp_path, APP_ENV="production")
    assert "mail.show_outbox" not in production.view_functions
    assert production.test_client().get("/dev/outbox").status_code == 404
