"""Logging in, the dashboard, the language switcher, keyboard use, accessibility and logging out.

Text is asserted in English only (after switching or with ?lang=en): the Bokmål and Nynorsk
translations are still being written. In Bokmål the tests rely on ids, roles, html[lang] and data.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def path_is(path: str) -> re.Pattern:
    """Matches a full URL whose path is exactly `path`, whatever its query string and fragment.

    (A form without an action posts to the page's URL; the browser keeps its fragment, such as the
    skip link's #main, through the redirect that follows.)
    """
    return re.compile(rf"^https?://[^/?#]+{re.escape(path)}([?#].*)?$")


# The organisation's dashboard, where "/" leads a member.
DASHBOARD = re.compile(r"^https?://[^/?#]+/org/\d+/([?#].*)?$")


def log_in(page, email: str, password: str, path: str = "/login") -> None:
    page.goto(path)
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()


def survey_row(page, title: str):
    return page.get_by_role("row").filter(has=page.get_by_role("cell", name=title, exact=True))


def test_owner_logs_in_and_sees_their_organisation_and_survey(page, seeded):
    log_in(page, seeded.email, seeded.password)

    expect(page).to_have_url(DASHBOARD)
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("heading", level=1, name=seeded.organisation_name)).to_be_visible()
    row = survey_row(page, seeded.survey_title)
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell")).to_have_count(5)
    expect(row.get_by_role("cell").nth(1)).not_to_be_empty()

    page.goto("/?lang=en")
    expect(page).to_have_url(DASHBOARD)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=2)).to_have_text("Surveys")
    expect(page.locator("main .meta")).to_contain_text("Your role: owner")
    expect(survey_row(page, seeded.survey_title).get_by_role("cell")).to_have_text(
        [seeded.survey_title, "Published", "0", "0", f"Results of {seeded.survey_title}"]
    )


def test_wrong_password_shows_an_error_and_keeps_the_email(page, seeded):
    log_in(page, seeded.email, "not-the-password")

    expect(page).to_have_url(path_is("/login"))
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("status")).not_to_be_empty()
    expect(page.locator("#email")).to_have_value(seeded.email)
    expect(page.locator("#password")).to_have_value("")

    log_in(page, seeded.email, "not-the-password", path="/login?lang=en")
    expect(page).to_have_url(path_is("/login"))
    expect(page.get_by_role("status")).to_have_text("The e-mail address or password is wrong.")
    expect(page.get_by_label("E-mail address")).to_have_value(seeded.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")


def choose_language(page, code: str) -> None:
    switcher = page.locator("form").filter(has=page.locator("#language-select"))
    switcher.locator("#language-select").select_option(code)
    switcher.get_by_role("button").click()


def test_language_switcher_changes_and_keeps_the_language(page, seeded):
    log_in(page, seeded.email, seeded.password)
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    # The select is named by its visible label ("Språk" in Bokmål, "Language" in English).
    label = page.locator("label[for=language-select]")
    expect(label).not_to_be_empty()
    expect(page.locator("#language-select")).to_have_accessible_name(label.inner_text())

    choose_language(page, "en")
    expect(page).to_have_url(DASHBOARD)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Language", exact=True)).to_have_value("en")
    expect(page.get_by_role("button", name="Change")).to_be_visible()
    expect(page.get_by_role("heading", level=2)).to_have_text("Surveys")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    choose_language(page, "nn")
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    expect(page.locator("#language-select")).to_have_value("nn")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    expect(page.get_by_role("heading", level=1, name=seeded.organisation_name)).to_be_visible()


def test_language_switcher_works_before_logging_in(page, seeded):
    page.goto("/login")
    choose_language(page, "en")
    expect(page).to_have_url(path_is("/login"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def active_element(page) -> dict:
    return page.evaluate(
        "() => ({id: document.activeElement.id, tag: document.activeElement.tagName.toLowerCase(),"
        " href: document.activeElement.getAttribute('href')})"
    )


def test_keyboard_only_skip_link_and_login(page, seeded):
    page.goto("/login")

    page.keyboard.press("Tab")
    assert active_element(page) == {"id": "", "tag": "a", "href": "#main"}, "the skip link is not first"
    expect(page.locator("a.skip-link")).to_be_in_viewport()

    page.keyboard.press("Enter")
    assert active_element(page)["id"] == "main", "the skip link does not move focus to the main content"
    page.keyboard.press("Tab")
    assert active_element(page)["id"] == "email", (
        "the e-mail field is not the first field after the skip link"
    )

    page.keyboard.type(seeded.email)
    page.keyboard.press("Tab")
    assert active_element(page)["id"] == "password"
    page.keyboard.type(seeded.password)
    page.keyboard.press("Enter")

    expect(page).to_have_url(DASHBOARD)
    expect(page.get_by_role("heading", level=1, name=seeded.organisation_name)).to_be_visible()


def assert_no_violations(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe found WCAG 2.1 A/AA violations on {page.url}: {violations}"


def failed_login(page, seeded):
    log_in(page, seeded.email, "not-the-password")
    expect(page.get_by_role("status")).to_be_visible()


def invalid_login_form(page, seeded):
    log_in(page, "not an e-mail address", "")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")


def dashboard(page, seeded):
    log_in(page, seeded.email, seeded.password)
    expect(page).to_have_url(DASHBOARD)


def dashboard_in_english(page, seeded):
    dashboard(page, seeded)
    page.goto("/?lang=en")
    expect(page).to_have_url(DASHBOARD)


def logged_out(page, seeded):
    dashboard(page, seeded)
    page.locator("form[action$='/logout'] button").click()
    expect(page.get_by_role("status")).to_be_visible()


@pytest.mark.parametrize(
    "reach",
    [
        lambda page, seeded: page.goto("/login"),
        failed_login,
        invalid_login_form,
        dashboard,
        dashboard_in_english,
        logged_out,
    ],
    ids=["login", "login-wrong-password", "login-invalid-form", "dashboard", "dashboard-en", "logged-out"],
)
def test_no_wcag_violations(page, seeded, reach):
    reach(page, seeded)
    assert_no_violations(page)


def test_logout_returns_to_login_and_locks_the_dashboard(page, seeded):
    log_in(page, seeded.email, seeded.password)
    expect(page).to_have_url(DASHBOARD)

    page.get_by_role("navigation").locator("form[action$='/logout']").get_by_role("button").click()
    expect(page).to_have_url(path_is("/login"))
    expect(page.locator("#email")).to_be_visible()
    expect(page.get_by_role("status")).not_to_be_empty()
    expect(page.locator("form[action$='/logout']")).to_have_count(0)

    page.go_back()
    expect(page).to_have_url(path_is("/login"))
    expect(page.get_by_role("heading", name=seeded.organisation_name)).to_have_count(0)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
    expect(page.locator("#email")).to_be_visible()

    page.goto("/?lang=en")
    expect(page).to_have_url(path_is("/login"))
    expect(page.get_by_role("status")).to_have_text("Please log in to see this page.")


def test_axe_reports_the_violations_it_finds(page, seeded):
    """The accessibility tests can fail: axe runs on the page and reports a planted violation."""
    page.goto("/login")
    page.evaluate(
        "() => { const img = document.createElement('img');"
        " img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';"
        " document.querySelector('main').append(img); }"
    )
    assert [violation["id"] for violation in axe_violations(page)] == ["image-alt"]


@pytest.mark.parametrize("path", ["/login", "/"], ids=["login", "dashboard"])
def test_pages_reflow_at_320_css_pixels(page, seeded, path):
    """WCAG 1.4.10: at 320 CSS pixels (1280 at 400 % zoom) the page does not scroll sideways."""
    log_in(page, seeded.email, seeded.password)
    if path == "/login":
        page.locator("form[action$='/logout'] button").click()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path)
    expect(page).to_have_url(DASHBOARD if path == "/" else path_is(path))
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{path} is {width} CSS pixels wide at a 320 pixel viewport"


RGB = re.compile(r"rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)")


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def opaque_colours(css: str) -> list[tuple[int, int, int]]:
    return [
        (int(r), int(g), int(b)) for r, g, b, alpha in RGB.findall(css) if alpha == "" or float(alpha) == 1
    ]


FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  let background = 'rgb(255, 255, 255)';
  for (let node = el.parentElement; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') { background = colour; break; }
  }
  return {
    element: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + (el.innerText || '').trim(),
    outline: style.outlineStyle === 'none' ? '' : style.outlineColor,
    shadow: style.boxShadow === 'none' ? '' : style.boxShadow,
    background,
  };
}"""


@pytest.mark.parametrize("path", ["/login", "/"], ids=["login", "dashboard"])
def test_focus_indicator_has_3_to_1_contrast(page, seeded, path):
    """WCAG 1.4.11: every control reached by Tab shows a focus ring with 3:1 against what is behind it."""
    if path == "/":
        log_in(page, seeded.email, seeded.password)
    page.goto(path)
    seen = set()
    for _ in range(12):
        page.keyboard.press("Tab")
        style = page.evaluate(FOCUS_STYLE)
        if style["element"].startswith("body") or style["element"] in seen:
            break
        seen.add(style["element"])
        background = opaque_colours(style["background"])[0]
        ring = opaque_colours(style["outline"]) + opaque_colours(style["shadow"])
        best = max((contrast(colour, background) for colour in ring), default=0)
        assert best >= 3, f"the focus indicator of {style['element']!r} has {best:.2f}:1 contrast: {style}"
    assert len(seen) >= 4, f"Tab reached only {sorted(seen)}"
