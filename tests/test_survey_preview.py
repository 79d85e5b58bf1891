"""The builder's preview (full width and in a phone frame) and the print version of a survey."""

import json

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.jobs.models import PendingJob
from app.questionnaires.definition import iter_questions
from tests.answering_support import (
    DEFINITION,
    PAGE_1,
    PAGE_2,
    PAGE_3,
    SCREEN_OUT,
    checked,
    error_summary,
    message,
    row_counts,
    visible_text,
)
from tests.survey_design_support import designer, stored_definition


@pytest.fixture
def preview(app, client):
    """A draft with three pages in three languages; page 3 is shown only after a first visit."""
    return designer(app, client, DEFINITION)


class PreviewRespondent:
    """Goes through the preview as a respondent goes through a survey link."""

    def __init__(self, member, language: str = "nb"):
        self.member = member
        self.language = language
        self.reply = member.client.get(member.url(f"/preview?lang={language}"))

    @property
    def page(self) -> str:
        return self.reply.text

    def send(self, replies: dict | None = None, action: str = "next", **fields):
        """Submit the page shown with these replies; `fields` replace hidden fields, as a forger would."""
        form = {**preview_fields(self.page), "action": action, **fields, **(replies or {})}
        self.reply = self.member.client.post(self.member.url(f"/preview?lang={self.language}"), data=form)
        return self.reply


def preview_fields(page: str) -> dict:
    """The hidden fields of the preview's form: no submission key, the answers so far instead."""
    fields = {**hidden_fields_of(page)}
    assert set(fields) == {"csrf_token", "page", "answers"}
    return fields


def hidden_fields_of(page: str) -> dict:
    from tests.answering_support import inputs

    return {field["name"]: field["value"] for field in inputs(page) if field.get("type") == "hidden"}


def title_of(page: str) -> str:
    return page.split("<h1>", 1)[1].split("</h1>", 1)[0]


def nothing_stored(app) -> bool:
    with app.app_context():
        jobs = db.session.scalar(select(func.count()).select_from(PendingJob))
    return row_counts(app) == (0, 0) and jobs == 0


@pytest.mark.parametrize(
    ("language", "page_title"), [("nb", "Om deg"), ("nn", "Om deg"), ("en", "About you")]
)
def test_the_preview_shows_the_survey_in_each_language_it_offers(app, preview, language, page_title):
    reply = preview.client.get(preview.url(f"/preview?lang={language}"))
    assert reply.status_code == 200
    assert f'<html lang="{language}">' in reply.text
    assert title_of(reply.text) == page_title
    text = visible_text(reply.text)
    assert message(app, language, "Preview — answers are not stored") in text
    assert message(app, language, "Page %(number)d of %(total)d", number=1, total=3) in text
    for code in ("nb", "nn", "en"):
        assert f'/preview?lang={code}&amp;page=0" lang="{code}"' in reply.text, "a link to every language"
    assert "/static/respondent.css" in reply.text and "/static/respondent.js" in reply.text
    assert f'href="{preview.url("/preview/theme.css")}"' in reply.text
    assert 'action="' + preview.url(f"/preview?lang={language}") + '"' in reply.text


def test_a_language_the_survey_does_not_offer_falls_back_to_bokmal(preview):
    assert '<html lang="nb">' in preview.client.get(preview.url("/preview?lang=de")).text


def test_only_the_preview_may_be_framed_and_only_by_the_app_itself(preview):
    framed = preview.client.get(preview.url("/preview"))
    assert "frame-ancestors 'self'" in framed.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" not in framed.headers["Content-Security-Policy"]
    for path in ("/preview/phone", "/print", "/import", "/build"):
        policy = preview.client.get(preview.url(path)).headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy, path


def test_the_phone_view_frames_the_preview_at_phone_size_in_the_chosen_language(app, preview):
    reply = preview.client.get(preview.url("/preview/phone?lang=en"))
    assert reply.status_code == 200
    frame = f'<iframe src="{preview.url("/preview?lang=en")}" width="375" height="740" title="'
    assert frame in reply.text
    for code in ("nb", "nn", "en"):
        assert preview.url(f"/preview/phone?lang={code}") in reply.text
    assert 'lang="en" hreflang="en" aria-current="true"' in reply.text


def test_preview_navigation_checks_each_page_and_follows_conditions_without_storing(app, preview):
    respondent = PreviewRespondent(preview)
    assert respondent.send().status_code == 400
    assert set(error_summary(respondent.page)) == {"age_group", "first_visit"}
    assert preview_fields(respondent.page)["page"] == "0"

    respondent.send(PAGE_1)
    assert respondent.reply.status_code == 200
    assert title_of(respondent.page) == "Besøket"
    assert json.loads(preview_fields(respondent.page)["answers"]) == {
        "age_group": ["age_30_plus"],
        "first_visit": ["yes"],
    }
    # An answer whose condition (same page) holds must be valid; one whose condition fails is dropped.
    respondent.send({**PAGE_2, "came_with_other": "x" * 41})
    assert respondent.reply.status_code == 400
    assert set(error_summary(respondent.page)) == {"came_with_other"}
    assert ("came_with", "other") in checked(respondent.page), "the answers sent are shown again"

    respondent.send(PAGE_2)
    assert title_of(respondent.page) == "Første gang", "a first visit leads to page 3"
    respondent.send(PAGE_3)
    assert respondent.reply.status_code == 200
    assert message(app, "nb", "Thank you") in title_of(respondent.page)
    assert nothing_stored(app)


def test_a_branch_hidden_by_an_earlier_answer_is_skipped(app, preview):
    respondent = PreviewRespondent(preview)
    respondent.send({**PAGE_1, "first_visit": "no"})
    assert message(app, "nb", "Send") in visible_text(respondent.page), "page 2 is the last"
    respondent.send(PAGE_2)
    assert message(app, "nb", "Thank you") in title_of(respondent.page)
    assert nothing_stored(app)


def test_back_keeps_the_answers_and_the_answers_carried_are_checked_again(app, preview):
    respondent = PreviewRespondent(preview)
    respondent.send(PAGE_1)
    respondent.send({"overall": "2"}, action="back")
    assert title_of(respondent.page) == "Om deg"
    assert {("age_group", "age_30_plus"), ("first_visit", "yes")} <= checked(respondent.page)

    # The carried answers come from the browser: a value that fits no option counts as not given,
    # so the first-visit branch is not taken, and broken JSON counts as no answers at all.
    respondent.send(PAGE_1)
    forged = json.dumps({"age_group": ["age_30_plus"], "first_visit": ["maybe"], "unknown": ["x"]})
    respondent.send(PAGE_2, answers=forged)
    assert message(app, "nb", "Thank you") in title_of(respondent.page)
    respondent = PreviewRespondent(preview)
    respondent.send(PAGE_1)
    respondent.send(PAGE_2, answers="{not json")
    assert message(app, "nb", "Thank you") in title_of(respondent.page)
    assert nothing_stored(app)


def test_a_screen_out_answer_ends_the_preview_with_its_message(app, preview):
    respondent = PreviewRespondent(preview, "en")
    respondent.send({"age_group": "under_16"})
    assert respondent.reply.status_code == 200
    assert SCREEN_OUT["en"] in visible_text(respondent.page)
    assert nothing_stored(app)


def test_a_post_without_a_page_of_the_survey_is_refused(preview):
    token = preview_fields(preview.client.get(preview.url("/preview")).text)["csrf_token"]
    for page in ("", "7", "-1", "x"):
        assert (
            preview.client.post(preview.url("/preview"), data={"csrf_token": token, "page": page}).status_code
            == 400
        )


def test_a_page_asked_for_by_its_address_opens_with_no_answers(preview):
    reply = preview.client.get(preview.url("/preview?page=1"))
    assert title_of(reply.text) == "Besøket"
    for page in (2, 99):
        reply = preview.client.get(preview.url(f"/preview?page={page}"))
        assert title_of(reply.text) == "Besøket", (
            "as for a respondent, a page hidden by its conditions is skipped"
        )


def test_a_viewer_may_preview_and_print_but_not_import(app, client):
    from app.accounts.models import OrgRole

    viewer = designer(app, client, DEFINITION, role=OrgRole.VIEWER)
    for path in ("/preview", "/preview/phone", "/print", "/definition.yaml"):
        assert viewer.client.get(viewer.url(path)).status_code == 200, path
    assert viewer.client.get(viewer.url("/import")).status_code == 403
    assert f'href="{viewer.url("")}" target="_top"' in viewer.client.get(viewer.url("/preview")).text


def test_the_print_version_holds_every_page_and_question_with_marks_and_conditions(app, preview):
    reply = preview.client.get(preview.url("/print"))
    assert reply.status_code == 200
    page = reply.text
    text = visible_text(page)
    for section in DEFINITION["sections"]:
        assert section["title"]["nb"] in text
        for question in section["questions"]:
            assert question["text"]["nb"] in text
    assert "Personalet" in text and "Lokalet" in text, "matrix rows"
    assert page.count('class="mark circle"') >= 3 + 2 + 5 + 11 + 2 * 2
    assert page.count('class="mark box"') == 5, "one box per option of the multiple choice"
    assert '<table class="print-matrix">' in page and '<th scope="row">Personalet</th>' in page
    first_visit = message(
        app,
        "nb",
        "Answer if you answered “%(answer)s” to “%(question)s”.",
        answer="Ja",
        question="Er dette første besøk?",
    )
    assert text.count(first_visit) == 2, "both questions of page 3 say when to answer them"
    assert message(app, "nb", "Mark at most %(count)d answers.", count=2) in text
    assert text.count(f"({message(app, 'nb', 'required')})") == 3
    assert (
        message(app, "nb", "To print the survey or save it as a PDF, use your browser's print command.")
        in text
    )
    assert "data-print hidden" in page, "the Print button needs JavaScript"
    english = visible_text(preview.client.get(preview.url("/print?lang=en")).text)
    assert (
        "Is this your first visit?" in english
        and "Answer if you answered “Yes” to “Is this your first visit?”." in english
    )


def test_the_print_version_of_the_real_base_questionnaire_holds_every_question(app, client):
    member = designer(app, client)
    definition = stored_definition(app, member.survey_id)
    text = visible_text(member.client.get(member.url("/print")).text)
    for ref in iter_questions(definition):
        assert " ".join(ref.question["text"]["nb"].split()) in text, ref.question["code"]
    assert "Afghanistan" not in text, "the list of countries is a line to write on"


def test_the_survey_language_asked_for_leaves_the_interface_language_alone(preview):
    preview.client.get("/account?lang=nn")
    assert '<html lang="en">' in preview.client.get(preview.url("/preview?lang=en")).text
    phone = preview.client.get(preview.url("/preview/phone?lang=en")).text
    assert '<html lang="nn">' in phone and 'lang="en" hreflang="en" aria-current="true"' in phone
    assert '<html lang="en">' in preview.client.get(preview.url("/print?lang=en")).text
    assert '<html lang="nn">' in preview.client.get(preview.url("/build")).text
