"""Organisations, surveys and responses for benchmark tests, built through the app's own services."""

from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.questionnaires.models import QuestionnaireVersion
from app.responses.services import AnswerValue, store_response
from app.surveys.services import new_survey_from_base, publish
from tests import factories

YES_NO = [
    {"code": "yes", "label": {"nb": "Ja", "en": "Yes"}},
    {"code": "no", "label": {"nb": "Nei", "en": "No"}},
]

DEFINITION = {
    "kind": "base",
    "code": "grunnskjema",
    "version": "1.0",
    "title": {"nb": "Test"},
    "languages": ["nb", "en"],
    "sections": [
        {
            "code": "visit",
            "title": {"nb": "Besøket", "en": "The visit"},
            "questions": [
                {
                    "code": "first_visit",
                    "type": "single_choice",
                    "text": {"nb": "Første besøk?", "en": "First visit?"},
                    "required": True,
                    "locked": True,
                    "options": YES_NO,
                },
                {
                    "code": "came_with",
                    "type": "multiple_choice",
                    "text": {"nb": "Hvem kom du med?", "en": "Who did you come with?"},
                    "locked": True,
                    "options": [
                        {"code": "alone", "label": {"nb": "Alene", "en": "Alone"}},
                        {"code": "partner", "label": {"nb": "Partner", "en": "Partner"}},
                        {"code": "friends", "label": {"nb": "Venner", "en": "Friends"}},
                    ],
                },
                {
                    "code": "overall",
                    "type": "rating",
                    "text": {"nb": "Samlet opplevelse?", "en": "Overall experience?"},
                    "locked": True,
                    "scale": {
                        "points": 5,
                        "labels": {1: {"nb": "Dårlig", "en": "Poor"}, 5: {"nb": "Bra", "en": "Good"}},
                    },
                },
                {
                    "code": "recommend",
                    "type": "nps",
                    "text": {"nb": "Anbefale?", "en": "Recommend?"},
                    "locked": True,
                },
                {
                    "code": "own_question",
                    "type": "single_choice",
                    "text": {"nb": "Egen?", "en": "Own?"},
                    "options": YES_NO,
                },
            ],
        }
    ],
}

SPRING = datetime(2026, 4, 15, 12, tzinfo=UTC)


def base_version() -> QuestionnaireVersion:
    existing = db.session.scalar(select(QuestionnaireVersion).where(QuestionnaireVersion.version == "1.0"))
    if existing is not None:
        return existing
    base = QuestionnaireVersion(
        code="grunnskjema",
        version="1.0",
        sort_key="1.0",
        title={"nb": "Test"},
        definition=DEFINITION,
        content_hash="benchmark-test",
    )
    db.session.add(base)
    db.session.flush()
    return base


def organisation_with_survey(name: str, sector: str = "theatre", fylke: str = "46", **traits):
    organisation = factories.organisation(name, sector=sector, fylke=fylke)
    for attribute, value in traits.items():
        setattr(organisation, attribute, value)
    survey, revision = new_survey_from_base(organisation, "Publikum", base_version())
    publish(survey, revision, "Nettside")
    return organisation, revision


def respond(
    revision,
    first_visit: str = "yes",
    came_with: tuple[str, ...] = ("partner",),
    overall: int = 4,
    recommend: int = 9,
    own_question: str = "yes",
    at: datetime = SPRING,
    **kwargs,
):
    answers = [AnswerValue("first_visit", option_code=first_visit)]
    answers += [AnswerValue("came_with", option_code=code) for code in came_with]
    answers += [
        AnswerValue("overall", number_value=overall),
        AnswerValue("recommend", number_value=recommend),
        AnswerValue("own_question", option_code=own_question),
    ]
    return store_response(revision, answers, language="nb", submitted_at=at, **kwargs)


def respond_many(revision, count: int, yes: int | None = None, **kwargs) -> None:
    """`count` responses, the first `yes` of them first visits (all when not given)."""
    yes = count if yes is None else yes
    for index in range(count):
        respond(revision, first_visit="yes" if index < yes else "no", **kwargs)
