"""Invitations, switching organisation, refused pages, the account, admin and advisor pages in a browser.

Text is asserted in English: each test chooses English before logging in (the choice is kept in the
session through the login), and the invitee's browser asks for English.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts import invitations
from app.accounts.models import GlobalRole, Membership, OrgRole, User
from app.extensions import db
from app.mail.models import OutgoingMail
from app.organisations.models import Organisation
from app.organisations.services import create_organisation
from tests.browser.conftest import OWNER_PASSWORD, axe_violations, owner_password_hash
from tests.factories import valid_orgnr

pytestmark = pytest.mark.browser

EDITOR_EMAIL = "editor@example.org"
ADMIN_EMAIL = "admin@example.org"
ADVISOR_EMAIL = "advisor@example.org"
SECOND_ORGANISATION = "Stavanger Konserthus"
CSP = "Content Security Policy"


def path_is(path: str) -> re.Pattern:
    """Matches a full URL whose path is exactly `path`, whatever its query string and fragment."""
    return re.compile(rf"^https?://[^/?#]+{re.escape(path)}([?#].*)?$")


@dataclass(frozen=True)
class Staff:
    email: str
    totp_secret: str


@dataclass(frozen=True)
class Scene:
    """What the tests of this module find in the database besides the seeded organisation."""

    organisation_id: int
    owner_id: int
    second_organisation_id: int
    admin: Staff
    advisor: Staff


@pytest.fixture(autouse=True)
def fresh_login_limits(live_server):
    """The login limit per client address counts every login of the session from 127.0.0.1; start at 0."""
    live_server.app.extensions.pop("grunnskjema_rate_counter", None)


@pytest.fixture
def public_links(live_server, monkeypatch):
    """Links in e-mails point at the live server, so the outbox's links can be followed."""
    monkeypatch.setitem(live_server.app.config, "PUBLIC_BASE_URL", live_server.url)


@pytest.fixture
def scene(live_server, seeded) -> Scene:
    """A second organisation (nobody in it yet), an NPU administrator and an advisor, both with TOTP."""
    with live_server.app.app_context():
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == seeded.organisation_name)
        )
        owner = db.session.scalar(select(User).where(User.email == seeded.email))
        second = create_organisation(
            name=SECOND_ORGANISATION, orgnr=valid_orgnr(), sector="music_venue", fylke="11"
        )
        staff = {}
        for email, role in ((ADMIN_EMAIL, GlobalRole.ADMIN), (ADVISOR_EMAIL, GlobalRole.ADVISOR)):
            secret = pyotp.random_base32()
            db.session.add(
                User(
                    email=email,
                    name=role.value.title(),
                    password_hash=owner_password_hash(),
                    global_role=role,
                    totp_secret=secret,
                )
            )
            staff[role] = Staff(email, secret)
        db.session.commit()
        found = Scene(
            organisation.id, owner.id, second.id, staff[GlobalRole.ADMIN], staff[GlobalRole.ADVISOR]
        )
        db.session.remove()
    return found


def choose_english(page) -> None:
    switcher = page.locator("form").filter(has=page.locator("#language-select"))
    switcher.locator("#language-select").select_option("en")
    switcher.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def log_in(page, email: str, password: str = OWNER_PASSWORD, totp_secret: str | None = None) -> None:
    """Logs in in English; with a TOTP secret, through the two-factor step."""
    page.goto("/login")
    choose_english(page)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.locator("main form button[type=submit]").click()
    if totp_secret is not None:
        expect(page).to_have_url(path_is("/login/two-factor"))
        page.get_by_label("Code from your authenticator app, or a recovery code").fill(
            pyotp.TOTP(totp_secret).now()
        )
        page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


@contextmanager
def another_browser(browser, live_server) -> Iterator:
    """A page in a new context (no cookies), as another person on another computer; in English."""
    context = browser.new_context(locale="en-GB", base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    blocked = []
    page.on("console", lambda message: CSP in message.text and blocked.append(message.text))
    try:
        yield page
    finally:
        context.close()
    assert blocked == [], "the Content-Security-Policy blocked something the page needs"


def invitation_path(live_server, organisation_id: int, inviter_id: int, email: str) -> str:
    """Invites `email` through the service and returns the path of the link in the e-mail."""
    with live_server.app.test_request_context():
        invitations.invite(
            db.session.get(Organisation, organisation_id),
            email,
            OrgRole.EDITOR,
            db.session.get(User, inviter_id),
        )
        db.session.commit()
        body = db.session.scalar(
            select(OutgoingMail.body).where(OutgoingMail.recipient == email).order_by(OutgoingMail.id.desc())
        )
        db.session.remove()
    match = re.search(r"https?://[^/\s]+(/invitations/\S+)", body)
    assert match, f"no invitation link in the e-mail: {body!r}"
    return match.group(1)


def test_owner_invites_an_editor_who_joins_switches_organisation_and_is_refused_settings(
    page, browser, live_server, seeded, scene, public_links
):
    log_in(page, seeded.email, seeded.password)
    expect(page).to_have_url(path_is(f"/org/{scene.organisation_id}/"))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    expect(page).to_have_url(path_is(f"/org/{scene.organisation_id}/members"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Members of {seeded.organisation_name}")
    page.get_by_label("E-mail address of the person to invite").fill(EDITOR_EMAIL)
    page.get_by_label("Role", exact=True).select_option("editor")
    page.get_by_role("button", name="Send invitation").click()

    expect(page).to_have_url(path_is(f"/org/{scene.organisation_id}/members"))
    expect(page.get_by_role("status")).to_have_text(f"The invitation is sent to {EDITOR_EMAIL}.")
    expect(page.get_by_role("listitem").filter(has_text=EDITOR_EMAIL)).to_contain_text("editor")
    expect(page.get_by_role("button", name=f"Withdraw the invitation to {EDITOR_EMAIL}")).to_be_visible()

    page.goto("/dev/outbox")
    mail = page.locator("article").filter(has_text=f"To: {EDITOR_EMAIL}")
    expect(mail).to_have_count(1)
    expect(mail.get_by_role("heading")).to_have_text(
        f"Invitation to {seeded.organisation_name} in Grunnskjema"
    )
    link = mail.get_by_role("link").get_attribute("href")
    assert link.startswith(f"{live_server.url}/invitations/"), link

    with another_browser(browser, live_server) as invitee:
        invitee.goto(link)
        expect(invitee.get_by_role("heading", level=1)).to_have_text(
            f"Invitation to {seeded.organisation_name}"
        )
        expect(invitee.get_by_role("main")).to_contain_text(f"Create your account for {EDITOR_EMAIL}")
        invitee.get_by_label("Your name").fill("Redaktør Redaktørsen")
        invitee.get_by_label("New password", exact=True).fill("et-langt-nytt-passord")
        invitee.get_by_label("Repeat the new password").fill("et-langt-nytt-passord")
        invitee.get_by_role("button", name="Create account and accept").click()

        expect(invitee).to_have_url(path_is(f"/org/{scene.organisation_id}/"))
        expect(invitee.get_by_role("heading", level=1)).to_have_text(seeded.organisation_name)
        expect(invitee.get_by_role("main")).to_contain_text("Your role: editor")
        nav = invitee.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Settings")).to_have_count(0)
        expect(nav.get_by_role("link", name="Members")).to_have_count(0)
        # One organisation: nothing to switch to.
        expect(invitee.get_by_text("Switch organisation")).to_have_count(0)

        with live_server.app.app_context():
            editor = db.session.scalar(select(User).where(User.email == EDITOR_EMAIL))
            assert editor.name == "Redaktør Redaktørsen"
            db.session.add(
                Membership(
                    user_id=editor.id, organisation_id=scene.second_organisation_id, role=OrgRole.VIEWER
                )
            )
            db.session.commit()
            db.session.remove()

        invitee.reload()
        switcher = invitee.locator("details").filter(has=invitee.get_by_text("Switch organisation"))
        expect(switcher.get_by_role("link", name=SECOND_ORGANISATION)).to_be_hidden()
        switcher.get_by_text("Switch organisation").click()
        expect(switcher.get_by_role("link", name=seeded.organisation_name)).to_have_attribute(
            "aria-current", "true"
        )
        switcher.get_by_role("link", name=SECOND_ORGANISATION).click()

        expect(invitee).to_have_url(path_is(f"/org/{scene.second_organisation_id}/"))
        expect(invitee.get_by_role("heading", level=1)).to_have_text(SECOND_ORGANISATION)
        expect(invitee.get_by_role("main")).to_contain_text("Your role: viewer")
        expect(invitee.get_by_role("main")).to_contain_text("No surveys yet.")
        invitee.get_by_text("Switch organisation").click()
        expect(invitee.locator("details").get_by_role("link", name=SECOND_ORGANISATION)).to_have_attribute(
            "aria-current", "true"
        )
        # The organisation used last is where the front page leads.
        invitee.goto("/")
        expect(invitee).to_have_url(path_is(f"/org/{scene.second_organisation_id}/"))

        response = invitee.goto(f"/org/{scene.organisation_id}/settings")
        assert response.status == 403
        expect(invitee.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
        expect(invitee.get_by_label("Accent colour for respondent pages")).to_have_count(0)
        response = invitee.goto(f"/org/{scene.organisation_id}/members")
        assert response.status == 403

    # The invitation is used up: the owner sees no pending invitation, and the editor as a member.
    page.goto(f"/org/{scene.organisation_id}/members")
    expect(page.get_by_role("button", name=f"Withdraw the invitation to {EDITOR_EMAIL}")).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text=EDITOR_EMAIL)).to_have_count(1)
    expect(page.get_by_label(f"Role of {EDITOR_EMAIL}")).to_have_value("editor")
    response = page.goto(link)
    assert response.status == 410


# --- Accessibility ---------------------------------------------------------------------------------


def as_owner(path: str) -> Callable:
    def reach(page, live_server, seeded, scene):
        log_in(page, seeded.email, seeded.password)
        page.goto(path.format(org=scene.organisation_id))
        expect(page).to_have_url(path_is(path.format(org=scene.organisation_id)))

    return reach


def as_admin(path: str) -> Callable:
    def reach(page, live_server, seeded, scene):
        log_in(page, scene.admin.email, totp_secret=scene.admin.totp_secret)
        target = path.format(org=scene.organisation_id, user=scene.owner_id)
        page.goto(target)
        expect(page).to_have_url(path_is(target))

    return reach


def two_factor_setup(page, live_server, seeded, scene):
    as_owner("/account/two-factor")(page, live_server, seeded, scene)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name=re.compile("^QR code for your authenticator app"))).to_be_visible()


def two_factor_login(page, live_server, seeded, scene):
    page.goto("/login")
    choose_english(page)
    page.get_by_label("E-mail address").fill(scene.admin.email)
    page.get_by_label("Password", exact=True).fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(path_is("/login/two-factor"))


def two_factor_login_wrong_code(page, live_server, seeded, scene):
    two_factor_login(page, live_server, seeded, scene)
    page.get_by_label("Code from your authenticator app, or a recovery code").fill("000000x")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("The code is not valid.")


def forgot_password(page, live_server, seeded, scene):
    page.goto("/password/forgot")
    choose_english(page)
    expect(page.get_by_label("E-mail address")).to_be_visible()


def invitation(page, live_server, seeded, scene):
    page.goto(invitation_path(live_server, scene.organisation_id, scene.owner_id, EDITOR_EMAIL))
    choose_english(page)
    expect(page.get_by_label("Repeat the new password")).to_be_visible()


def invitation_with_errors(page, live_server, seeded, scene):
    invitation(page, live_server, seeded, scene)
    page.get_by_label("New password", exact=True).fill("kort")
    page.get_by_label("Repeat the new password").fill("annerledes")
    page.get_by_role("button", name="Create account and accept").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your name.")
    expect(page.get_by_label("Your name")).to_have_attribute("aria-invalid", "true")


def members_with_errors(page, live_server, seeded, scene):
    as_owner("/org/{org}/members")(page, live_server, seeded, scene)
    page.get_by_label("E-mail address of the person to invite").fill("ikke en adresse")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter an e-mail address such as name@example.no.")


def settings_with_low_contrast_colour(page, live_server, seeded, scene):
    as_owner("/org/{org}/settings")(page, live_server, seeded, scene)
    page.get_by_label("Accent colour for respondent pages").fill("#ffff00")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("main")).to_contain_text(
        "The colour has a contrast of 1.1:1 against white; at least 4.5:1 is needed"
    )
    expect(page.get_by_label("Accent colour for respondent pages")).to_have_value("#ffff00")


def outbox_with_mail(page, live_server, seeded, scene):
    invitation_path(live_server, scene.organisation_id, scene.owner_id, EDITOR_EMAIL)
    page.goto("/dev/outbox")
    choose_english(page)
    expect(page.locator("article")).to_have_count(1)


def advisor_surveys(page, live_server, seeded, scene):
    log_in(page, scene.advisor.email, totp_secret=scene.advisor.totp_secret)
    page.goto("/advisor/surveys")
    expect(page).to_have_url(path_is("/advisor/surveys"))
    expect(page.get_by_role("main")).to_contain_text(seeded.survey_title)


PAGES = {
    "account": as_owner("/account"),
    "account-password": as_owner("/account/password"),
    "account-two-factor-setup": two_factor_setup,
    "login-two-factor": two_factor_login,
    "login-two-factor-wrong-code": two_factor_login_wrong_code,
    "password-forgot": forgot_password,
    "invitation": invitation,
    "invitation-errors": invitation_with_errors,
    "members": as_owner("/org/{org}/members"),
    "members-errors": members_with_errors,
    "settings": as_owner("/org/{org}/settings"),
    "settings-low-contrast": settings_with_low_contrast_colour,
    "admin": as_admin("/admin/"),
    "admin-organisations": as_admin("/admin/organisations"),
    "admin-organisation": as_admin("/admin/organisations/{org}"),
    "admin-users": as_admin("/admin/users"),
    "admin-user": as_admin("/admin/users/{user}"),
    "admin-reference": as_admin("/admin/reference"),
    "advisor-surveys": advisor_surveys,
    "outbox": outbox_with_mail,
}


@pytest.mark.parametrize("reach", PAGES.values(), ids=PAGES.keys())
def test_no_wcag_violations_and_reflow_at_320_css_pixels(page, live_server, seeded, scene, reach):
    reach(page, live_server, seeded, scene)
    violations = axe_violations(page)
    assert violations == [], f"axe found WCAG 2.1 A/AA violations on {page.url}: {violations}"

    # WCAG 1.4.10, which axe does not check: at 320 CSS pixels the page does not scroll sideways.
    page.set_viewport_size({"width": 320, "height": 640})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width} CSS pixels wide at a 320 pixel viewport"


# --- Keyboard --------------------------------------------------------------------------------------


def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def test_invite_form_works_with_the_keyboard_only(page, seeded, scene):
    log_in(page, seeded.email, seeded.password)
    page.goto(f"/org/{scene.organisation_id}/members")

    for _ in range(40):
        page.keyboard.press("Tab")
        if focused_id(page) == "email":
            break
    else:
        pytest.fail("Tab never reached the invitation's e-mail field")
    page.keyboard.type(EDITOR_EMAIL)
    page.keyboard.press("Tab")
    assert focused_id(page) == "role", "the role follows the e-mail address"
    page.keyboard.press("ArrowDown")  # owner -> editor
    expect(page.locator("#role")).to_have_value("editor")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send invitation")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(path_is(f"/org/{scene.organisation_id}/members"))
    expect(page.get_by_role("status")).to_have_text(f"The invitation is sent to {EDITOR_EMAIL}.")
    expect(page.get_by_role("listitem").filter(has_text=EDITOR_EMAIL)).to_contain_text("editor")
