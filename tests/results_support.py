"""A survey with a question of each kind the results page shows, members of every role, and a way to
store responses with the details the filters look at."""

from dataclasses import dataclass
from datetime import timedelta

from app.accounts.models import Membership, OrgRole, User
from app.accounts.passwords import hash_password
from app.core.types import utcnow
from app.extensions import db
from app.questionnaires.models import QuestionnaireVersion
from app.responses.models import ResponseStatus
from app.responses.services import AnswerValue, store_response
from app.surveys.models import Collector, SurveyRevision
from app.surveys.services import new_collector_token, new_survey_from_base, publish
from tests import factories
from tests.support import csrf_token

PASSWORD = "results-password-2026"


def _options(*codes_and_labels):
    return [{"code": code, "label": {"nb": label}} for code, label in codes_and_labels]


DEFINITION = {
    "kind": "base",
    "code": "grunnskjema",
    "version": "7.0",
    "title": {"nb": "Resultattest"},
    "languages": ["nb", "en"],
    "sections": [
        {
            "code": "visit",
            "title": {"nb": "Besøket"},
            "questions": [
                {
                    "code": "first_visit",
                    "type": "single_choice",
                    "text": {"nb": "Første besøk?"},
                    "options": _options(("yes", "Ja"), ("no", "Nei")),
                },
                {
                    "code": "came_with",
                    "type": "multiple_choice",
                    "text": {"nb": "Hvem kom du med?"},
                    "options": _options(("alone", "Alene"), ("partner", "Partner"), ("friends", "Venner")),
                },
                {
                    "code": "satisfaction",
                    "type": "rating",
                    "text": {"nb": "Hvor fornøyd?"},
                    "scale": {
                        "points": 5,
                        "labels": {1: {"nb": "Svært misfornøyd"}, 5: {"nb": "Svært fornøyd"}},
                    },
                },
                {"code": "recommend", "type": "nps", "text": {"nb": "Anbefale?"}},
                {"code": "comment", "type": "long_text", "text": {"nb": "Kommentar"}},
            ],
        }
    ],
}


@dataclass
class ResultsWorld:
    org_id: int
    survey_id: int
    revision_id: int
    collector_id: int
    other_collector_id: int
    other_org_id: int
    other_survey_id: int


def build(app) -> ResultsWorld:
    """An organisation with an owner, editor and viewer and a published survey with two links (the
    second tagged "premiere"), and another organisation with its own survey."""
    with app.app_context():
        organisation = factories.organisation(name="Resultatteateret")
        for role in OrgRole:
            user = User(email=f"{role.value}@results.example", password_hash=hash_password(PASSWORD))
            db.session.add(Membership(user=user, organisation=organisation, role=role))
        base = QuestionnaireVersion(
            code="grunnskjema",
            version="7.0",
            sort_key="7.0",
            title={"nb": "Resultattest"},
            definition=DEFINITION,
            content_hash="results-7.0",
        )
        db.session.add(base)
        survey, revision = new_survey_from_base(organisation, "Publikum 2026", base)
        collector = publish(survey, revision, "Nettside")
        premiere = Collector(
            survey=survey, name="Premiere", token=new_collector_token(), event_tag="premiere"
        )
        db.session.add(premiere)
        other = factories.organisation(name="Annet teater")
        other_survey, _ = new_survey_from_base(other, "Deres", base)
        db.session.flush()
        world = ResultsWorld(
            organisation.id, survey.id, revision.id, collector.id, premiere.id, other.id, other_survey.id
        )
        db.session.commit()
        return world


def respond(
    app,
    world: ResultsWorld,
    count: int = 1,
    *,
    first_visit: str | None = "yes",
    came_with: tuple[str, ...] = (),
    satisfaction: int | None = None,
    recommend: int | None = None,
    comment: str | None = None,
    language: str = "nb",
    premiere: bool = False,
    days_ago: int = 0,
    duration: int = 300,
    status: ResponseStatus = ResponseStatus.COMPLETE,
    is_test: bool = False,
) -> list[int]:
    """Store `count` identical responses; returns their ids."""
    answers = [AnswerValue("came_with", option_code=code) for code in came_with]
    if first_visit:
        answers.append(AnswerValue("first_visit", option_code=first_visit))
    if satisfaction is not None:
        answers.append(AnswerValue("satisfaction", number_value=satisfaction))
    if recommend is not None:
        answers.append(AnswerValue("recommend", number_value=recommend))
    if comment is not None:
        answers.append(AnswerValue("comment", text_value=comment))
    ids = []
    with app.app_context():
        revision = db.session.get(SurveyRevision, world.revision_id)
        collector = db.session.get(Collector, world.other_collector_id if premiere else world.collector_id)
        moment = utcnow() - timedelta(days=days_ago)
        for _ in range(count):
            response = store_response(
                revision,
                answers,
                language,
                collector=collector,
                status=status,
                submitted_at=moment if status == ResponseStatus.COMPLETE else None,
                is_test=is_test,
            )
            response.started_at = moment - timedelta(seconds=duration)
            response.duration_seconds = duration if status == ResponseStatus.COMPLETE else None
            ids.append(response.id)
        db.session.commit()
    return ids


def logged_in(app, role: str = "owner"):
    """A client logged in as the role's member, reading the interface in English."""
    client = app.test_client()
    token = csrf_token(client.get("/login").text)
    reply = client.post(
        "/login", data={"email": f"{role}@results.example", "password": PASSWORD, "csrf_token": token}
    )
    assert reply.status_code == 302
    client.get("/account?lang=en")
    return client


def results_url(world: ResultsWorld, suffix: str = "", query: str = "") -> str:
    return f"/org/{world.org_id}/surveys/{world.survey_id}/results{suffix}" + (f"?{query}" if query else "")
