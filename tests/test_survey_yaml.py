"""A survey's definition downloaded as YAML and imported again: identical, checked, refused whole."""

import io
import json
import re

import pytest
import yaml

from app.extensions import db
from app.questionnaires.definition import iter_questions
from app.surveys import builder
from app.surveys.definition_files import MAX_IMPORT_BYTES, survey_yaml, yaml_filename
from app.surveys.models import Survey
from tests.answering_support import message, visible_text
from tests.support import csrf_token
from tests.survey_design_support import designer, stored_definition


@pytest.fixture
def member(app, client):
    return designer(app, client)


def normalised(definition: dict) -> dict:
    return json.loads(json.dumps(definition))


def export(member) -> str:
    reply = member.client.get(member.url("/definition.yaml"))
    assert reply.status_code == 200
    return reply.get_data(as_text=True)


def send_import(member, text: str | None = None, upload: bytes | None = None):
    token = csrf_token(member.client.get(member.url("/import")).text)
    data = {"csrf_token": token, "text": text or ""}
    if upload is not None:
        data["file"] = (io.BytesIO(upload), "survey.yaml")
    return member.client.post(member.url("/import"), data=data, content_type="multipart/form-data")


def problems_shown(page: str) -> list[str]:
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert summary, "the page has no error summary"
    return [visible_text(item) for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)]


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def test_the_download_is_readable_yaml_named_after_the_survey(member):
    reply = member.client.get(member.url("/definition.yaml"))
    assert reply.headers["Content-Type"] == "application/yaml; charset=utf-8"
    assert reply.headers["Content-Disposition"] == 'attachment; filename="Publikum-2026.yaml"'
    text = reply.get_data(as_text=True)
    top_keys = [line.split(":")[0] for line in text.splitlines() if re.match(r"^[a-z_]+:", line)]
    assert top_keys[:4] == ["kind", "code", "version", "base_version"]
    assert top_keys.index("title") < top_keys.index("languages") < top_keys.index("option_lists")
    assert top_keys[-1] == "sections"
    assert "languages: [nb, nn, en]" in text
    assert "Før vi begynner" in text, "UTF-8, not escapes"
    assert "{" not in text, "block style"
    assert "locked: false" not in text and "locked: true" in text


def test_multi_line_texts_and_scale_points_are_written_as_people_write_them():
    definition = {
        "kind": "survey",
        "intro": {"nb": "Første linje\n\n- et punkt"},
        "scale": {"labels": {"5": {"nb": "Bra"}, "1": {"nb": "Dårlig"}}, "points": 5},
    }
    text = survey_yaml(definition)
    assert "intro:\n  nb: |-\n    Første linje\n\n    - et punkt\n" in text
    assert "scale:\n  points: 5\n  labels:\n    1:\n      nb: Dårlig\n    5:\n" in text
    assert yaml.safe_load(text)["scale"]["labels"][1] == {"nb": "Dårlig"}


@pytest.mark.parametrize(
    ("title", "filename"),
    [
        ("Publikum 2026", "Publikum-2026.yaml"),
        ("Blåfjell / Søsken: «høst»", "Blaafjell-Sosken-host.yaml"),
        ('../../etc/passwd"; x=1', "etc-passwd-x-1.yaml"),
        ("«»", "survey.yaml"),
    ],
)
def test_the_file_name_is_safe(title, filename):
    assert yaml_filename(title) == filename


def add_own_question_with_condition_and_a_bank_module(app, survey_id: int) -> None:
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        section = survey.revisions[-1].definition["sections"][0]["code"]
        code = builder.add_question(
            survey,
            section,
            {
                "type": "single_choice",
                "text": {"nb": "Hvordan hørte du om oss?"},
                "options": [
                    {"code": "avis", "label": {"nb": "Avis"}},
                    {"code": "annet", "label": {"nb": "Annet"}},
                ],
            },
        )
        builder.add_question(survey, section, {"type": "short_text", "text": {"nb": "Hvor ellers?"}})
        other = survey.revisions[-1].definition["sections"][0]["questions"][-1]["code"]
        builder.set_question_rules(
            survey, other, required=True, show_if={"question": code, "equals": "annet"}
        )
        builder.add_bank_module(survey, "wellbeing")
        builder.update_texts(
            survey, {"title": {"nb": "Publikum 2026"}, "intro": {"nb": "Velkommen!\n\n- kort\n- enkelt"}}
        )
        db.session.commit()


@pytest.mark.parametrize("how", ["pasted", "uploaded"])
def test_export_then_import_gives_an_identical_survey(app, member, how):
    add_own_question_with_condition_and_a_bank_module(app, member.survey_id)
    before = stored_definition(app, member.survey_id)
    assert any("show_if" in ref.question and not ref.question["locked"] for ref in iter_questions(before))
    assert any("bank_module" in ref.question for ref in iter_questions(before))
    text = export(member)

    reply = send_import(member, text=text) if how == "pasted" else send_import(member, upload=text.encode())
    assert reply.status_code == 302
    assert reply.headers["Location"] == member.url("/build")
    after = stored_definition(app, member.survey_id)
    assert normalised(after) == normalised(before)
    assert export(member) == text


def test_an_edited_file_changes_the_draft(app, member):
    text = export(member).replace("title:\n  nb: Publikum 2026\n", "title:\n  nb: Publikum høsten 2026\n", 1)
    assert send_import(member, text=text).status_code == 302
    with app.app_context():
        survey = db.session.get(Survey, member.survey_id)
        assert survey.title == "Publikum høsten 2026"
        assert survey.revisions[-1].definition["title"]["nb"] == "Publikum høsten 2026"


def test_problems_are_listed_by_line_the_text_is_kept_and_nothing_changes(app, member):
    before = stored_definition(app, member.survey_id)
    text = export(member)
    broken = text.replace("type: single_choice", "type: singel_choice", 1).replace(
        "    title:\n      nb: Før vi begynner", "    titel:\n      nb: Før vi begynner", 1
    )
    reply = send_import(member, text=broken)
    assert reply.status_code == 400
    shown = problems_shown(reply.text)
    assert len(shown) >= 2
    bad_type = line_of(broken, "type: singel_choice")
    lacking_title = line_of(broken, "  - code: start")  # a missing key is reported at its mapping
    assert any(problem.startswith(f"line {bad_type}: ") and "singel_choice" in problem for problem in shown)
    assert any(problem.startswith(f"line {lacking_title}: ") and "'title'" in problem for problem in shown)
    assert any("unknown key 'titel'" in problem for problem in shown)
    assert 'role="alert"' in reply.text
    assert "singel_choice" in visible_text(reply.text.split("<textarea", 1)[1]), "the text is kept to fix"
    assert stored_definition(app, member.survey_id) == before


def test_yaml_that_does_not_parse_is_reported_with_its_line(app, member):
    reply = send_import(member, text="kind: survey\ncode: survey\ntitle: {nb: [unclosed\n")
    assert reply.status_code == 400
    assert problems_shown(reply.text)[0].startswith("line ")


def test_a_file_that_alters_or_drops_a_common_question_is_refused(app, member):
    before = stored_definition(app, member.survey_id)
    locked = next(ref.question for ref in iter_questions(before) if ref.question["locked"])
    text = export(member)
    altered = text.replace(f"nb: {locked['text']['nb']}", "nb: Et annet spørsmål", 1)
    assert altered != text
    reply = send_import(member, text=altered)
    assert reply.status_code == 400
    assert problems_shown(reply.text) == [
        message(
            app,
            "en",
            "“%(question)s” is a common question of the base questionnaire and cannot be changed.",
            question=locked["text"]["en"],
        )
    ]

    without = yaml.safe_load(text)
    for section in without["sections"]:
        section["questions"] = [q for q in section["questions"] if q["code"] != locked["code"]]
    reply = send_import(member, text=survey_yaml(without))
    assert reply.status_code == 400
    assert "cannot be removed" in problems_shown(reply.text)[0]
    assert stored_definition(app, member.survey_id) == before


def test_the_file_must_be_a_survey_on_the_same_base_version(app, member):
    before = stored_definition(app, member.survey_id)
    text = export(member)
    reply = send_import(member, text=text.replace("kind: survey", "kind: base", 1))
    assert reply.status_code == 400
    assert problems_shown(reply.text)[0].startswith("line 1: ")
    other_base = text.replace("base_version: '2026.1'", "base_version: '2025.1'", 1)
    reply = send_import(member, text=other_base)
    assert problems_shown(reply.text)[0].startswith(f"line {line_of(other_base, 'base_version')}: ")
    assert "2025.1" in problems_shown(reply.text)[0]
    assert stored_definition(app, member.survey_id) == before


def test_oversized_empty_and_non_utf8_input_is_refused(app, member):
    before = stored_definition(app, member.survey_id)
    padding = "# " + "x" * 1000 + "\n"
    too_big = export(member) + padding * (MAX_IMPORT_BYTES // len(padding))
    for reply in (
        send_import(member, text=too_big),
        send_import(member, upload=too_big.encode()),
        send_import(member, text="  "),
        send_import(member, upload="kind: survey\ntitle: {nb: Blåfjell}\n".encode("latin-1")),
    ):
        assert reply.status_code == 400
        assert len(problems_shown(reply.text)) == 1
    assert stored_definition(app, member.survey_id) == before


def test_an_alias_bomb_is_refused(member):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    reply = send_import(member, text=bomb)
    assert reply.status_code == 400
    assert "refusing to load" in problems_shown(reply.text)[0]


def test_a_survey_that_is_not_a_draft_cannot_be_replaced(app, member):
    from app.surveys.services import publish

    with app.app_context():
        survey = db.session.get(Survey, member.survey_id)
        publish(survey, survey.revisions[-1], "Nettside")
        db.session.commit()
    before = stored_definition(app, member.survey_id)
    reply = send_import(member, text=export(member))
    assert reply.status_code == 400
    assert "Only a draft can be changed" in problems_shown(reply.text)[0]
    assert stored_definition(app, member.survey_id) == before
