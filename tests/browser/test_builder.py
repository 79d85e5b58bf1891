"""The survey builder end to end: from login to a survey submitted for review.

The member clones the base questionnaire, adds a bank module and two questions of their own (the
second shown only after a given answer to the first), reorders, previews in Nynorsk on a phone
viewport and submits for review. The UI is switched to English once, so texts read as in the code.
"""

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.questionnaires.definition import iter_questions
from app.surveys.models import Survey, SurveyStatus
from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser

NEW_TITLE = "Publikum våren 2027"
BUILDER = re.compile(r"/org/\d+/surveys/\d+/build")


def fill_texts(page, prefix: str, nb: str, nn: str, en: str) -> None:
    page.locator(f"#{prefix}-nb").fill(nb)
    page.locator(f"#{prefix}-nn").fill(nn)
    page.locator(f"#{prefix}-en").fill(en)


def stored_survey(live_server) -> dict:
    with live_server.app.app_context():
        survey = db.session.query(Survey).filter_by(title=NEW_TITLE).one()
        found = {
            "status": survey.status,
            "codes": [ref.question["code"] for ref in iter_questions(survey.revisions[-1].definition)],
            "definition": survey.revisions[-1].definition,
        }
        db.session.remove()
        return found


def test_a_member_builds_a_survey_and_submits_it_for_review(page, browser, live_server, seeded):
    log_in(page, seeded.email, seeded.password)
    page.goto("/?lang=en")
    page.get_by_role("link", name="New survey").click()
    page.get_by_label("Title").fill(NEW_TITLE)
    page.get_by_role("button", name="Create the survey").click()
    page.get_by_role("link", name="Edit questions").click()
    expect(page).to_have_url(BUILDER)
    expect(page.locator(".badge-common").first).to_contain_text("Common question")
    assert axe_violations(page) == []

    # A whole module from the question bank.
    page.locator("#module").select_option(label="Sustainability and travel")
    page.get_by_role("button", name="Add module").click()
    expect(page.locator(".badge-bank").first).to_be_visible()

    # A question of our own on the first page...
    first_page = page.locator("#section option").first.get_attribute("value")
    page.locator("#question_type").select_option("single_choice")
    page.locator("#section").select_option(first_page)
    page.get_by_role("button", name="Continue").click()
    fill_texts(
        page,
        "text",
        "Hvordan fikk du vite om oss?",
        "Korleis fekk du vite om oss?",
        "How did you hear of us?",
    )
    fill_texts(page, "options-0-text", "Avis", "Avis", "Newspaper")
    fill_texts(page, "options-1-text", "Annet", "Anna", "Other")
    page.get_by_role("button", name="Save question").click()
    expect(page).to_have_url(BUILDER)
    expect(page.locator("#question-hvordan_fikk_du_vite_om_oss")).to_be_visible()

    # ...and a follow-up shown only to those who answered "Other".
    page.locator("#question_type").select_option("short_text")
    page.locator("#section").select_option(first_page)
    page.get_by_role("button", name="Continue").click()
    fill_texts(page, "text", "Hvor ellers?", "Kvar elles?", "Where else?")
    page.get_by_role("button", name="Save question").click()
    follow_up = page.locator("#question-hvor_ellers")
    follow_up.get_by_role("link", name="Required and conditions").click()
    assert axe_violations(page) == []
    page.get_by_label("Show this question").select_option(
        label="if the answer to “How did you hear of us?” is “Other”"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#question-hvor_ellers .condition")).to_contain_text("Other")

    # Reorder: the first question of our own moves one step up, and the server keeps it there.
    before = stored_survey(live_server)["codes"]
    page.get_by_role("button", name="Move hvordan_fikk_du_vite_om_oss up").click()
    after = stored_survey(live_server)["codes"]
    assert after.index("hvordan_fikk_du_vite_om_oss") == before.index("hvordan_fikk_du_vite_om_oss") - 1

    # Preview in Nynorsk on a phone.
    phone = browser.new_context(
        locale="nb-NO", base_url=live_server.url, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    phone.add_cookies(page.context.cookies())
    preview = phone.new_page()
    preview.goto(re.sub(r"/build.*$", "/preview?lang=nn", page.url))
    expect(preview.locator("html")).to_have_attribute("lang", "nn")
    expect(preview.locator("main")).to_contain_text("Korleis fekk du vite om oss?")
    expect(preview.locator("#q-hvor_ellers")).to_be_hidden()
    preview.get_by_label("Anna", exact=True).check()
    expect(preview.locator("#q-hvor_ellers")).to_be_visible()
    width = preview.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "nothing sticks out sideways on a phone"
    phone.close()

    # Submit for review from the overview.
    page.get_by_role("link", name="Overview and status").click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messages")).to_be_visible()
    stored = stored_survey(live_server)
    assert stored["status"] == SurveyStatus.SUBMITTED
    question = next(
        ref.question for ref in iter_questions(stored["definition"]) if ref.question["code"] == "hvor_ellers"
    )
    assert question["show_if"] == {"question": "hvordan_fikk_du_vite_om_oss", "equals": "annet"}
    assert any(
        ref.question.get("bank_module") == "sustainability_travel"
        for ref in iter_questions(stored["definition"])
    )
