"""Builders for the answering tests: a three-page survey in three languages, and a respondent.

The respondent reads what a browser would read: the hidden fields, checked inputs and the error
summary of the rendered page.
"""

import copy
import html
import json
import re
from dataclasses import dataclass

import yaml
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app.extensions import db
from app.questionnaires.models import QuestionnaireVersion
from app.questionnaires.services import content_hash, version_sort_key
from app.questionnaires.validation import check_text
from app.responses.models import Answer, Response
from tests import factories


def texts(nb: str, nn: str, en: str) -> dict:
    return {"nb": nb, "nn": nn, "en": en}


SCREEN_OUT = texts(
    "Takk! Undersøkelsen er for deg som er 16 år eller eldre.",
    "Takk! Undersøkinga er for deg som er 16 år eller eldre.",
    "Thank you! This survey is for people aged 16 or over.",
)
OTHER_MAX_LENGTH = 40

DEFINITION = {
    "kind": "base",
    "code": "svartest",
    "version": "1.0",
    "title": texts("Svartest", "Svartest", "Answer test"),
    "languages": ["nb", "nn", "en"],
    "sections": [
        {
            "code": "about_you",
            "title": texts("Om deg", "Om deg", "About you"),
            "questions": [
                {
                    "code": "age_group",
                    "type": "single_choice",
                    "text": texts("Hvor gammel er du?", "Kor gammal er du?", "How old are you?"),
                    "required": True,
                    "options": [
                        {
                            "code": "under_16",
                            "label": texts("Under 16", "Under 16", "Under 16"),
                            "screen_out": SCREEN_OUT,
                        },
                        {"code": "age_16_29", "label": texts("16–29", "16–29", "16–29")},
                        {
                            "code": "age_30_plus",
                            "label": texts("30 eller eldre", "30 eller eldre", "30 or over"),
                        },
                    ],
                },
                {
                    "code": "first_visit",
                    "type": "single_choice",
                    "text": texts(
                        "Er dette første besøk?", "Er dette første vitjinga?", "Is this your first visit?"
                    ),
                    "required": True,
                    "options": [
                        {"code": "yes", "label": texts("Ja", "Ja", "Yes")},
                        {"code": "no", "label": texts("Nei", "Nei", "No")},
                    ],
                },
            ],
        },
        {
            "code": "your_visit",
            "title": texts("Besøket", "Vitjinga", "Your visit"),
            "questions": [
                {
                    "code": "came_with",
                    "type": "multiple_choice",
                    "text": texts("Hvem kom du sammen med?", "Kven kom du saman med?", "Who came with you?"),
                    "max_selections": 2,
                    "options": [
                        {
                            "code": "alone",
                            "label": texts("Kom alene", "Kom åleine", "Came alone"),
                            "exclusive": True,
                        },
                        {"code": "partner", "label": texts("Partner", "Partnar", "Partner")},
                        {"code": "children", "label": texts("Barn", "Born", "Children")},
                        {"code": "friends", "label": texts("Venner", "Vener", "Friends")},
                        {"code": "other", "label": texts("Andre", "Andre", "Others")},
                    ],
                },
                {
                    "code": "came_with_other",
                    "type": "short_text",
                    "text": texts("Hvem andre?", "Kven andre?", "Who else?"),
                    "max_length": OTHER_MAX_LENGTH,
                    "show_if": {"question": "came_with", "includes": "other"},
                },
                {
                    "code": "overall",
                    "type": "rating",
                    "text": texts("Hvor fornøyd er du?", "Kor nøgd er du?", "How satisfied are you?"),
                    "required": True,
                    "scale": {
                        "points": 5,
                        "labels": {
                            1: texts("Svært misfornøyd", "Svært misnøgd", "Very dissatisfied"),
                            5: texts("Svært fornøyd", "Svært nøgd", "Very satisfied"),
                        },
                    },
                },
                {
                    "code": "recommend",
                    "type": "nps",
                    "text": texts("Vil du anbefale oss?", "Vil du tilrå oss?", "Would you recommend us?"),
                },
                {
                    "code": "visits_12m",
                    "type": "number",
                    "text": texts(
                        "Hvor mange besøk siste år?", "Kor mange vitjingar siste år?", "Visits last year?"
                    ),
                    "min": 0,
                    "max": 100,
                },
            ],
        },
        {
            "code": "first_time",
            "title": texts("Første gang", "Første gong", "First time"),
            "questions": [
                {
                    "code": "how_heard",
                    "type": "long_text",
                    "text": texts(
                        "Hvordan hørte du om oss?", "Korleis høyrde du om oss?", "How did you hear of us?"
                    ),
                    "show_if": {"question": "first_visit", "equals": "yes"},
                },
                {
                    "code": "impressions",
                    "type": "matrix",
                    "text": texts("Førsteinntrykk", "Førsteinntrykk", "First impressions"),
                    "show_if": {"question": "first_visit", "equals": "yes"},
                    "rows": [
                        {"code": "impression_staff", "text": texts("Personalet", "Personalet", "The staff")},
                        {"code": "impression_venue", "text": texts("Lokalet", "Lokalet", "The venue")},
                    ],
                    "options": [
                        {"code": "good", "label": texts("Bra", "Bra", "Good")},
                        {"code": "poor", "label": texts("Dårlig", "Dårleg", "Poor")},
                    ],
                },
            ],
        },
    ],
}

# Answers that take a respondent through every page (section 3 shows: a first visit).
PAGE_1 = {"age_group": "age_30_plus", "first_visit": "yes"}
PAGE_2 = {
    "came_with": ["partner", "other"],
    "came_with_other": "Naboen",
    "overall": "4",
    "recommend": "9",
    "visits_12m": "3",
}
PAGE_3 = {"how_heard": "Fra en venn", "impression_staff": "good", "impression_venue": "poor"}


def checked_definition(definition: dict) -> dict:
    """The definition as the loader stores it, after the same checks `flask questionnaire check` runs."""
    result = check_text(yaml.safe_dump(definition, allow_unicode=True))
    assert result.ok, result.problems
    return json.loads(json.dumps(result.definition))


def base_version(definition: dict) -> QuestionnaireVersion:
    definition = checked_definition(definition)
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
    return base


@dataclass(frozen=True)
class SurveyLink:
    token: str
    survey_id: int
    collector_id: int

    @property
    def url(self) -> str:
        return f"/s/{self.token}"

    @property
    def thanks_url(self) -> str:
        return f"/s/{self.token}/thanks"

    @property
    def resume_cookie(self) -> str:
        return f"gs_resume_{self.collector_id}"


def answering_survey(app, definition: dict | None = None, **collector_settings) -> SurveyLink:
    """A published survey with one link; `collector_settings` set opens_at, response_cap and so on."""
    with app.app_context():
        survey, _revision, collector = factories.published_survey(base=base_version(definition or DEFINITION))
        for name, value in collector_settings.items():
            setattr(collector, name, value)
        db.session.commit()
        return SurveyLink(collector.token, survey.id, collector.id)


def with_languages(languages: list[str], version: str) -> dict:
    definition = copy.deepcopy(DEFINITION)
    definition.update(languages=languages, version=version)
    return definition


_INPUT = re.compile(r"<input\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([\w-]+)(?:="([^"]*)")?')


def inputs(page: str) -> list[dict]:
    return [
        {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(tag)}
        for tag in _INPUT.findall(page)
    ]


def hidden_fields(page: str) -> dict:
    fields = {field["name"]: field["value"] for field in inputs(page) if field.get("type") == "hidden"}
    assert {"csrf_token", "page", "submission_key"} <= set(fields), "the page has no answer form"
    return fields


def checked(page: str) -> set[tuple[str, str]]:
    """(name, value) of every checked radio button and checkbox."""
    return {(field["name"], field["value"]) for field in inputs(page) if "checked" in field}


def field_value(page: str, name: str) -> str | None:
    """The value shown in a text field or text area."""
    for field in inputs(page):
        if field.get("name") == name and field.get("type") == "text":
            return field.get("value", "")
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(match.group(1)) if match else None


def error_summary(page: str) -> dict[str, str]:
    """The error summary's links: question code (from href="#q-<code>") to the link text."""
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    if summary is None:
        return {}
    links = re.findall(r'<a href="#q-([\w]+)">(.*?)</a>', summary.group(0), re.S)
    return {code: " ".join(html.unescape(text).split()) for code, text in links}


def page_number(page: str) -> int:
    """The page shown, counted from 1, as the hidden `page` field says."""
    return int(hidden_fields(page)["page"]) + 1


def visible_text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def message(app, language: str, msgid: str, **variables) -> str:
    """An interface text as a respondent in `language` reads it (translated when the catalog has it)."""
    with app.test_request_context(), force_locale(language):
        return gettext(msgid, **variables)


def row_counts(app) -> tuple[int, int]:
    """(responses, answers) in the database."""
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Response)),
            db.session.scalar(select(func.count()).select_from(Answer)),
        )


class Respondent:
    """A browser answering one survey link; `reply` is the last page it was shown."""

    def __init__(self, client, link: SurveyLink):
        self.client = client
        self.link = link
        self.reply = None

    @property
    def page(self) -> str:
        return self.reply.get_data(as_text=True)

    @property
    def path(self) -> str:
        return self.reply.request.path

    def open(self, **query):
        self.reply = self.client.get(self.link.url, query_string=query)
        return self.reply

    def send(self, answers: dict | None = None, action: str = "next", **fields):
        """Submit the form of the page shown, as its button would; redirects are followed."""
        form = {**hidden_fields(self.page), "action": action, **fields, **(answers or {})}
        self.reply = self.client.post(self.link.url, data=form, follow_redirects=True)
        return self.reply

    def walk(self, *pages: dict):
        """Open the survey and send one page of answers after the other."""
        self.open()
        for answers in pages:
            self.send(answers)
        return self.reply
