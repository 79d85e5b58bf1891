"""Answering a survey at /s/<token> on a phone-sized screen: languages, conditions, errors, resuming,
double submits, screening out, no JavaScript, keyboard only, accessibility and page weight.

Each test gets its own three-page survey (nb, nn, en), built from a definition written here:

  page 1  age (single choice; under_16 screens out), first_visit (required yes/no)
  page 2  came_with (multiple choice; "alone" is exclusive), came_with_other (short text, shown if
          came_with includes "other", on the same page), overall (required rating 1–5)
  page 3  comment (long text, shown if first_visit is "yes", an earlier page)

Interface text is asserted literally in English (?lang=en); in Bokmål and Nynorsk as the message
catalogs word it. The survey's own texts come from the definition, which gives every language.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
import yaml
from flask_babel import force_locale, gettext
from playwright.sync_api import Error, expect
from sqlalchemy import select

from app.answering.models import OptIn
from app.core.types import utcnow
from app.extensions import db
from app.organisations.models import Organisation
from app.questionnaires.models import QuestionnaireVersion
from app.questionnaires.services import content_hash, version_sort_key
from app.questionnaires.validation import check_text
from app.responses.models import Response
from app.surveys.models import Collector
from app.surveys.services import new_survey_from_base, publish
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PAGE_WEIGHT_LIMIT = 60 * 1024


def texts(nb: str, nn: str, en: str) -> dict:
    return {"nb": nb, "nn": nn, "en": en}


YES_NO = [
    {"code": "yes", "label": texts("Ja", "Ja", "Yes")},
    {"code": "no", "label": texts("Nei", "Nei", "No")},
]

DEFINITION = {
    "kind": "base",
    "code": "answering_test",
    "version": "0.1",
    "title": texts("Publikumsundersøkelse", "Publikumsundersøking", "Audience survey"),
    "languages": ["nb", "nn", "en"],
    "sections": [
        {
            "code": "about_you",
            "title": texts("Om deg og besøket", "Om deg og besøket ditt", "About you and your visit"),
            "questions": [
                {
                    "code": "age",
                    "type": "single_choice",
                    "text": texts("Hvor gammel er du?", "Kor gammal er du?", "How old are you?"),
                    "required": True,
                    "options": [
                        {
                            "code": "under_16",
                            "label": texts("Under 16 år", "Under 16 år", "Under 16"),
                            "screen_out": texts(
                                "Takk! Undersøkelsen er for deg som er 16 år eller eldre.",
                                "Takk! Undersøkinga er for deg som er 16 år eller eldre.",
                                "Thank you! This survey is for people aged 16 or over.",
                            ),
                        },
                        {"code": "age_16_29", "label": texts("16–29 år", "16–29 år", "16–29")},
                        {
                            "code": "age_30_plus",
                            "label": texts("30 år eller eldre", "30 år eller eldre", "30 or over"),
                        },
                    ],
                },
                {
                    "code": "first_visit",
                    "type": "single_choice",
                    "text": texts(
                        "Er dette første gang du er hos oss?",
                        "Er dette første gongen du er hos oss?",
                        "Is this your first visit to us?",
                    ),
                    "required": True,
                    "options": YES_NO,
                },
            ],
        },
        {
            "code": "company",
            "title": texts("Selskap og inntrykk", "Selskap og inntrykk av dagen", "Company and impression"),
            "questions": [
                {
                    "code": "came_with",
                    "type": "multiple_choice",
                    "text": texts(
                        "Hvem kom du sammen med?", "Kven kom du saman med?", "Who did you come with?"
                    ),
                    "required": False,
                    "options": [
                        {"code": "alone", "label": texts("Alene", "Åleine", "Alone"), "exclusive": True},
                        {"code": "friends", "label": texts("Venner", "Vener", "Friends")},
                        {"code": "other", "label": texts("Andre", "Andre", "Someone else")},
                    ],
                },
                {
                    "code": "came_with_other",
                    "type": "short_text",
                    "text": texts(
                        "Hvem andre kom du sammen med?",
                        "Kven andre kom du saman med?",
                        "Who else did you come with?",
                    ),
                    "required": False,
                    "show_if": {"question": "came_with", "includes": "other"},
                },
                {
                    "code": "overall",
                    "type": "rating",
                    "text": texts(
                        "Hva synes du om besøket alt i alt?",
                        "Kva synest du om besøket alt i alt?",
                        "Overall, how was your visit?",
                    ),
                    "required": True,
                    "scale": {
                        "points": 5,
                        "labels": {
                            1: texts("Svært dårlig", "Svært dårleg", "Very poor"),
                            5: texts("Svært bra", "Svært bra", "Very good"),
                        },
                    },
                },
            ],
        },
        {
            "code": "first_time",
            "title": texts("Første besøk", "Første besøket", "Your first visit"),
            "questions": [
                {
                    "code": "comment",
                    "type": "long_text",
                    "text": texts(
                        "Hva fikk deg til å komme for første gang?",
                        "Kva fekk deg til å kome for første gong?",
                        "What made you come for the first time?",
                    ),
                    "required": False,
                    "show_if": {"question": "first_visit", "equals": "yes"},
                },
            ],
        },
    ],
}

# (page titles, first question) as the definition words them in each language.
SECTION_TITLES = {
    code: [section["title"][code] for section in DEFINITION["sections"]] for code in DEFINITION["languages"]
}
AGE_QUESTION = DEFINITION["sections"][0]["questions"][0]["text"]


@dataclass(frozen=True)
class AnsweringSurvey:
    token: str
    collector_id: int

    @property
    def path(self) -> str:
        return f"/s/{self.token}"


@dataclass(frozen=True)
class StoredResponse:
    status: str
    language: str
    # Question code -> sorted stored values (option codes, numbers or texts), one per Answer row.
    answers: dict[str, list]


def published(live_server, seeded, definition: dict) -> AnsweringSurvey:
    """`definition`, published with one collector in the seeded organisation."""
    problems = check_text(yaml.safe_dump(definition, allow_unicode=True)).problems
    assert problems == [], f"the test definition is not valid: {problems}"
    with live_server.app.app_context():
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == seeded.organisation_name)
        )
        base = QuestionnaireVersion(
            code=definition["code"],
            version=definition["version"],
            sort_key=version_sort_key(definition["version"]),
            title=definition["title"],
            definition=definition,
            content_hash=content_hash(definition),
        )
        db.session.add(base)
        db.session.flush()
        created, revision = new_survey_from_base(organisation, "Svarsider", base)
        collector = publish(created, revision, "Plakat i foajeen")
        db.session.commit()
        result = AnsweringSurvey(token=collector.token, collector_id=collector.id)
        db.session.remove()
    return result


@pytest.fixture
def survey(live_server, seeded) -> AnsweringSurvey:
    """The three-page survey above, published with one collector in the seeded organisation."""
    return published(live_server, seeded, DEFINITION)


@pytest.fixture
def open_page(browser, live_server, seeded):
    """Opens a page in a new phone-sized browser context; every context is closed afterwards."""
    contexts, blocked = [], []

    def open_(**options):
        options = {"locale": "nb-NO", "base_url": live_server.url, "viewport": PHONE, **options}
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        new_page = context.new_page()
        new_page.on(
            "console",
            lambda message: "Content Security Policy" in message.text and blocked.append(message.text),
        )
        return new_page

    yield open_
    for context in contexts:
        try:
            context.close()
        except Error:
            pass  # closed by the test
    assert blocked == [], f"the Content-Security-Policy blocked something the page needs: {blocked}"


@pytest.fixture
def phone(open_page):
    return open_page()


def path_is(path: str) -> re.Pattern:
    """A full URL whose path is exactly `path`, whatever its query string and fragment."""
    return re.compile(rf"^https?://[^/?#]+{re.escape(path)}([?#].*)?$")


def stored_responses(live_server, survey: AnsweringSurvey) -> list[StoredResponse]:
    with live_server.app.app_context():
        responses = db.session.scalars(
            select(Response).where(Response.collector_id == survey.collector_id).order_by(Response.id)
        ).all()
        stored = []
        for response in responses:
            answers: dict[str, list] = {}
            for row in response.answers:
                value = next(v for v in (row.option_code, row.number_value, row.text_value) if v is not None)
                answers.setdefault(row.question_code, []).append(value)
            stored.append(
                StoredResponse(
                    response.status.value, response.language, {k: sorted(v) for k, v in answers.items()}
                )
            )
        db.session.remove()
    return stored


def close_collector(live_server, survey: AnsweringSurvey) -> None:
    with live_server.app.app_context():
        collector = db.session.get(Collector, survey.collector_id)
        collector.closes_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        db.session.remove()


def next_button(page):
    return page.locator("main form button[name=action][value=next]")


def back_button(page):
    return page.locator("main form button[name=action][value=back]")


def expect_page(page, number: int, language: str = "nb") -> None:
    """The answering page `number` (1-based) is shown, in `language`."""
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(SECTION_TITLES[language][number - 1])
    expect(page.locator("input[name=page]")).to_have_value(str(number - 1))


def answer_page_1(page, age: str = "age_30_plus", first_visit: str = "yes") -> None:
    page.locator(f"#age-{age}").check()
    page.locator(f"#first_visit-{first_visit}").check()
    next_button(page).click()


def answer_page_2(page, came_with=("friends",), other_text: str | None = None, overall: int | None = 4):
    for code in came_with:
        page.locator(f"#came_with-{code}").check()
    if other_text is not None:
        page.locator("#came_with_other").fill(other_text)
    if overall is not None:
        page.locator(f"#overall-{overall}").check()
    next_button(page).click()


def interface_text(live_server, language: str, msgid: str) -> str:
    """An interface text as the catalog for `language` words it."""
    with live_server.app.test_request_context(), force_locale(language):
        return gettext(msgid)


def expect_thanks(page, live_server, survey: AnsweringSurvey, language: str = "nb") -> None:
    expect(page).to_have_url(path_is(f"{survey.path}/thanks"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    heading = interface_text(live_server, language, "Thank you")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_survey_is_answered_in_each_language_taking_the_conditional_branches(
    phone, live_server, survey, language
):
    phone.goto(f"{survey.path}?lang={language}")
    expect_page(phone, 1, language)
    expect(phone.locator("#q-age legend .question-text")).to_have_text(AGE_QUESTION[language])
    expect(
        phone.get_by_role(
            "radio", name=DEFINITION["sections"][0]["questions"][0]["options"][1]["label"][language]
        )
    ).to_be_visible()
    answer_page_1(phone, first_visit="yes")

    expect_page(phone, 2, language)
    expect(phone.locator("#q-came_with legend .question-text")).to_have_text(
        DEFINITION["sections"][1]["questions"][0]["text"][language]
    )
    phone.locator("#came_with-friends").check()
    expect(phone.locator("#came_with_other")).to_be_hidden()
    phone.locator("#came_with-other").check()
    expect(phone.locator("#came_with_other")).to_be_visible()
    answer_page_2(phone, came_with=(), other_text="Naboen min", overall=4)

    expect_page(phone, 3, language)
    phone.locator("#comment").fill("Anbefalt av en venn.")
    expect(next_button(phone)).to_have_text(interface_text(live_server, language, "Send"))
    next_button(phone).click()

    expect_thanks(phone, live_server, survey, language)
    assert stored_responses(live_server, survey) == [
        StoredResponse(
            "complete",
            language,
            {
                "age": ["age_30_plus"],
                "first_visit": ["yes"],
                "came_with": ["friends", "other"],
                "came_with_other": ["Naboen min"],
                "overall": [4.0],
                "comment": ["Anbefalt av en venn."],
            },
        )
    ]


def test_branches_not_taken_skip_the_later_page_and_discard_the_hidden_answer(phone, live_server, survey):
    phone.goto(survey.path)
    answer_page_1(phone, first_visit="no")

    expect_page(phone, 2)
    # Typed while "other" was chosen, then "other" unchosen: the text is not what the respondent means.
    phone.locator("#came_with-other").check()
    phone.locator("#came_with_other").fill("Skrevet før jeg ombestemte meg")
    phone.locator("#came_with-other").uncheck()
    expect(phone.locator("#came_with_other")).to_be_hidden()
    # With first_visit "no", page 3 has nothing to show: this page is the last, and its button says so.
    expect(next_button(phone)).to_have_text(interface_text(live_server, "nb", "Send"))
    answer_page_2(phone, came_with=("friends",), overall=2)

    expect_thanks(phone, live_server, survey)
    [response] = stored_responses(live_server, survey)
    assert response.status == "complete"
    assert "came_with_other" not in response.answers, "the hidden question's answer was stored"
    assert "comment" not in response.answers
    assert response.answers == {
        "age": ["age_30_plus"],
        "first_visit": ["no"],
        "came_with": ["friends"],
        "overall": [2.0],
    }


def test_without_javascript_the_condition_is_stated_and_the_survey_can_be_completed(
    open_page, live_server, survey
):
    page = open_page(java_script_enabled=False)
    page.goto(f"{survey.path}?lang=en")
    expect_page(page, 1, "en")
    answer_page_1(page, first_visit="yes")

    expect_page(page, 2, "en")
    conditional = page.locator("#q-came_with_other")
    expect(conditional).to_be_visible()
    expect(conditional.locator("legend .condition")).to_be_visible()
    expect(conditional.locator("legend")).to_contain_text(
        "If you answered “Someone else” to “Who did you come with?”:"
    )
    expect(page.get_by_role("textbox", name=re.compile("Who else did you come with"))).to_be_visible()
    answer_page_2(page, came_with=("other",), other_text="Tante Olga", overall=5)

    expect_page(page, 3, "en")
    page.locator("#comment").fill("Plakaten.")
    next_button(page).click()

    expect_thanks(page, live_server, survey, "en")
    [response] = stored_responses(live_server, survey)
    assert response.status == "complete"
    assert response.answers["came_with_other"] == ["Tante Olga"]
    assert response.answers["comment"] == ["Plakaten."]


def test_a_validation_error_is_linked_from_the_summary_and_fixed(phone, live_server, survey):
    phone.goto(f"{survey.path}?lang=en")
    answer_page_1(phone)
    expect_page(phone, 2, "en")
    phone.locator("#came_with-friends").check()
    with phone.expect_response(lambda reply: reply.request.method == "POST") as posted:
        next_button(phone).click()
    assert posted.value.status == 400

    expect_page(phone, 2, "en")
    expect(phone).to_have_title(re.compile(r"^Error: "))
    summary = phone.get_by_role("alert")
    expect(summary.get_by_role("heading", level=2)).to_have_text("Please correct the following")
    link = summary.get_by_role("link")
    expect(link).to_have_count(1)
    expect(link).to_have_text("Overall, how was your visit?: Answer this question.")
    expect(phone.locator("#q-overall .error-message")).to_contain_text("Answer this question.")
    # What was chosen before sending is kept.
    expect(phone.locator("#came_with-friends")).to_be_checked()

    link.click()
    focused_in_question = phone.evaluate("() => Boolean(document.activeElement.closest('#q-overall'))")
    assert focused_in_question, "the error summary link does not move focus to the question"
    expect(phone.locator("#q-overall legend")).to_be_in_viewport()

    # From there the keyboard goes straight on into the question.
    phone.keyboard.press("Tab")
    assert focused(phone) == "overall-1"
    phone.keyboard.press("ArrowRight")
    phone.keyboard.press("ArrowRight")
    expect(phone.locator("#overall-3")).to_be_checked()
    next_button(phone).click()
    expect_page(phone, 3, "en")
    [response] = stored_responses(live_server, survey)
    assert response.status == "partial"
    assert response.answers["overall"] == [3.0]
    assert response.answers["came_with"] == ["friends"]


def test_answering_resumes_after_the_browser_is_closed(open_page, survey):
    page = open_page()
    page.goto(survey.path)
    answer_page_1(page, age="age_16_29", first_visit="no")
    expect_page(page, 2)
    state = page.context.storage_state()
    page.context.close()

    reopened = open_page(storage_state=state)
    reopened.goto(survey.path)
    expect_page(reopened, 2)

    back_button(reopened).click()
    expect_page(reopened, 1)
    expect(reopened.locator("#age-age_16_29")).to_be_checked()
    expect(reopened.locator("#first_visit-no")).to_be_checked()


def post_at_once(page, times: int) -> list[int]:
    """Posts the page's form `times` times, all in flight together (a double tap on a slow network)."""
    return page.evaluate(
        """async times => {
          const form = document.querySelector('main form');
          // Not form.action: that is the submit buttons, which are named "action".
          const options = {method: 'POST', body: new FormData(form), redirect: 'manual'};
          const send = () => fetch(form.getAttribute('action'), options);
          const replies = await Promise.all(Array.from({length: times}, send));
          return replies.map(reply => reply.status);
        }""",
        times,
    )


def send_twice_by_double_click(page) -> None:
    next_button(page).dblclick()


def send_twice_at_once(page) -> None:
    statuses = post_at_once(page, 2)
    # 0 is a redirect (not followed), 200 the "already answered" page.
    assert set(statuses) <= {0, 200}, f"sending twice answered {statuses}"
    page.goto(page.url)


def reach_last_page(page, survey) -> None:
    page.goto(survey.path)
    answer_page_1(page, first_visit="yes")
    answer_page_2(page)
    expect_page(page, 3)
    page.locator("#comment").fill("Sendt to ganger.")


@pytest.mark.parametrize(
    "send_twice", [send_twice_by_double_click, send_twice_at_once], ids=["dblclick", "fetch"]
)
def test_sending_the_last_page_twice_stores_one_complete_response(phone, live_server, survey, send_twice):
    reach_last_page(phone, survey)

    send_twice(phone)

    # The respondent is told the answers are saved, whichever request the browser shows.
    saved = [interface_text(live_server, "nb", text) for text in ("Thank you", "You have already answered")]
    expect(phone.get_by_role("heading", level=1)).to_have_text(re.compile("|".join(map(re.escape, saved))))
    responses = stored_responses(live_server, survey)
    assert [response.status for response in responses] == ["complete"]
    assert responses[0].answers["overall"] == [4.0]


def test_the_last_page_sent_several_times_at_once_stores_its_answers_once(phone, live_server, survey):
    reach_last_page(phone, survey)

    statuses = post_at_once(phone, 4)

    assert set(statuses) <= {0, 200}, statuses
    [response] = stored_responses(live_server, survey)
    assert response.status == "complete"
    assert response.answers["comment"] == ["Sendt to ganger."], "the last page's answer was stored twice"


def test_choosing_a_screen_out_option_ends_the_survey_with_its_message(phone, live_server, survey):
    phone.goto(f"{survey.path}?lang=en")
    answer_page_1(phone, age="under_16", first_visit="yes")

    expect_thanks(phone, live_server, survey, "en")
    expect(phone.locator("main")).to_contain_text("Thank you! This survey is for people aged 16 or over.")
    expect(phone.locator("main")).not_to_contain_text("Your answers are saved.")
    [response] = stored_responses(live_server, survey)
    assert response.status == "screened_out"
    assert response.answers == {"age": ["under_16"], "first_visit": ["yes"]}

    phone.goto(survey.path)
    expect(phone.get_by_role("heading", level=1)).to_have_text("You have already answered")
    expect(phone.locator("main form")).to_have_count(0)


def complete(page) -> None:
    answer_page_1(page, first_visit="no")
    answer_page_2(page)
    expect(page).to_have_url(re.compile(r"/thanks$"))


# Each reaches one respondent page in `language`: (page, survey, live_server, language).
def reach_page_1(page, survey, live_server, language):
    page.goto(f"{survey.path}?lang={language}")
    expect_page(page, 1, language)


def reach_page_2_with_an_error(page, survey, live_server, language):
    reach_page_1(page, survey, live_server, language)
    answer_page_1(page)
    page.locator("#came_with-other").check()
    next_button(page).click()
    expect(page.get_by_role("alert").get_by_role("link")).to_have_count(1)
    expect(page.locator("#q-came_with_other")).to_be_visible()


def reach_page_3(page, survey, live_server, language):
    reach_page_1(page, survey, live_server, language)
    answer_page_1(page, first_visit="yes")
    answer_page_2(page)
    expect_page(page, 3, language)


def reach_thanks(page, survey, live_server, language):
    reach_page_1(page, survey, live_server, language)
    complete(page)


def reach_screened_out(page, survey, live_server, language):
    reach_page_1(page, survey, live_server, language)
    answer_page_1(page, age="under_16")
    expect(page).to_have_url(re.compile(r"/thanks$"))


def reach_closed(page, survey, live_server, language):
    close_collector(live_server, survey)
    reply = page.goto(f"{survey.path}?lang={language}")
    assert reply.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text(
        interface_text(live_server, language, "The survey is closed")
    )


def reach_already_answered(page, survey, live_server, language):
    reach_thanks(page, survey, live_server, language)
    reply = page.goto(survey.path)
    assert reply.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(
        interface_text(live_server, language, "You have already answered")
    )
    expect(page.locator("main form")).to_have_count(0)


def reach_privacy(page, survey, live_server, language):
    page.goto(f"{survey.path}/privacy?lang={language}")


def reach_accessibility(page, survey, live_server, language):
    page.goto(f"{survey.path}/accessibility?lang={language}")


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize(
    "reach",
    [
        reach_page_1,
        reach_page_2_with_an_error,
        reach_page_3,
        reach_thanks,
        reach_screened_out,
        reach_closed,
        reach_already_answered,
        reach_privacy,
        reach_accessibility,
    ],
    ids=lambda reach: reach.__name__.removeprefix("reach_"),
)
def test_no_wcag_violations(phone, live_server, survey, reach, language):
    reach(phone, survey, live_server, language)
    expect(phone.locator("html")).to_have_attribute("lang", language)
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{phone.url} scrolls sideways on a phone: {width} CSS pixels wide"
    violations = axe_violations(phone)
    assert violations == [], f"axe found WCAG 2.1 A/AA violations on {phone.url}: {violations}"


OPT_INS = [
    {
        "code": "newsletter",
        "kind": "newsletter",
        "text": texts("Send meg nyhetsbrevet", "Send meg nyheitsbrevet", "Send me the newsletter"),
    },
    {
        "code": "prize_draw",
        "kind": "prize_draw",
        "text": texts(
            "Bli med i trekningen av to billetter",
            "Bli med i trekkinga av to billettar",
            "Enter me in the prize draw for two tickets",
        ),
    },
]


def expect_no_wcag_violations(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone: {width} CSS pixels wide"
    violations = axe_violations(page)
    assert violations == [], f"axe found WCAG 2.1 A/AA violations on {page.url}: {violations}"


def test_signing_up_on_the_thank_you_page_after_completing_the_survey(phone, live_server, seeded):
    survey = published(live_server, seeded, {**DEFINITION, "version": "0.2", "opt_ins": OPT_INS})
    phone.goto(f"{survey.path}?lang=en")
    complete(phone)
    expect_thanks(phone, live_server, survey, "en")
    expect(phone.locator("main")).to_contain_text(
        "Your e-mail address is stored separately from your answers and cannot be linked to them."
    )
    expect_no_wcag_violations(phone)

    prize_draw = phone.get_by_label("Enter me in the prize draw for two tickets")
    prize_draw.check()
    email = phone.get_by_label("E-mail address")
    expect(email).to_have_attribute("type", "email")
    expect(email).to_have_attribute("autocomplete", "email")
    email.fill("ola.nordmann")
    phone.get_by_role("button", name="Sign me up").click()
    expect(phone.get_by_role("alert")).to_contain_text("Enter an e-mail address such as name@example.no.")
    expect(prize_draw).to_be_checked()
    expect(email).to_have_value("ola.nordmann")
    expect_no_wcag_violations(phone)

    email.fill("Ola.Nordmann@example.no")
    phone.get_by_role("button", name="Sign me up").click()
    expect(phone).to_have_url(path_is(f"{survey.path}/thanks"))
    expect(phone.get_by_role("status")).to_have_text("Your e-mail address is saved, apart from your answers.")
    expect(phone.locator("main form")).to_have_count(0)
    expect_no_wcag_violations(phone)
    with live_server.app.app_context():
        stored = db.session.execute(select(OptIn.opt_in_code, OptIn.email)).all()
        db.session.remove()
    assert [tuple(row) for row in stored] == [("prize_draw", "ola.nordmann@example.no")]


def focused(page) -> str:
    return page.evaluate("() => document.activeElement.id || document.activeElement.tagName.toLowerCase()")


def tab_to(page, element_id: str, limit: int = 25) -> None:
    """Press Tab until the element with this id has focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(focused(page))
        if seen[-1] == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}; it went through {seen}")


def test_the_survey_can_be_completed_with_the_keyboard_only(phone, live_server, survey):
    phone.goto(survey.path)

    # Page 1: Tab enters the radio group on its first option; the arrow key moves and chooses.
    tab_to(phone, "age-under_16")
    expect(phone.locator("#age-under_16")).not_to_be_checked()
    phone.keyboard.press("ArrowDown")
    assert focused(phone) == "age-age_16_29"
    expect(phone.locator("#age-age_16_29")).to_be_checked()
    phone.keyboard.press("Tab")
    assert focused(phone) == "first_visit-yes"
    phone.keyboard.press("Space")
    expect(phone.locator("#first_visit-yes")).to_be_checked()
    phone.keyboard.press("Tab")
    assert focused(phone) == "button"
    phone.keyboard.press("Enter")

    # Page 2: checkboxes with Space; the conditional text field appears and is next in the Tab order.
    expect_page(phone, 2)
    tab_to(phone, "came_with-friends")
    phone.keyboard.press("Space")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Space")
    expect(phone.locator("#came_with-other")).to_be_checked()
    phone.keyboard.press("Tab")
    assert focused(phone) == "came_with_other"
    phone.keyboard.type("Kollegaer")
    phone.keyboard.press("Tab")
    assert focused(phone) == "overall-1"
    for _ in range(3):
        phone.keyboard.press("ArrowRight")
    expect(phone.locator("#overall-4")).to_be_checked()
    phone.keyboard.press("Tab")
    expect(next_button(phone)).to_be_focused()
    phone.keyboard.press("Enter")

    # Page 3: a multi-line answer; Tab leaves the text area for Send.
    expect_page(phone, 3)
    tab_to(phone, "comment")
    phone.keyboard.type("Første linje.")
    phone.keyboard.press("Enter")
    phone.keyboard.type("Andre linje.")
    phone.keyboard.press("Tab")
    expect(next_button(phone)).to_be_focused()
    phone.keyboard.press("Enter")

    expect_thanks(phone, live_server, survey)
    [response] = stored_responses(live_server, survey)
    assert response.status == "complete"
    assert response.answers == {
        "age": ["age_16_29"],
        "first_visit": ["yes"],
        "came_with": ["friends", "other"],
        "came_with_other": ["Kollegaer"],
        "overall": [4.0],
        # Browsers send line breaks as CR LF (HTML form submission).
        "comment": ["Første linje.\r\nAndre linje."],
    }


def test_page_2_weighs_at_most_60_kb(open_page, survey):
    """Document and every sub-resource, as a first visit with an empty cache fetches them."""
    page = open_page()
    page.goto(survey.path)
    answer_page_1(page)
    expect_page(page, 2)
    state = page.context.storage_state()

    fresh = open_page(storage_state=state)  # an empty cache, the resume cookie leads to page 2
    replies = []
    fresh.on("response", lambda reply: replies.append(reply))
    fresh.goto(survey.path)
    expect_page(fresh, 2)
    fresh.wait_for_load_state("load")

    sizes = {}
    for reply in replies:
        body = reply.body() if reply.status < 300 or reply.status >= 400 else b""
        headers = reply.request.sizes()["responseHeadersSize"]
        sizes[reply.url] = len(body) + max(headers, 0)
    total = sum(sizes.values())
    assert any(url.endswith(".css") for url in sizes), sizes
    assert total <= PAGE_WEIGHT_LIMIT, f"page 2 weighs {total} bytes: {sizes}"
