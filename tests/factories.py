"""Small builders for test data, going through the same services the app uses."""

from itertools import count

from sqlalchemy import select

from app.extensions import db
from app.organisations.services import create_organisation, orgnr_check_digit
from app.questionnaires.models import QuestionnaireVersion
from app.responses.services import AnswerValue, store_response
from app.surveys.services import new_survey_from_base, publish  # noqa: F401  (re-exported for tests)

TINY_DEFINITION = {
    "kind": "base",
    "code": "grunnskjema",
    "version": "1.0",
    "title": {"nb": "Test"},
    "languages": ["nb"],
    "sections": [
        {
            "code": "visit",
            "title": {"nb": "Besøket"},
            "questions": [
                {
                    "code": "first_visit",
                    "type": "single_choice",
                    "text": {"nb": "Første besøk?"},
                    "required": True,
                    "locked": True,
                    "options": [
                        {"code": "yes", "label": {"nb": "Ja"}},
                        {"code": "no", "label": {"nb": "Nei"}},
                    ],
                },
                {
                    "code": "recommend",
                    "type": "nps",
                    "text": {"nb": "Anbefale?"},
                    "required": True,
                    "locked": True,
                },
            ],
        }
    ],
}

_numbers = count(10_000_000)


def valid_orgnr() -> str:
    while True:
        first_eight = str(next(_numbers) + 80_000_000)
        digit = orgnr_check_digit(first_eight)
        if digit is not None:
            return first_eight + str(digit)


def organisation(name: str = "Testteateret", sector: str = "theatre", fylke: str = "46"):
    return create_organisation(name=name, orgnr=valid_orgnr(), sector=sector, fylke=fylke)


def base_version(version: str = "1.0") -> QuestionnaireVersion:
    existing = db.session.scalar(select(QuestionnaireVersion).where(QuestionnaireVersion.version == version))
    if existing is not None:
        return existing
    base = QuestionnaireVersion(
        code="grunnskjema",
        version=version,
        sort_key=version,
        title={"nb": "Test"},
        definition=dict(TINY_DEFINITION, version=version),
        content_hash=version,
    )
    db.session.add(base)
    db.session.flush()
    return base


def published_survey(org=None, base=None):
    org = org or organisation()
    survey, revision = new_survey_from_base(org, "Publikumsundersøkelse", base or base_version())
    collector = publish(survey, revision, "Nettside")
    return survey, revision, collector


def answer(revision, first_visit: str = "yes", recommend: int = 9, **kwargs):
    return store_response(
        revision,
        [
            AnswerValue("first_visit", option_code=first_visit),
            AnswerValue("recommend", number_value=recommend),
        ],
        language="nb",
        **kwargs,
    )


def in_days(days: int):
    from datetime import timedelta

    from app.core.types import utcnow

    return utcnow() + timedelta(days=days)
