"""An owner creates an API token on the settings page, sees it once, uses it, and revokes it.
The token page and the API's docs page are checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_accounts_and_admin import log_in

pytestmark = pytest.mark.browser


def test_an_owner_creates_sees_once_uses_and_revokes_a_token(page, seeded):
    log_in(page, seeded.email)
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="API tokens for BI tools and scripts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"API tokens for {seeded.organisation_name}")
    assert axe_violations(page) == []

    page.get_by_label("Name").fill("Power BI")
    page.get_by_role("button", name="Create token").click()

    expect(page.get_by_role("heading", name="Your new token “Power BI”")).to_be_visible()
    secret = page.get_by_label("API token", exact=True).input_value()
    assert re.fullmatch(r"gs_[A-Za-z0-9_-]{43}", secret)
    row = page.get_by_role("row").filter(has_text="Power BI")
    expect(row).to_contain_text(secret[:9] + "…")
    expect(row).to_contain_text("Never")
    assert axe_violations(page) == []

    authorization = {"Authorization": f"Bearer {secret}"}
    surveys = page.request.get("/api/v1/surveys", headers=authorization)
    assert surveys.status == 200
    assert [survey["title"] for survey in surveys.json()["data"]] == [seeded.survey_title]

    # Opened again (a reload would send the form once more and make a second token).
    page.goto(page.url)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert secret not in page.content(), "the token is shown only once"
    expect(page.get_by_role("row").filter(has_text="Power BI")).not_to_contain_text("Never")

    page.get_by_role("button", name="Revoke “Power BI”").click()
    expect(page.get_by_role("status")).to_contain_text("The token “Power BI” is revoked")
    expect(page.get_by_role("row").filter(has_text="Power BI")).to_contain_text("Revoked")
    refused = page.request.get("/api/v1/surveys", headers=authorization)
    assert refused.status == 401
    assert refused.headers["content-type"] == "application/problem+json"


def test_the_api_docs_page_is_readable_and_accessible(page, seeded):
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", level=1)).to_have_text("Grunnskjema API 1")
    expect(page.get_by_role("heading", name="GET /api/v1/surveys/{survey_id}/responses")).to_be_visible()
    page.get_by_role("link", name="GET /api/v1/surveys/{survey_id}/results").click()
    expect(page).to_have_url(re.compile(r"#get-api-v1-surveys-survey_id-results$"))
    assert axe_violations(page) == []
