"""An NPU advisor reviews a member's survey in the browser, from submission to publication.

The member submits; the advisor finds the survey in the queue, comments on one question and asks
for changes; the member sees the comment beside the question, rewords it and resubmits; the
advisor sees only that change and approves; the member publishes. The queue and review pages are
checked with axe, and the history shows every step.
"""

import re
from dataclasses import dataclass

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import GlobalRole, User
from app.extensions import db
from app.organisations.models import Organisation
from app.questionnaires.services import current_base_version
from app.surveys import builder
from app.surveys.services import new_survey_from_base
from tests.browser.conftest import axe_violations, owner_password_hash
from tests.browser.test_accounts_and_admin import log_in

pytestmark = pytest.mark.browser

TITLE = "Sommerkonsertene 2027"
ADVISOR_EMAIL = "radgiver@npu.no"
QUESTION = {
    "type": "single_choice",
    "text": {
        "nb": "Hvordan hørte du om oss?",
        "nn": "Korleis høyrde du om oss?",
        "en": "How did you hear of us?",
    },
    "options": [
        {"code": "avis", "label": {"nb": "Avis", "nn": "Avis", "en": "Newspaper"}},
        {"code": "annet", "label": {"nb": "Annet", "nn": "Anna", "en": "Other"}},
    ],
}


@dataclass(frozen=True)
class Review:
    question_code: str
    advisor_secret: str


@pytest.fixture
def review(live_server, seeded) -> Review:
    """A draft with a question of the organisation's own, and an advisor with two-factor sign-in."""
    with live_server.app.app_context():
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == seeded.organisation_name)
        )
        owner = db.session.scalar(select(User).where(User.email == seeded.email))
        survey, _revision = new_survey_from_base(organisation, TITLE, current_base_version(), owner)
        section = survey.revisions[-1].definition["sections"][0]["code"]
        code = builder.add_question(survey, section, QUESTION)
        secret = pyotp.random_base32()
        db.session.add(
            User(
                email=ADVISOR_EMAIL,
                name="Rådgiver Rita",
                password_hash=owner_password_hash(),
                global_role=GlobalRole.ADVISOR,
                totp_secret=secret,
            )
        )
        db.session.commit()
        db.session.remove()
    return Review(code, secret)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe found WCAG 2.1 A/AA violations on {page.url}: {violations}"


def open_survey(page, seeded) -> None:
    page.goto("/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()


def test_an_advisor_reviews_a_survey_from_submission_to_publication(
    page, browser, live_server, seeded, review
):
    log_in(page, seeded.email)
    open_survey(page, seeded)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("heading", level=2, name="Status: Submitted for review")).to_be_visible()

    context = browser.new_context(locale="nb-NO", base_url=live_server.url)
    context.set_default_timeout(10_000)
    advisor = context.new_page()
    log_in(advisor, ADVISOR_EMAIL, totp_secret=review.advisor_secret)
    advisor.get_by_role("link", name="Review queue").click()
    row = advisor.get_by_role("row").filter(has=advisor.get_by_role("link", name=TITLE))
    expect(row).to_contain_text(seeded.organisation_name)
    assert_accessible(advisor)
    row.get_by_role("button", name=f"Assign to me {TITLE}").click()
    expect(advisor.get_by_role("row").filter(has=advisor.get_by_role("link", name=TITLE))).to_contain_text(
        "Rådgiver Rita"
    )
    advisor.get_by_role("link", name=TITLE).click()
    expect(advisor.get_by_role("heading", level=1)).to_have_text(f"Review of {TITLE}")
    assert_accessible(advisor)

    question = advisor.locator(f"#review-{review.question_code}")
    question.get_by_text(f"Comment on {review.question_code}").click()
    question.get_by_label(f"Comment on question {review.question_code}").fill("Spør heller om kanal.")
    question.get_by_role("button", name="Add comment").click()
    expect(advisor.locator(f"#review-{review.question_code} .comment-text")).to_have_text(
        "Spør heller om kanal."
    )
    assert_accessible(advisor)
    advisor.get_by_label("What should be changed").fill("Se kommentaren ved spørsmålet.")
    advisor.get_by_role("button", name="Request changes").click()
    expect(advisor.get_by_role("status")).to_have_text("Changes are requested. The organisation is told.")

    # The member is told, sees the comment beside the question and rewords it.
    page.reload()
    expect(page.locator(".badge")).to_contain_text("2")  # the changes requested and the comment
    page.get_by_role("link", name="Edit questions").click()
    item = page.locator(f"#question-{review.question_code}")
    expect(item.locator(".comment-text")).to_have_text("Spør heller om kanal.")
    assert_accessible(page)
    item.get_by_label("Reply").fill("Endret.")
    item.get_by_role("button", name="Send reply").click()
    item = page.locator(f"#question-{review.question_code}")
    item.get_by_role("button", name="Mark as resolved").click()
    page.locator(f"#question-{review.question_code}").get_by_role("link", name="Edit").click()
    page.locator("#text-nb").fill("Hvilken kanal hørte du om oss gjennom?")
    page.get_by_role("button", name="Save question").click()
    page.get_by_role("link", name="Overview and status").click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("heading", level=2, name="Status: Submitted for review")).to_be_visible()

    # The advisor sees only what changed since the review, and approves.
    advisor.goto("/advisor/queue")
    advisor.get_by_role("link", name=TITLE).click()
    changes = advisor.get_by_role("region", name="What changed since the last review")
    expect(changes.locator(".diff-list > li")).to_have_count(1)
    expect(changes).to_contain_text("Hvilken kanal hørte du om oss gjennom?")
    expect(changes).to_contain_text("Reworded:")
    expect(advisor.locator("details.whole-survey")).not_to_have_attribute("open", re.compile(".*"))
    assert_accessible(advisor)
    advisor.get_by_role("button", name="Approve").click()
    expect(advisor.get_by_role("status")).to_have_text("The survey is approved. The organisation is told.")
    context.close()

    page.reload()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=2, name="Status: Published")).to_be_visible()
    history = page.get_by_role("region", name="History of the survey")
    for step in (
        "Submitted for review",
        "Commented",
        "Changes requested",
        "Replied to a comment",
        "Resolved a comment",
        "Approved",
        "Published",
    ):
        expect(history.get_by_role("cell", name=step, exact=True).first).to_be_visible()
    expect(history.get_by_role("cell", name="Submitted for review", exact=True)).to_have_count(2)
    assert_accessible(page)
