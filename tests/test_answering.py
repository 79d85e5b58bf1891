"""The public answering pages at /s/<token>, as a respondent and the database see them."""

import copy
import hashlib
import logging
from datetime import timedelta

import pytest
from flask_babel import force_locale, format_datetime
from sqlalchemy import select, update

from app.answering import flow
from app.core.types import utcnow
from app.extensions import db
from app.jobs.models import PendingJob
from app.responses.models import Answer, Response, ResponseStatus
from app.responses.summary import refresh_response_summary
from tests.answering_support import (
    DEFINITION,
    OTHER_MAX_LENGTH,
    PAGE_1,
    PAGE_2,
    PAGE_3,
    SCREEN_OUT,
    Respondent,
    answering_survey,
    checked,
    error_summary,
    field_value,
    hidden_fields,
    message,
    page_number,
    row_counts,
    texts,
    visible_text,
    with_languages,
)

CLIENT_ADDRESS = "203.0.113.77"
USER_AGENT = "Mozilla/5.0 (X11; Grunnskjema-Anonymity-Probe-7c1e) Gecko/20100101"


@pytest.fixture
def link(app):
    return answering_survey(app)


def stored_responses(app) -> list[dict]:
    with app.app_context():
        return [
            {
                "id": response.id,
                "status": response.status,
                "language": response.language,
                "is_test": response.is_test,
                "submitted_at": response.submitted_at,
                "duration_seconds": response.duration_seconds,
                "resume_key_hash": response.resume_key_hash,
                "next_section": response.next_section,
            }
            for response in db.session.scalars(select(Response).order_by(Response.id))
        ]


def answer_rows(app, response_id: int | None = None) -> list[tuple]:
    """(question, option, number, text) of every stored answer, sorted."""
    with app.app_context():
        query = select(Answer.question_code, Answer.option_code, Answer.number_value, Answer.text_value)
        if response_id is not None:
            query = query.where(Answer.response_id == response_id)
        return sorted(tuple(row) for row in db.session.execute(query))


def nb(app, msgid: str, **variables) -> str:
    return message(app, "nb", msgid, **variables)


# --- the link's state -------------------------------------------------------------------------------------


def test_an_unknown_link_is_not_found(app, client):
    assert client.get("/s/no-such-link").status_code == 404
    assert client.post("/s/no-such-link", data={"page": "0"}).status_code == 404
    assert client.get("/s/no-such-link/thanks").status_code == 404
    assert client.get("/s/no-such-link/privacy").status_code == 404


def test_a_closed_link_says_it_takes_no_more_answers(app, client):
    link = answering_survey(app, closes_at=utcnow() - timedelta(minutes=1))
    reply = client.get(link.url)
    assert reply.status_code == 410
    text = visible_text(reply.text)
    assert nb(app, "The survey is closed") in text
    assert nb(app, "This survey no longer takes answers. Thank you for wanting to take part!") in text
    assert 'name="csrf_token"' not in reply.text
    assert client.post(link.url, data={"page": "0", **PAGE_1}).status_code == 410
    assert row_counts(app) == (0, 0)


def test_a_link_with_all_the_answers_it_needs_says_it_is_full_and_partials_do_not_fill_it(app, client):
    link = answering_survey(app, response_cap=1)
    Respondent(client, link).walk(PAGE_1)  # an unfinished response
    assert page_number(app.test_client().get(link.url).text) == 1, "a partial response must not fill the cap"

    Respondent(app.test_client(), link).walk(PAGE_1, PAGE_2, PAGE_3)
    reply = app.test_client().get(link.url)
    assert reply.status_code == 410
    assert nb(
        app, "The survey has received all the answers it needs. Thank you for wanting to take part!"
    ) in (visible_text(reply.text))


def test_a_link_not_yet_open_says_when_it_opens(app, client):
    opens_at = (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)
    link = answering_survey(app, opens_at=opens_at)
    reply = client.get(link.url)
    assert reply.status_code == 200
    with app.test_request_context(), force_locale("nb"):
        when = format_datetime(opens_at, "d. MMMM y HH:mm")
    text = visible_text(reply.text)
    assert nb(app, "The survey has not opened yet") in text
    assert nb(app, "You can answer from %(when)s.", when=when) in text
    assert 'name="csrf_token"' not in reply.text


# --- walking through the pages ----------------------------------------------------------------------------


def test_a_full_walk_stores_one_complete_response_with_every_answer(app, client, link):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nn"
    respondent = Respondent(client, link)
    respondent.open()
    assert page_number(respondent.page) == 1
    assert respondent.send(PAGE_1).status_code == 200
    assert page_number(respondent.page) == 2
    respondent.send(PAGE_2)
    assert page_number(respondent.page) == 3
    assert "Korleis høyrde du om oss?" in respondent.page
    reply = respondent.send(PAGE_3)

    assert reply.status_code == 200
    assert respondent.path == link.thanks_url
    assert message(app, "nn", "Your answers are saved. Thank you for taking the time!") in visible_text(
        reply.text
    )
    [response] = stored_responses(app)
    assert response["status"] == ResponseStatus.COMPLETE
    assert response["language"] == "nn"
    assert response["is_test"] is False
    assert response["submitted_at"] is not None
    assert response["duration_seconds"] is not None and response["duration_seconds"] >= 0
    assert answer_rows(app) == [
        ("age_group", "age_30_plus", None, None),
        ("came_with", "other", None, None),
        ("came_with", "partner", None, None),
        ("came_with_other", None, None, "Naboen"),
        ("first_visit", "yes", None, None),
        ("how_heard", None, None, "Fra en venn"),
        ("impression_staff", "good", None, None),
        ("impression_venue", "poor", None, None),
        ("overall", None, 4.0, None),
        ("recommend", None, 9.0, None),
        ("visits_12m", None, 3.0, None),
    ]
    with app.app_context():
        places = db.session.execute(select(Answer.question_code, Answer.ordinal).order_by(Answer.id)).all()
        # The options of a multiple choice are numbered, so its respondents can be counted by row.
        assert [place for code, place in places if code == "came_with"] == [1, 2]
        assert {place for code, place in places if code != "came_with"} == {1}
        jobs = db.session.scalars(select(PendingJob)).all()
        assert [(job.task, job.args) for job in jobs] == [
            ("aggregate_responses", {"survey_id": link.survey_id})
        ]


def test_the_last_section_is_skipped_when_its_condition_does_not_hold(app, client, link):
    respondent = Respondent(client, link)
    reply = respondent.walk({**PAGE_1, "first_visit": "no"}, PAGE_2)
    assert respondent.path == link.thanks_url
    assert reply.status_code == 200
    [response] = stored_responses(app)
    assert response["status"] == ResponseStatus.COMPLETE
    assert {row[0] for row in answer_rows(app)} == {
        "age_group",
        "first_visit",
        "came_with",
        "came_with_other",
        "overall",
        "recommend",
        "visits_12m",
    }


def test_a_follow_up_on_the_same_page_is_kept_only_when_its_condition_holds(app, client, link):
    without_other = Respondent(client, link)
    without_other.walk(PAGE_1, {**PAGE_2, "came_with": ["partner"], "came_with_other": "Naboen"})
    with_other = Respondent(app.test_client(), link)
    with_other.walk(PAGE_1, {**PAGE_2, "came_with": ["partner", "other"], "came_with_other": "Naboen"})

    first, second = stored_responses(app)
    assert not [row for row in answer_rows(app, first["id"]) if row[0] == "came_with_other"]
    assert ("came_with_other", None, None, "Naboen") in answer_rows(app, second["id"])


def test_the_same_page_follow_up_states_its_condition_for_readers_without_javascript(app, client, link):
    respondent = Respondent(client, link)
    respondent.walk(PAGE_1)
    assert 'id="q-came_with_other"' in respondent.page
    stated = nb(
        app,
        "If you answered “%(answer)s” to “%(question)s”:",
        answer="Andre",
        question="Hvem kom du sammen med?",
    )
    assert stated in visible_text(respondent.page)


# --- answers that do not fit ------------------------------------------------------------------------------

CAME_WITH = "Hvem kom du sammen med?"
RANGE = "Write a number from %(low)d to %(high)d."


@pytest.mark.parametrize(
    ("answers", "question", "question_text", "msgid", "variables"),
    [
        pytest.param(
            {"overall": ""},
            "overall",
            "Hvor fornøyd er du?",
            "Answer this question.",
            {},
            id="required-missing",
        ),
        pytest.param(
            {"came_with": ["alone", "partner"]},
            "came_with",
            CAME_WITH,
            "This answer cannot be combined with others: %(option)s",
            {"option": "Kom alene"},
            id="exclusive-combined",
        ),
        pytest.param(
            {"came_with": ["partner", "children", "friends"]},
            "came_with",
            CAME_WITH,
            "Choose at most %(count)d.",
            {"count": 2},
            id="too-many-selected",
        ),
        pytest.param(
            {"came_with": ["partner", "dogs"]},
            "came_with",
            CAME_WITH,
            "Choose among the options shown.",
            {},
            id="unknown-option",
        ),
        pytest.param(
            {"visits_12m": "101"},
            "visits_12m",
            "Hvor mange besøk siste år?",
            RANGE,
            {"low": 0, "high": 100},
            id="number-above-max",
        ),
        pytest.param(
            {"visits_12m": "-1"},
            "visits_12m",
            "Hvor mange besøk siste år?",
            RANGE,
            {"low": 0, "high": 100},
            id="number-below-min",
        ),
        pytest.param(
            {"visits_12m": "mange"},
            "visits_12m",
            "Hvor mange besøk siste år?",
            RANGE,
            {"low": 0, "high": 100},
            id="not-a-number",
        ),
        pytest.param(
            {"visits_12m": "2,5"},
            "visits_12m",
            "Hvor mange besøk siste år?",
            RANGE,
            {"low": 0, "high": 100},
            id="not-a-whole-number",
        ),
        pytest.param(
            {"overall": "6"},
            "overall",
            "Hvor fornøyd er du?",
            RANGE,
            {"low": 1, "high": 5},
            id="rating-outside-its-scale",
        ),
        pytest.param(
            {"came_with_other": "Na\x00boen"},
            "came_with_other",
            "Hvem andre?",
            "The answer contains characters that cannot be stored.",
            {},
            id="nul-byte",
        ),
        pytest.param(
            {"came_with_other": "x" * (OTHER_MAX_LENGTH + 1)},
            "came_with_other",
            "Hvem andre?",
            "Shorten the answer to at most %(count)d characters.",
            {"count": OTHER_MAX_LENGTH},
            id="text-too-long",
        ),
    ],
)
def test_an_answer_that_does_not_fit_is_refused_with_a_linked_error_and_nothing_is_stored(
    app, client, link, answers, question, question_text, msgid, variables
):
    respondent = Respondent(client, link)
    respondent.walk(PAGE_1)
    before = row_counts(app)

    reply = respondent.send({**PAGE_2, **answers})

    assert reply.status_code == 400
    assert page_number(respondent.page) == 2
    assert error_summary(respondent.page) == {question: f"{question_text}: {nb(app, msgid, **variables)}"}
    assert f'id="q-{question}"' in respondent.page
    assert row_counts(app) == before
    if question != "overall":
        assert ("overall", "4") in checked(respondent.page), "the answers given are shown again"


@pytest.mark.parametrize(
    ("answers", "question", "msgid"),
    [
        pytest.param({"first_visit": "yes"}, "age_group", "Answer this question.", id="required-missing"),
        pytest.param(
            {**PAGE_1, "age_group": "age_99"}, "age_group", "Choose one of the options.", id="unknown"
        ),
    ],
)
def test_the_first_page_refuses_answers_that_do_not_fit_without_starting_a_response(
    app, client, link, answers, question, msgid
):
    respondent = Respondent(client, link)
    respondent.open()
    reply = respondent.send(answers)
    assert reply.status_code == 400
    assert error_summary(respondent.page) == {question: f"Hvor gammel er du?: {nb(app, msgid)}"}
    assert ("first_visit", "yes") in checked(respondent.page)
    assert row_counts(app) == (0, 0)
    assert client.get_cookie(link.resume_cookie, path=link.url) is None


def test_a_page_beyond_the_furthest_reached_is_refused(app, client, link):
    respondent = Respondent(client, link)
    respondent.open()
    assert respondent.send(PAGE_1, page="1").status_code == 400  # no response yet: only page 1 exists
    assert row_counts(app) == (0, 0)

    respondent.open()
    respondent.send(PAGE_1)
    before = row_counts(app)
    assert respondent.send(PAGE_3, page="2").status_code == 400
    assert (
        client.post(link.url, data={**hidden_fields(client.get(link.url).text), "page": "-1"}).status_code
        == 400
    )
    assert (
        client.post(link.url, data={**hidden_fields(client.get(link.url).text), "page": "x"}).status_code
        == 400
    )
    assert row_counts(app) == before


def test_a_body_larger_than_the_limit_is_refused(app, client, link):
    respondent = Respondent(client, link)
    respondent.walk(PAGE_1)
    before = row_counts(app)
    too_long = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    assert respondent.send({**PAGE_2, "came_with_other": too_long}).status_code == 413
    assert row_counts(app) == before


# --- screen-out, back, resume, repeat ---------------------------------------------------------------------


def test_a_screen_out_answer_ends_the_survey_at_once_with_its_message(app, client, link):
    respondent = Respondent(client, link)
    respondent.open()
    reply = respondent.send({"age_group": "under_16"})  # the other required question left unanswered

    assert reply.status_code == 200
    assert respondent.path == link.thanks_url
    text = visible_text(reply.text)
    assert SCREEN_OUT["nb"] in text
    assert nb(app, "Your answers are saved. Thank you for taking the time!") not in text
    [response] = stored_responses(app)
    assert response["status"] == ResponseStatus.SCREENED_OUT
    assert response["submitted_at"] is not None
    assert answer_rows(app) == [("age_group", "under_16", None, None)]
    assert nb(app, "You have already answered") in visible_text(client.get(link.url).text)


def test_back_shows_the_saved_answers_and_going_forward_again_replaces_them(app, client, link):
    respondent = Respondent(client, link)
    respondent.walk(PAGE_1, PAGE_2)
    assert page_number(respondent.page) == 3

    respondent.send(action="back")
    assert page_number(respondent.page) == 2
    shown = checked(respondent.page)
    assert {("came_with", "partner"), ("came_with", "other"), ("overall", "4"), ("recommend", "9")} <= shown
    assert field_value(respondent.page, "visits_12m") == "3"
    assert field_value(respondent.page, "came_with_other") == "Naboen"

    respondent.send(action="back")
    assert page_number(respondent.page) == 1
    assert {("age_group", "age_30_plus"), ("first_visit", "yes")} <= checked(respondent.page)

    respondent.send({**PAGE_1, "age_group": "age_16_29"})
    respondent.send({**PAGE_2, "came_with": ["friends"], "came_with_other": "", "visits_12m": "7"})
    assert page_number(respondent.page) == 3
    rows = answer_rows(app)
    assert [row for row in rows if row[0] in ("age_group", "came_with", "came_with_other", "visits_12m")] == [
        ("age_group", "age_16_29", None, None),
        ("came_with", "friends", None, None),
        ("visits_12m", None, 7.0, None),
    ]
    assert len(rows) == len({row[0] for row in rows}), "one row per question, no duplicates"
    assert len(stored_responses(app)) == 1


def test_back_keeps_what_was_given_on_the_page_without_checking_it(app, client, link):
    respondent = Respondent(client, link)
    respondent.walk(PAGE_1)
    reply = respondent.send({**PAGE_2, "overall": "", "visits_12m": "mange"}, action="back")

    assert reply.status_code == 200
    assert page_number(respondent.page) == 1
    assert error_summary(respondent.page) == {}
    respondent.send(PAGE_1)
    assert page_number(respondent.page) == 2
    shown = checked(respondent.page)
    assert {("came_with", "partner"), ("came_with", "other"), ("recommend", "9")} <= shown
    assert not [value for name, value in shown if name == "overall"], "a required answer left out stays out"
    assert field_value(respondent.page, "came_with_other") == "Naboen"
    assert field_value(respondent.page, "visits_12m") == "", "an answer that does not fit is not kept"
    assert error_summary(respondent.page) == {}


def test_back_keeps_the_stored_answer_of_a_question_answered_wrongly(app, client, link):
    respondent = Respondent(client, link)
    respondent.walk(PAGE_1, PAGE_2)
    respondent.send(action="back")
    respondent.send(
        {**PAGE_2, "overall": "5", "visits_12m": "mange", "came_with": ["friends"]}, action="back"
    )
    assert page_number(respondent.page) == 1

    respondent.send(PAGE_1)
    assert page_number(respondent.page) == 2
    shown = checked(respondent.page)
    assert {("overall", "5"), ("came_with", "friends")} <= shown
    assert ("came_with", "partner") not in shown
    assert field_value(respondent.page, "visits_12m") == "3"
    assert len(stored_responses(app)) == 1


def test_a_new_browser_with_the_resume_cookie_continues_where_the_first_left_off(app, client, link):
    Respondent(client, link).walk(PAGE_1)
    cookie = client.get_cookie(link.resume_cookie, path=link.url)
    assert cookie is not None and cookie.http_only

    [response] = stored_responses(app)
    assert response["resume_key_hash"] == hashlib.sha256(cookie.value.encode()).hexdigest()
    assert response["resume_key_hash"] != cookie.value
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)):
                assert not any(cookie.value in str(value) for value in row), f"resume key stored in {table}"

    other = app.test_client()
    other.set_cookie(link.resume_cookie, cookie.value, path=link.url)
    respondent = Respondent(other, link)
    respondent.open()
    assert page_number(respondent.page) == 2
    respondent.open(page=0)
    assert {("age_group", "age_30_plus"), ("first_visit", "yes")} <= checked(respondent.page)

    respondent.open()
    respondent.send(PAGE_2)
    respondent.send(PAGE_3)
    assert respondent.path == link.thanks_url
    [response] = stored_responses(app)
    assert response["status"] == ResponseStatus.COMPLETE

    again = other.get(link.url)
    assert again.status_code == 200
    assert nb(app, "You have already answered") in visible_text(again.text)
    assert 'name="csrf_token"' not in again.text


def test_a_link_that_allows_repeats_starts_afresh_after_a_complete_response(app, client):
    link = answering_survey(app, allow_repeat=True)
    respondent = Respondent(client, link)
    respondent.walk(PAGE_1, PAGE_2, PAGE_3)

    respondent.open()
    assert page_number(respondent.page) == 1
    assert checked(respondent.page) == set()
    respondent.send({**PAGE_1, "first_visit": "no"})
    respondent.send(PAGE_2)
    assert respondent.path == link.thanks_url
    assert [response["status"] for response in stored_responses(app)] == [ResponseStatus.COMPLETE] * 2


def test_the_first_page_sent_twice_with_one_submission_key_makes_one_response(app, client, link):
    first = Respondent(client, link)
    first.open()
    key = hidden_fields(first.page)["submission_key"]
    second = Respondent(app.test_client(), link)
    second.open()

    first.send(PAGE_1, submission_key=key)
    second.send(PAGE_1, submission_key=key)

    assert len(stored_responses(app)) == 1
    assert answer_rows(app) == [("age_group", "age_30_plus", None, None), ("first_visit", "yes", None, None)]


# --- what counts ------------------------------------------------------------------------------------------


def test_partial_responses_do_not_count_as_complete_and_stale_ones_are_purged(app, client, link):
    Respondent(app.test_client(), link).walk(PAGE_1, PAGE_2, PAGE_3)  # complete, will be made old
    Respondent(app.test_client(), link).walk(PAGE_1)  # partial, will be made old
    Respondent(app.test_client(), link).walk(PAGE_1, PAGE_2)  # partial, recent
    old_complete, old_partial, recent_partial = (response["id"] for response in stored_responses(app))

    with app.app_context():
        summary = refresh_response_summary(link.survey_id)
        assert (summary.complete_count, summary.partial_count) == (1, 2)
        long_ago = utcnow() - timedelta(days=flow.PARTIAL_RETENTION_DAYS + 1)
        db.session.execute(
            update(Response).where(Response.id.in_([old_complete, old_partial])).values(updated_at=long_ago)
        )
        db.session.commit()

        assert flow.purge_stale_partials() == 1
        db.session.commit()

    assert [response["id"] for response in stored_responses(app)] == [old_complete, recent_partial]
    assert answer_rows(app, old_partial) == []
    assert len(answer_rows(app, old_complete)) == 11


def test_a_test_link_marks_its_responses_as_tests_and_they_are_not_counted(app, client):
    link = answering_survey(app, is_test=True)
    Respondent(client, link).walk(PAGE_1, PAGE_2, PAGE_3)
    [response] = stored_responses(app)
    assert response["is_test"] is True
    assert response["status"] == ResponseStatus.COMPLETE
    with app.app_context():
        assert refresh_response_summary(link.survey_id).complete_count == 0


# --- CSRF, language, anonymity, rate limit ----------------------------------------------------------------


def test_an_invalid_csrf_token_shows_the_answers_again_with_a_notice_and_stores_nothing(app, client, link):
    respondent = Respondent(client, link)
    respondent.open()
    reply = respondent.send({"age_group": "age_16_29", "first_visit": "no"}, csrf_token="expired-or-forged")

    assert reply.status_code == 400
    assert page_number(respondent.page) == 1
    assert {("age_group", "age_16_29"), ("first_visit", "no")} <= checked(respondent.page)
    notice = nb(app, "The page was open for a long time. Check your answers and send them again.")
    assert notice in visible_text(respondent.page)
    assert row_counts(app) == (0, 0)

    respondent.send({"age_group": "age_16_29", "first_visit": "no"})  # the page's fresh token works
    assert page_number(respondent.page) == 2
    assert len(stored_responses(app)) == 1


def test_a_post_from_a_browser_without_a_session_is_refused_but_keeps_its_answers(app, client, link):
    form = hidden_fields(app.test_client().get(link.url).text)
    reply = client.post(link.url, data={**form, **PAGE_1})
    assert reply.status_code == 400
    assert {("age_group", "age_30_plus"), ("first_visit", "yes")} <= checked(reply.text)
    assert row_counts(app) == (0, 0)


def test_the_page_speaks_the_browsers_language_unless_another_is_chosen(app, client, link):
    nynorsk = {"Accept-Language": "nn"}
    page = client.get(link.url, headers=nynorsk).text
    assert '<html lang="nn">' in page
    assert "Kor gammal er du?" in page
    assert "Hvor gammel er du?" not in page

    page = client.get(link.url, query_string={"lang": "en"}, headers=nynorsk).text
    assert '<html lang="en">' in page
    assert "How old are you?" in page
    page = client.get(link.url, headers=nynorsk).text
    assert '<html lang="en">' in page, "the chosen language sticks"
    assert "How old are you?" in page


def test_a_language_the_survey_does_not_offer_falls_back_to_its_first(app, client):
    link = answering_survey(app, with_languages(["nb", "nn"], version="1.1"))
    page = client.get(link.url, headers={"Accept-Language": "en, de;q=0.5"}).text
    assert '<html lang="nb">' in page
    assert "Hvor gammel er du?" in page
    page = client.get(link.url, query_string={"lang": "en"}, headers={"Accept-Language": "en"}).text
    assert '<html lang="nb">' in page
    assert "How old are you?" not in page

    respondent = Respondent(client, link)
    respondent.walk(PAGE_1)
    assert stored_responses(app)[0]["language"] == "nb"


def test_nothing_about_the_client_is_stored_or_logged(app, client, link, caplog):
    client.environ_base.update(REMOTE_ADDR=CLIENT_ADDRESS, HTTP_USER_AGENT=USER_AGENT)
    caplog.set_level(logging.DEBUG)
    respondent = Respondent(client, link)
    respondent.walk(PAGE_1, PAGE_2, PAGE_3)
    assert respondent.path == link.thanks_url

    with app.app_context():
        scanned = {}
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table)).all()
            scanned[table.name] = len(rows)
            for row in rows:
                for column, value in zip(table.columns, row, strict=True):
                    assert CLIENT_ADDRESS not in str(value), (
                        f"{table.name}.{column.name} holds the IP address"
                    )
                    assert "Anonymity-Probe" not in str(value), (
                        f"{table.name}.{column.name} holds the user agent"
                    )
    assert scanned["response"] == 1 and scanned["answer"] == 11
    for record in caplog.records:
        line = record.getMessage()
        assert CLIENT_ADDRESS not in line
        assert "Anonymity-Probe" not in line


def test_more_than_sixty_submissions_a_minute_from_one_client_are_refused(app, client, link):
    original = app.config["SUBMISSION_RATE_LIMIT"]
    app.config["SUBMISSION_RATE_LIMIT"] = True
    try:
        respondent = Respondent(client, link)
        respondent.open()
        form = {**hidden_fields(respondent.page), "action": "next"}
        replies = [client.post(link.url, data=form).status_code for _ in range(60)]
        assert set(replies) == {400}  # unanswered required questions: counted, but nothing stored
        refused = client.post(link.url, data={**form, **PAGE_1})
        assert refused.status_code == 429
        assert nb(app, "Too many attempts") in visible_text(refused.text)
        assert row_counts(app) == (0, 0)

        app.config["SUBMISSION_RATE_LIMIT"] = False
        assert client.post(link.url, data={**form, **PAGE_1}).status_code == 302
        assert len(stored_responses(app)) == 1
    finally:
        app.config["SUBMISSION_RATE_LIMIT"] = original


# --- the pages around the survey --------------------------------------------------------------------------


def test_privacy_accessibility_theme_and_logo(app, client, link):
    privacy = client.get(f"{link.url}/privacy")
    assert privacy.status_code == 200
    assert nb(app, "What is stored about you") in visible_text(privacy.text)
    assert client.get(f"{link.url}/accessibility").status_code == 200
    theme = client.get(f"{link.url}/theme.css")
    assert theme.status_code == 200 and theme.content_type.startswith("text/css")
    assert client.get(f"{link.url}/logo").status_code == 404  # the organisation has no logo


def test_the_surveys_own_intro_thank_you_and_privacy_notice_reach_the_respondent(app, client):
    definition = copy.deepcopy(DEFINITION)
    definition["intro"] = texts("Velkommen til **vår** undersøkelse.", "Velkomen!", "Welcome!")
    definition["thank_you"] = texts("Tusen takk, vi ses i foajeen!", "Takk!", "Thanks!")
    definition["privacy_notice"] = texts("Svarene slettes etter to år.", "Slettast.", "Deleted.")
    link = answering_survey(app, definition)

    first = client.get(link.url).text
    assert "Velkommen til <strong>vår</strong> undersøkelse." in first
    privacy = client.get(f"{link.url}/privacy").text
    assert "Svarene slettes etter to år." in privacy
    assert "behandlingsansvarlig" in privacy
    assert "Tusen takk, vi ses i foajeen!" in client.get(link.thanks_url).text
