"""Builders for the export and import tests: a survey with every kind of column, its responses,
members to log in as, and an export run the way the job runs it."""

import copy
import csv
import io
from functools import cache

from sqlalchemy import select

from app.accounts.models import Membership, OrgRole, User
from app.accounts.passwords import hash_password
from app.exports import services
from app.exports.models import ExportFormat, ExportRequest, ExportScope
from app.extensions import db
from app.jobs.models import JobState, PendingJob
from app.jobs.services import execute_pending_job
from app.questionnaires.models import QuestionnaireVersion
from app.responses.services import AnswerValue, store_response
from app.surveys.models import SurveyRevision
from app.surveys.services import new_survey_from_base, publish
from tests import factories
from tests.support import csrf_token

PASSWORD = "export-password-2026"


def texts(nb: str, nn: str, en: str) -> dict:
    return {"nb": nb, "nn": nn, "en": en}


YES_NO = [
    {"code": "yes", "label": texts("Ja", "Ja", "Yes")},
    {"code": "no", "label": texts("Nei", "Nei", "No")},
]

DEFINITION = {
    "kind": "base",
    "code": "eksporttest",
    "version": "1.0",
    "title": texts("Eksporttest", "Eksporttest", "Export test"),
    "languages": ["nb", "nn", "en"],
    "sections": [
        {
            "code": "visit",
            "title": texts("Besøket", "Besøket", "The visit"),
            "questions": [
                {
                    "code": "first_visit",
                    "type": "single_choice",
                    "text": texts("Første besøk?", "Første besøk?", "First visit?"),
                    "required": True,
                    "options": YES_NO,
                },
                {
                    "code": "visits",
                    "type": "number",
                    "text": texts("Hvor mange besøk?", "Kor mange besøk?", "How many visits?"),
                    "required": False,
                    "min": 1,
                    "max": 100,
                    "show_if": {"question": "first_visit", "equals": "no"},
                },
                {
                    "code": "came_with",
                    "type": "multiple_choice",
                    "text": texts("Hvem kom du med?", "Kven kom du med?", "Who came with you?"),
                    "required": False,
                    "options": [
                        {"code": "alone", "label": texts("Alene", "Åleine", "Alone"), "exclusive": True},
                        {"code": "friends", "label": texts("Venner", "Vener", "Friends")},
                        {"code": "family", "label": texts("Familie", "Familie", "Family")},
                    ],
                },
                {
                    "code": "recommend",
                    "type": "nps",
                    "text": texts("Anbefale?", "Tilrå?", "Recommend?"),
                    "required": True,
                    "labels": {
                        "low": texts("Svært lite sannsynlig", "Svært lite sannsynleg", "Not at all likely"),
                        "high": texts("Svært sannsynlig", "Svært sannsynleg", "Extremely likely"),
                    },
                },
            ],
        },
        {
            "code": "opinions",
            "title": texts("Meninger", "Meiningar", "Opinions"),
            "questions": [
                {
                    "code": "overall",
                    "type": "rating",
                    "text": texts("Helhetsinntrykk", "Heilskapsinntrykk", "Overall impression"),
                    "required": False,
                    "scale": {
                        "points": 5,
                        "labels": {
                            1: texts("Svært dårlig", "Svært dårleg", "Very poor"),
                            5: texts("Svært bra", "Svært bra", "Very good"),
                        },
                    },
                },
                {
                    "code": "aspects",
                    "type": "matrix",
                    "text": texts("Hva syntes du om", "Kva syntest du om", "What did you think of"),
                    "required": False,
                    "rows": [
                        {"code": "aspect_sound", "text": texts("lyden", "lyden", "the sound")},
                        {"code": "aspect_seats", "text": texts("setene", "setene", "the seats")},
                    ],
                    "options": YES_NO,
                },
                {
                    "code": "comment",
                    "type": "long_text",
                    "text": texts("Kommentar", "Kommentar", "Comment"),
                    "required": False,
                },
            ],
        },
    ],
}


def base_version(definition: dict = DEFINITION) -> QuestionnaireVersion:
    existing = db.session.scalar(
        select(QuestionnaireVersion).where(QuestionnaireVersion.version == definition["version"])
    )
    if existing is not None:
        return existing
    base = QuestionnaireVersion(
        code=definition["code"],
        version=definition["version"],
        sort_key=definition["version"],
        title=definition["title"],
        definition=copy.deepcopy(definition),
        content_hash=definition["version"],
    )
    db.session.add(base)
    db.session.flush()
    return base


def published_survey(organisation=None, definition: dict = DEFINITION, title: str = "Publikum 2026"):
    organisation = organisation or factories.organisation()
    survey, revision = new_survey_from_base(organisation, title, base_version(definition))
    collector = publish(survey, revision, "Nettside")
    return survey, revision, collector


def new_revision(survey, change) -> SurveyRevision:
    """Publish a second revision whose definition is the first one changed by `change`."""
    definition = copy.deepcopy(survey.revisions[-1].definition)
    change(definition)
    revision = SurveyRevision(survey=survey, number=len(survey.revisions) + 1, definition=definition)
    db.session.add(revision)
    db.session.flush()
    publish(survey, revision, "Nettside")
    return revision


TEXT_CODES = {"comment", "came_with_other"}


def answer(revision, answers: dict, language: str = "nb", **options):
    """Store a response from values per code: a set for multiple choice, a dict for a matrix."""
    rows = []
    for code, value in answers.items():
        if isinstance(value, set):
            rows += [AnswerValue(code, option_code=option) for option in sorted(value)]
        elif isinstance(value, dict):
            rows += [AnswerValue(row, option_code=option) for row, option in value.items()]
        elif isinstance(value, int | float):
            rows.append(AnswerValue(code, number_value=float(value)))
        elif code in TEXT_CODES:
            rows.append(AnswerValue(code, text_value=value))
        else:
            rows.append(AnswerValue(code, option_code=value))
    return store_response(revision, rows, language, **options)


FULL_ANSWER = {
    "first_visit": "no",
    "visits": 3,
    "came_with": {"friends", "family"},
    "recommend": 9,
    "overall": 4,
    "aspects": {"aspect_sound": "yes", "aspect_seats": "no"},
    "comment": "Fin kveld, men trangt; «æøå»",
}


def export_file(
    survey,
    format: ExportFormat,
    scope: ExportScope = ExportScope.COMPLETE,
    language: str = "nb",
    include_test: bool = False,
) -> bytes:
    """Request an export, run the waiting jobs as a runner would, and return the file."""
    export = services.request_export(survey, None, format, scope, language, include_test)
    db.session.commit()
    run_export_jobs()
    db.session.expire_all()
    return db.session.get(ExportRequest, export.id).content


def run_export_jobs() -> None:
    """Run the waiting export jobs, as the runner would (and only those: other work is not tested here)."""
    waiting = select(PendingJob.id).where(
        PendingJob.task == "run_export", PendingJob.state == JobState.PENDING
    )
    for job_id in db.session.scalars(waiting).all():
        try:
            execute_pending_job(job_id)
        except Exception:  # noqa: BLE001 - recorded on the job and the export, as the runner does
            db.session.rollback()


def csv_table(content: bytes, delimiter: str = ",") -> list[list[str]]:
    assert content.startswith("\ufeff".encode()), "UTF-8 with a byte order mark"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def csv_dicts(content: bytes, delimiter: str = ",") -> list[dict]:
    header, *rows = csv_table(content, delimiter)
    return [dict(zip(header, row, strict=True)) for row in rows]


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def member(organisation, role: OrgRole, email: str | None = None) -> User:
    user = User(email=email or f"{role.value}-{organisation.id}@example.org", password_hash=password_hash())
    db.session.add(Membership(user=user, organisation=organisation, role=role))
    db.session.flush()
    return user


def log_in(client, email: str) -> None:
    token = csrf_token(client.get("/login").text)
    reply = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert reply.status_code == 302, f"{email} could not log in"
