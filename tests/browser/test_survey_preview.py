"""The preview, its phone frame and the print version in Chromium: accessible, framed as intended,
and the Print button only where scripts run."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, log_in, survey_url

pytestmark = pytest.mark.browser


def test_the_preview_and_its_error_page_pass_axe(page, live_server, seeded):
    log_in(page, seeded.email, seeded.password)
    survey = survey_url(live_server)
    page.goto(f"{survey}/preview?lang=en")
    expect(page.locator(".preview-banner")).to_contain_text("Preview — answers are not stored")
    assert axe_violations(page) == []

    page.locator("button[name=action][value=next]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert axe_violations(page) == []


def test_the_phone_view_frames_the_preview_and_passes_axe(page, live_server, seeded):
    log_in(page, seeded.email, seeded.password)
    survey = survey_url(live_server)
    page.goto(f"{survey}/preview/phone?lang=nn")
    frame = page.frame_locator("iframe")
    expect(frame.locator("html")).to_have_attribute("lang", "nn")
    expect(frame.locator("h1")).to_be_visible()
    box = page.locator("iframe").bounding_box()
    assert (round(box["width"]), round(box["height"])) == (375 + 24, 740 + 24), "a 12 px frame around"
    assert axe_violations(page) == []


def test_the_print_version_passes_axe_and_offers_a_print_button_with_javascript(browser, live_server, seeded):
    for javascript in (True, False):
        context = browser.new_context(
            locale="en-GB", base_url=live_server.url, java_script_enabled=javascript
        )
        page = context.new_page()
        log_in(page, seeded.email, seeded.password)
        page.goto(f"{survey_url(live_server)}/print?lang=en")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        button = page.get_by_role("button", name="Print")
        hint = page.get_by_text("use your browser's print command")
        if javascript:
            expect(button).to_be_visible()
            expect(hint).to_be_hidden()
            assert axe_violations(page) == []
        else:
            expect(button).to_be_hidden()
            expect(hint).to_be_visible()
        context.close()
