"""The results page in Chromium: open it, filter by an answer, see the chart and its table, make a
crosstab and print the report; every step passes axe."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.responses.services import AnswerValue, store_response
from app.results.services import result_questions
from app.surveys.models import Survey
from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser

RESPONSES = 24


def answers_for(questions: list[dict], index: int) -> list[AnswerValue]:
    """A full set of answers that differs from one respondent to the next."""
    answers = []
    for question in questions:
        code, kind = question["code"], question["kind"]
        if question["type"] == "reference_choice":
            continue
        if kind in ("single", "multiple"):
            answers.append(AnswerValue(code, option_code=question["options"][index % 2]["code"]))
        elif kind in ("numeric", "nps"):
            options = question.get("options")
            value = int(options[index % len(options)]["code"]) if options else 10 + index
            answers.append(AnswerValue(code, number_value=value))
        else:
            answers.append(AnswerValue(code, text_value=f"Svar nummer {index}"))
    return answers


def with_responses(live_server) -> tuple[str, dict]:
    with live_server.app.app_context():
        survey = db.session.scalar(select(Survey))
        revision = survey.revisions[-1]
        questions = result_questions(revision.definition)
        for index in range(RESPONSES):
            store_response(revision, answers_for(questions, index), "nb", collector=survey.collectors[0])
        db.session.commit()
        url = f"/org/{survey.organisation_id}/surveys/{survey.id}/results"
        first_choice = next(q for q in questions if q["kind"] == "single" and q["type"] == "single_choice")
        db.session.remove()
    return url, first_choice


def test_results_filter_crosstab_and_report(page, live_server, seeded):
    url, question = with_responses(live_server)
    log_in(page, seeded.email, seeded.password)
    page.goto("/account?lang=en")
    page.goto(url)
    expect(page.locator("h1")).to_contain_text(f"Results: {seeded.survey_title}")
    expect(page.locator(".summary-line")).to_contain_text(
        f"Complete responses matching the filters: {RESPONSES}."
    )
    expect(page.locator("#timeline-heading + figure svg")).to_be_visible()
    assert axe_violations(page) == []

    first, second = question["options"][0], question["options"][1]
    page.locator("summary", has_text="Filter by answers").click()
    page.locator(f"#answer-{question['code']}").select_option(f"{question['code']}:{first['code']}")
    page.get_by_role("button", name="Show results").click()
    expect(page.locator(".summary-line")).to_contain_text(
        f"Complete responses matching the filters: {RESPONSES // 2}."
    )
    block = page.locator(f"section:has(#q-{question['code']})")
    expect(block.locator("figure svg")).to_be_visible()
    expect(block.locator("table tbody tr").first).to_contain_text("100 %")
    expect(block.locator("table tbody tr").nth(1)).to_contain_text("0 %")
    assert axe_violations(page) == []

    page.locator("summary", has_text="Crosstab of two questions").click()
    page.locator("#crosstab-rows").select_option(question["code"])
    page.locator("#crosstab-columns").select_option(question["code"])
    page.get_by_role("button", name="Show results").click()
    crosstab = page.locator("table.crosstab")
    expect(crosstab).to_be_visible()
    expect(crosstab.locator("tfoot")).to_contain_text(str(RESPONSES // 2))
    assert axe_violations(page) == []

    page.locator(f"#answer-{question['code']}").select_option(f"{question['code']}:{second['code']}")
    page.get_by_role("button", name="Show results").click()
    expect(page.locator(".summary-line")).to_contain_text(f"{RESPONSES // 2}.")

    page.get_by_role("link", name="Printable report").click()
    expect(page.locator("h1")).to_contain_text(f"Report: {seeded.survey_title}")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    expect(page.locator(".results-report li", has_text="Answered")).to_be_visible()
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".report-tools")).to_be_hidden()
    expect(page.locator(f"#q-{question['code']}")).to_be_visible()
