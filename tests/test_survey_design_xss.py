"""Stored XSS: script payloads in every text of a survey come out inert on every page that shows them.

The texts are set as a member could set them: a crafted definition through the builder's service,
or a YAML file through the import page.
"""

import copy

import pytest

from app.extensions import db
from app.surveys import builder
from app.surveys.definition_files import survey_yaml
from app.surveys.models import Survey
from tests.answering_support import DEFINITION, PAGE_1, PAGE_2, PAGE_3, inputs
from tests.support import csrf_token
from tests.survey_design_support import active_markup, designer, stored_definition

PAYLOAD = (
    "<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) "
    '"><svg onload=alert(1)> {{7*7}} {% raw %}'
)


def texts() -> dict:
    return {language: f"{language} {PAYLOAD}" for language in ("nb", "nn", "en")}


def hostile(definition: dict) -> dict:
    """The definition with the payload in every text a member writes."""
    definition = copy.deepcopy(definition)
    for key in ("title", "intro", "thank_you", "privacy_notice"):
        definition[key] = texts()
    for section in definition["sections"]:
        section["title"] = texts()
        section["intro"] = texts()
        for question in section["questions"]:
            question["text"] = texts()
            question["help"] = texts()
            for option in question.get("options", []):
                option["label"] = texts()
                if "screen_out" in option:
                    option["screen_out"] = texts()
            for row in question.get("rows", []):
                row["text"] = texts()
            if question["type"] == "rating":
                question["scale"]["labels"] = {point: texts() for point in question["scale"]["labels"]}
            if question["type"] == "nps":
                question["labels"] = {"low": texts(), "high": texts()}
            if question["type"] == "number":
                question["unit"] = texts()
    return definition


@pytest.fixture(params=["crafted definition", "YAML import"])
def member(request, app, client):
    member = designer(app, client, DEFINITION)
    definition = hostile(stored_definition(app, member.survey_id))
    if request.param == "crafted definition":
        with app.app_context():
            builder.save_definition(db.session.get(Survey, member.survey_id), definition)
            db.session.commit()
    else:
        token = csrf_token(client.get(member.url("/import")).text)
        reply = client.post(
            member.url("/import"), data={"csrf_token": token, "text": survey_yaml(definition)}
        )
        assert reply.status_code == 302, reply.text
    assert PAYLOAD in stored_definition(app, member.survey_id)["sections"][0]["questions"][0]["text"]["nb"]
    return member


def preview_post(member, page: str, answers: dict, language: str = "nb") -> str:
    fields = {field["name"]: field["value"] for field in inputs(page) if field.get("type") == "hidden"}
    reply = member.client.post(
        member.url(f"/preview?lang={language}"), data={**fields, "action": "next", **answers}
    )
    return reply.text


def every_page_showing_the_texts(member) -> dict[str, str]:
    get = member.client.get
    pages = {}
    for language in ("nb", "en"):
        first = get(member.url(f"/preview?lang={language}")).text
        second = preview_post(member, first, PAGE_1, language)
        third = preview_post(member, second, PAGE_2, language)
        pages[f"preview page 1 ({language})"] = first
        pages[f"preview errors ({language})"] = preview_post(member, first, {}, language)
        pages[f"preview page 2 ({language})"] = second
        pages[f"preview page 3 ({language})"] = third
        pages[f"preview thank-you ({language})"] = preview_post(member, third, PAGE_3, language)
        pages[f"preview screen-out ({language})"] = preview_post(
            member, first, {"age_group": "under_16"}, language
        )
        pages[f"phone ({language})"] = get(member.url(f"/preview/phone?lang={language}")).text
        pages[f"print ({language})"] = get(member.url(f"/print?lang={language}")).text
    pages["builder"] = get(member.url("/build")).text
    pages["overview"] = get(member.url("")).text
    token = csrf_token(pages["builder"])
    pages["import with an error"] = member.client.post(
        member.url("/import"), data={"csrf_token": token, "text": f"kind: {PAYLOAD}\n"}
    ).text
    return pages


def test_payloads_in_every_text_come_out_inert_everywhere(member):
    pages = every_page_showing_the_texts(member)
    for name, page in pages.items():
        assert active_markup(page) == [], name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["preview page 1 (nb)"]
    assert "{{7*7}}" in pages["print (en)"] and "{% raw %}" in pages["print (en)"], "no template runs"
    for name in ("preview page 2 (nb)", "preview page 3 (nb)", "print (nb)"):
        assert "nb &lt;script&gt;" in pages[name], f"{name} shows the texts, escaped"
