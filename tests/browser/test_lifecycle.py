"""A member takes a survey through its lifecycle in the browser: every page on the way is checked with
axe and must not scroll sideways at 320 CSS pixels."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

SURVEY_PAGE = re.compile(r"^https?://[^/?#]+/org/\d+/surveys/\d+([?#].*)?$")


def log_in_in_english(page, seeded) -> None:
    page.goto("/login?lang=en")
    page.get_by_label("E-mail address").fill(seeded.email)
    page.get_by_label("Password", exact=True).fill(seeded.password)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1, name=seeded.organisation_name)).to_be_visible()


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe found WCAG 2.1 A/AA violations on {page.url}: {violations}"
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width} CSS pixels wide at a 320 pixel viewport"
    page.set_viewport_size(size)


def press(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def test_a_survey_from_new_draft_to_archive_and_a_copy_deleted_again(page, seeded):
    log_in_in_english(page, seeded)
    page.get_by_role("link", name="New survey").click()
    press(page, "Create the survey")
    expect(page.get_by_role("alert")).to_contain_text("Give the survey a title.")
    assert_accessible(page)
    page.get_by_label("Title").fill("Vår 2027")
    press(page, "Create the survey")

    expect(page).to_have_url(SURVEY_PAGE)
    expect(page.get_by_role("status")).to_have_text("The survey is created as a draft.")
    expect(page.get_by_role("heading", level=2, name="Status: Draft")).to_be_visible()
    # The organisation has published before, so its review rule (first survey only) asks for no review.
    expect(page.get_by_role("main")).to_contain_text("this one can be published without review")
    assert_accessible(page)

    press(page, "Publish")
    expect(page.get_by_role("status")).to_have_text("The survey is published: its links take answers.")
    press(page, "Edit: start revision 2")
    expect(page.get_by_role("main")).to_contain_text("It keeps taking answers until revision 2 is published.")
    assert_accessible(page)
    press(page, "Discard revision 2")
    press(page, "Close the survey")
    expect(page.get_by_role("heading", level=2, name="Status: Closed")).to_be_visible()
    press(page, "Archive the survey")
    history = page.get_by_role("region", name="History of the survey")
    expect(history.get_by_role("row")).to_have_count(7)
    expect(history.get_by_role("row").nth(1)).to_contain_text("Archived")
    assert_accessible(page)

    page.get_by_label("Title").fill("")
    press(page, "Make a copy")
    expect(page.get_by_role("alert")).to_contain_text("Give the survey a title.")
    assert_accessible(page)
    page.get_by_label("Title").fill("Høst 2027")
    press(page, "Make a copy")
    expect(page.get_by_role("heading", level=1, name="Høst 2027")).to_be_visible()

    page.get_by_role("link", name="Delete this draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete Høst 2027")
    assert_accessible(page)
    press(page, "Yes, delete the draft")
    expect(page.get_by_role("status")).to_have_text("The draft “Høst 2027” is deleted.")
    expect(page.get_by_role("cell", name="Høst 2027")).to_have_count(0)
    expect(page.get_by_role("cell", name="Vår 2027", exact=True)).to_have_count(1)
