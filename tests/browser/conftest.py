"""Browser tests: the app served over HTTP on PostgreSQL, driven by headless Chromium through Playwright.

One server and one browser per session; each test gets fresh tables with one organisation, its
owner and a published survey, and a fresh browser context (no cookies carried over).
"""

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from app.accounts.models import Membership, OrgRole, User
from app.accounts.passwords import hash_password
from app.extensions import db
from app.organisations.services import create_organisation
from app.questionnaires.services import current_base_version, load_definitions
from app.reference.services import load_reference_data
from app.surveys.models import Survey
from app.surveys.services import new_survey_from_base, publish
from tests.factories import valid_orgnr
from tests.support import CHROMIUM, make_test_app, postgres_url, recreate_postgres_database, unavailable

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask


@dataclass(frozen=True)
class SeededData:
    email: str
    password: str
    organisation_name: str
    survey_title: str


OWNER_EMAIL = "owner@example.org"
OWNER_PASSWORD = "riktig-passord-2026"
ORGANISATION_NAME = "Bergen Teaterverksted"
SURVEY_TITLE = "Publikumsundersøkelse 2026"


@cache
def owner_password_hash() -> str:
    """Hashed once per session: argon2 is slow on purpose."""
    return hash_password(OWNER_PASSWORD)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    url = recreate_postgres_database(postgres_url("_browser"))
    application = make_test_app(url, tmp_path_factory.mktemp("browser-instance"))
    with application.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=application)
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def seeded(live_server) -> SeededData:
    """Empty tables, then reference data, definitions, one organisation, its owner and a published survey."""
    live_server.app.extensions.pop("published_revisions", None)
    with live_server.app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        load_reference_data()
        load_definitions()
        organisation = create_organisation(
            name=ORGANISATION_NAME, orgnr=valid_orgnr(), sector="theatre", fylke="46"
        )
        owner = User(email=OWNER_EMAIL, name="Eier Eiersen", password_hash=owner_password_hash())
        db.session.add(owner)
        db.session.flush()
        db.session.add(Membership(user=owner, organisation=organisation, role=OrgRole.OWNER))
        survey, revision = new_survey_from_base(organisation, SURVEY_TITLE, current_base_version(), owner)
        publish(survey, revision, "Nettside og nyhetsbrev")
        db.session.commit()
        db.session.remove()
    return SeededData(OWNER_EMAIL, OWNER_PASSWORD, ORGANISATION_NAME, SURVEY_TITLE)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        unavailable(f"Chromium at {CHROMIUM}")
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except Error as error:
            unavailable(f"Chromium at {CHROMIUM} ({str(error).splitlines()[0]})")
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, seeded):
    context = browser.new_context(locale="nb-NO", base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    blocked = []
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text)
    )
    yield page
    context.close()
    assert blocked == [], "the Content-Security-Policy blocked something the page needs"


def axe_violations(page) -> list[dict]:
    """WCAG 2.1 A/AA violations axe-core finds on the page, trimmed to what a failure message needs."""
    # Evaluated through the DevTools protocol, so the page's CSP stays on while axe runs.
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]


def log_in(page, email: str, password: str) -> None:
    """Log in through the form and wait for the organisation's pages."""
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/org/**")


def survey_url(live_server) -> str:
    """The member page of the seeded organisation's survey."""
    with live_server.app.app_context():
        survey = db.session.scalar(select(Survey))
        url = f"/org/{survey.organisation_id}/surveys/{survey.id}"
        db.session.remove()
    return url
