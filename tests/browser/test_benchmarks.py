"""The comparison page in Chromium: a member follows the main navigation to it and sees the own
result beside the peer groups, with intervals in the table and a chart; axe finds no violations."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.benchmarks.services import recompute_benchmarks
from app.extensions import db
from app.organisations.services import create_organisation
from app.questionnaires.services import current_base_version
from app.responses.services import AnswerValue, store_response
from app.surveys.models import Survey
from app.surveys.services import new_survey_from_base, publish
from tests.browser.conftest import axe_violations, log_in
from tests.factories import valid_orgnr

pytestmark = pytest.mark.browser

COMPARE = re.compile(r"^(Sammenlign med andre|Compare with others)$")
# "12 %" or "12,5", then its interval in brackets: "(8 %–19 %)".
FIGURE_WITH_INTERVAL = re.compile(r"\d[\d\s,.]*%?\s*\(\d[\d\s,.]*%?–\d[\d\s,.]*%?\)")


def answered(revision, count: int, first_visits: int) -> None:
    for index in range(count):
        choice = "yes" if index < first_visits else "no"
        store_response(revision, [AnswerValue("first_visit", option_code=choice)], "nb")


def with_peers(live_server) -> None:
    """The member's theatre with 40 answers, six other theatres in Vestland with 25 each, published."""
    with live_server.app.app_context():
        survey = db.session.scalar(select(Survey))
        answered(survey.revisions[-1], 40, first_visits=30)
        for index in range(6):
            peer = create_organisation(
                name=f"Teater {index}", orgnr=valid_orgnr(), sector="theatre", fylke="46"
            )
            peer_survey, revision = new_survey_from_base(peer, "Publikum", current_base_version())
            publish(peer_survey, revision, "Nettside")
            answered(revision, 25, first_visits=5)
        recompute_benchmarks()
        db.session.commit()
        db.session.remove()


def test_a_member_compares_own_results_with_peers(page, live_server, seeded):
    with_peers(live_server)
    log_in(page, seeded.email, seeded.password)
    page.get_by_role("navigation", name=re.compile("Hoved|Main")).get_by_role("link", name=COMPARE).click()
    expect(page.locator("h1")).to_have_text(COMPARE)

    block = page.locator("section.comparison:has(#q-first_visit)")
    table = block.get_by_role("table")
    # The own column and four peer groups (sector and fylke, sector, fylke, country) of six theatres.
    expect(table.locator("thead th")).to_have_count(6)
    expect(table.locator("thead th").nth(2)).to_contain_text("6")
    yes = table.locator("tbody tr").first
    expect(yes.locator("td")).to_have_count(5)
    # 30 of 40 own first visits against the peers' 30 of 150, each with its interval.
    expect(yes.locator("td").first).to_contain_text("75")
    expect(yes.locator("td").nth(1)).to_contain_text("20")
    for cell in yes.locator("td").all():
        expect(cell).to_have_text(FIGURE_WITH_INTERVAL)
    expect(block.locator("figure svg[role=img]")).to_be_visible()
    expect(block.locator("figure svg title")).to_have_text(re.compile(r"\S"))

    violations = axe_violations(page)
    assert violations == [], f"axe found WCAG 2.1 A/AA violations on {page.url}: {violations}"
