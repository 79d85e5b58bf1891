"""The survey builder: editing a draft, and the rules the server keeps whatever the request says."""

import copy

import pytest
from flask_babel import force_locale

from app.accounts.models import Membership, OrgRole, User
from app.accounts.passwords import hash_password
from app.extensions import db
from app.questionnaires.definition import iter_questions
from app.questionnaires.services import current_base_version, load_definitions
from app.reference.services import load_reference_data
from app.surveys import builder
from app.surveys.builder import BuilderError
from app.surveys.models import Survey, SurveyStatus
from app.surveys.services import new_survey_from_base
from tests import factories
from tests.support import csrf_token

PASSWORD = "correct horse battery"


@pytest.fixture
def draft(app_context):
    """A member's draft survey cloned from the real base questionnaire, with the real bank loaded."""
    load_reference_data()
    load_definitions()
    organisation = factories.organisation(name="Scene Vest")
    survey, _revision = new_survey_from_base(organisation, "Publikum 2026", current_base_version())
    db.session.commit()
    with force_locale("en"):  # the service's messages are asserted in English
        yield survey


def codes(survey: Survey) -> list[str]:
    return [ref.question["code"] for ref in iter_questions(builder.working_revision(survey).definition)]


def locked_codes(survey: Survey) -> list[str]:
    return [
        ref.question["code"]
        for ref in iter_questions(survey.revisions[-1].definition)
        if ref.question["locked"]
    ]


def first_section(survey: Survey) -> str:
    return survey.revisions[-1].definition["sections"][0]["code"]


def custom_choice(text: str = "Hvordan fikk du vite om forestillingen?") -> dict:
    return {
        "type": "single_choice",
        "text": {"nb": text},
        "options": [
            {"code": "avis", "label": {"nb": "Avis"}},
            {"code": "annet", "label": {"nb": "Annet"}},
        ],
    }


def test_a_new_survey_carries_the_common_questions_of_the_base(draft):
    assert locked_codes(draft), "the base questionnaire has common questions"
    assert draft.revisions[-1].definition["kind"] == "survey"
    assert draft.revisions[-1].definition["title"]["nb"] == "Publikum 2026"


def test_common_questions_cannot_be_removed_changed_moved_or_given_rules(draft):
    locked = locked_codes(draft)[0]
    before = copy.deepcopy(draft.revisions[-1].definition)
    for attempt in (
        lambda: builder.delete_question(draft, locked),
        lambda: builder.update_question(draft, locked, {"type": "short_text", "text": {"nb": "Hei"}}),
        lambda: builder.move_question(draft, locked, 1),
        lambda: builder.set_question_rules(draft, locked, required=False, show_if=None),
    ):
        with pytest.raises(BuilderError, match="common question"):
            attempt()
    assert draft.revisions[-1].definition == before


def test_a_crafted_definition_that_alters_a_common_question_is_refused(draft):
    definition = copy.deepcopy(draft.revisions[-1].definition)
    question = next(ref.question for ref in iter_questions(definition) if ref.question["locked"])
    question["text"]["nb"] = "Et helt annet spørsmål"
    with pytest.raises(BuilderError, match="cannot be changed"):
        builder.save_definition(draft, definition)

    definition = copy.deepcopy(draft.revisions[-1].definition)
    for section in definition["sections"]:
        section["questions"] = [q for q in section["questions"] if not q["locked"]]
    with pytest.raises(BuilderError, match="cannot be removed"):
        builder.save_definition(draft, definition)


def test_a_crafted_definition_that_changes_the_options_of_a_common_question_is_refused(draft):
    definition = copy.deepcopy(draft.revisions[-1].definition)
    question = next(
        ref.question
        for ref in iter_questions(definition)
        if ref.question["locked"] and "options" in ref.question
    )
    if isinstance(question["options"], str):
        definition["option_lists"][question["options"]].pop()
    else:
        question["options"].pop()
    with pytest.raises(BuilderError, match="cannot be changed"):
        builder.save_definition(draft, definition)


def test_a_crafted_definition_that_unlocks_a_common_question_is_refused(draft):
    definition = copy.deepcopy(draft.revisions[-1].definition)
    next(ref.question for ref in iter_questions(definition) if ref.question["locked"])["locked"] = False
    with pytest.raises(BuilderError):
        builder.save_definition(draft, definition)


def test_custom_questions_are_added_edited_moved_and_removed(draft):
    section = first_section(draft)
    code = builder.add_question(draft, section, custom_choice())
    assert code == "hvordan_fikk_du_vite_om"
    assert codes(draft)[len(draft.revisions[-1].definition["sections"][0]["questions"]) - 1] == code

    builder.update_question(draft, code, dict(custom_choice("Hvor hørte du om oss?"), required=True))
    edited = next(
        ref.question for ref in iter_questions(draft.revisions[-1].definition) if ref.question["code"] == code
    )
    assert edited["text"]["nb"] == "Hvor hørte du om oss?"
    assert edited["required"] is True

    position = codes(draft).index(code)
    builder.move_question(draft, code, -1)
    assert codes(draft).index(code) == position - 1

    builder.delete_question(draft, code)
    assert code not in codes(draft)


def test_a_condition_refers_to_an_earlier_answer_and_keeps_its_question_after_it(draft):
    section = first_section(draft)
    source = builder.add_question(draft, section, custom_choice())
    follow_up = builder.add_question(
        draft, section, {"type": "short_text", "text": {"nb": "Hvilken annen kanal?"}}
    )
    builder.set_question_rules(
        draft, follow_up, required=False, show_if={"question": source, "equals": "annet"}
    )
    with pytest.raises(BuilderError, match="after it"):
        builder.move_question(draft, follow_up, -1)
    with pytest.raises(BuilderError, match="depending on this answer"):
        builder.delete_question(draft, source)


def test_a_bank_module_is_added_as_pages_and_its_questions_cannot_be_reworded(draft):
    pages = len(draft.revisions[-1].definition["sections"])
    builder.add_bank_module(draft, "sustainability_travel")
    definition = draft.revisions[-1].definition
    assert len(definition["sections"]) > pages
    added = [ref.question for ref in iter_questions(definition) if ref.question.get("bank_module")]
    assert added and all(question["bank_module"] == "sustainability_travel" for question in added)

    with pytest.raises(BuilderError, match="question bank"):
        builder.update_question(draft, added[0]["code"], {"type": "short_text", "text": {"nb": "Nytt"}})
    crafted = copy.deepcopy(definition)
    next(ref.question for ref in iter_questions(crafted) if ref.question.get("bank_module"))["text"]["nb"] = (
        "Nytt"
    )
    with pytest.raises(BuilderError, match="question bank"):
        builder.save_definition(draft, crafted)

    builder.set_question_rules(draft, added[0]["code"], required=True, show_if=None)
    with pytest.raises(BuilderError, match="already in the survey"):
        builder.add_bank_module(draft, "sustainability_travel")


def test_a_single_bank_question_is_found_by_search_and_added(draft):
    found = builder.search_bank("transport", "en")
    assert found
    module, question = found[0]
    builder.add_bank_question(draft, module.code, question["code"], first_section(draft))
    assert question["code"] in codes(draft)


def test_pages_are_added_renamed_moved_and_removed(draft):
    code = builder.add_section(draft, {"nb": "Om deg"})
    assert draft.revisions[-1].definition["sections"][-1]["questions"] == []
    builder.update_section(draft, code, {"nb": "Litt om deg", "en": "About you"}, {"nb": "Valgfritt."})
    builder.move_section(draft, code, -1)
    assert draft.revisions[-1].definition["sections"][-2]["code"] == code
    builder.delete_section(draft, code)
    assert code not in [section["code"] for section in draft.revisions[-1].definition["sections"]]


def test_a_page_with_common_questions_cannot_be_removed(draft):
    with pytest.raises(BuilderError, match="common question"):
        builder.delete_section(draft, first_section(draft))


def test_languages_and_texts(draft):
    builder.set_languages(draft, ["en"])
    assert draft.revisions[-1].definition["languages"] == ["nb", "en"]
    builder.update_texts(
        draft,
        {
            "title": {"nb": "Publikum", "en": "Audience"},
            "intro": {"nb": "Velkommen!"},
            "thank_you": {"nb": "Takk!"},
            "privacy_notice": {"nb": ""},
        },
    )
    definition = draft.revisions[-1].definition
    assert definition["intro"] == {"nb": "Velkommen!"}
    assert "privacy_notice" not in definition
    assert draft.title == "Publikum"
    with pytest.raises(BuilderError, match="title"):
        builder.update_texts(draft, {"title": {"en": "Only English"}})


def test_only_a_draft_can_be_edited(draft):
    draft.status = SurveyStatus.SUBMITTED
    with pytest.raises(BuilderError, match="Only a draft"):
        builder.add_question(draft, first_section(draft), custom_choice())


# --- Through the web: what a hand-made request can and cannot do --------------------------------


@pytest.fixture
def editor(app):
    """A draft and an editor of its organisation. Built in its own app context: web requests must
    not share one with the test (it would carry `g`, and CSRF tokens in it, across requests)."""
    with app.app_context():
        load_reference_data()
        load_definitions()
        organisation = factories.organisation(name="Scene Vest")
        survey, _revision = new_survey_from_base(organisation, "Publikum 2026", current_base_version())
        user = User(email="redaktor@example.org", name="Redaktør", password_hash=hash_password(PASSWORD))
        db.session.add(Membership(user=user, organisation=organisation, role=OrgRole.EDITOR))
        db.session.commit()
        return survey.id


def stored(app, survey_id: int) -> Survey:
    """The survey as stored now, in a context of its own (detached: read it right away)."""
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        survey.revisions[-1].definition  # noqa: B018  (load before the context ends)
        return survey


def log_in(client, email="redaktor@example.org"):
    token = csrf_token(client.get("/login").text)
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})


def build_url(survey: Survey, path: str = "") -> str:
    return f"/org/{survey.organisation_id}/surveys/{survey.id}/build{path}"


def locked_code(survey: Survey) -> str:
    return next(
        ref.question["code"]
        for ref in iter_questions(survey.revisions[-1].definition)
        if ref.question["locked"]
    )


def test_a_hand_made_post_cannot_remove_or_alter_a_common_question(app, client, editor):
    survey = stored(app, editor)
    log_in(client)
    page = client.get(build_url(survey))
    assert page.status_code == 200
    token = csrf_token(page.text)
    locked = locked_code(survey)
    before = copy.deepcopy(survey.revisions[-1].definition)

    for path, data in (
        (f"/questions/{locked}/delete", {}),
        (f"/questions/{locked}", {"text-nb": "Endret", "action": "save"}),
        (f"/questions/{locked}/rules", {"required": ""}),
        (f"/questions/{locked}/move", {"direction": "down"}),
    ):
        reply = client.post(build_url(survey, path), data={"csrf_token": token, **data})
        assert reply.status_code == 302, path
    reorder = client.post(
        build_url(survey, "/order"),
        json={
            section["code"]: [q["code"] for q in reversed(section["questions"])]
            for section in before["sections"]
        },
        headers={"X-CSRFToken": token},
    )
    assert reorder.status_code == 409
    assert stored(app, editor).revisions[-1].definition == before


def test_removing_a_common_question_by_hand_tells_why(app, client, editor):
    survey = stored(app, editor)
    log_in(client)
    token = csrf_token(client.get(build_url(survey)).text)
    reply = client.post(
        build_url(survey, f"/questions/{locked_code(survey)}/delete"),
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "kan ikke fjernes" in reply.text


def test_an_editor_adds_a_custom_question_through_the_form(app, client, editor):
    survey = stored(app, editor)
    log_in(client)
    section = first_section(survey)
    url = build_url(survey, f"/questions/new?question_type=single_choice&section={section}")
    form = client.get(url)
    assert form.status_code == 200
    token = csrf_token(form.text)
    missing = client.post(url, data={"csrf_token": token, "action": "save", "text-nb": "Hva likte du?"})
    assert missing.status_code == 400
    assert "Hva likte du?" in missing.text, "what was typed is kept"
    saved = client.post(
        url,
        data={
            "csrf_token": token,
            "action": "save",
            "text-nb": "Hva likte du best?",
            "options-0-text-nb": "Musikken",
            "options-1-text-nb": "Scenografien",
            "options-1-exclusive": "y",
        },
    )
    assert saved.status_code == 302, saved.text[saved.text.find("error-summary") :][:1500]
    question = next(
        ref.question
        for ref in iter_questions(stored(app, editor).revisions[-1].definition)
        if ref.question["code"] == "hva_likte_du_best"
    )
    assert [option["label"]["nb"] for option in question["options"]] == ["Musikken", "Scenografien"]
    assert question["options"][1]["exclusive"] is True


def test_a_viewer_cannot_edit_and_another_organisation_sees_nothing(app, client, editor):
    with app.app_context():
        survey = db.session.get(Survey, editor)
        viewer = User(email="leser@example.org", name="Leser", password_hash=hash_password(PASSWORD))
        db.session.add(Membership(user=viewer, organisation=survey.organisation, role=OrgRole.VIEWER))
        stranger = User(email="fremmed@example.org", name="Fremmed", password_hash=hash_password(PASSWORD))
        elsewhere = factories.organisation(name="Annet hus")
        db.session.add(Membership(user=stranger, organisation=elsewhere, role=OrgRole.OWNER))
        db.session.commit()
    survey = stored(app, editor)

    log_in(client, "leser@example.org")
    assert client.get(build_url(survey)).status_code == 403
    other = app.test_client()
    log_in(other, "fremmed@example.org")
    assert other.get(build_url(survey)).status_code == 404
