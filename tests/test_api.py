"""The JSON API: bearer tokens only, tenant isolation, responses page by page, results under the
results pages' thresholds, problem documents for every error, and a rate limit per token."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Membership, OrgRole, User
from app.accounts.passwords import hash_password
from app.api import auth, services
from app.api_tokens.models import ApiToken
from app.api_tokens.services import create_token
from app.core.rate_limit import Limit
from app.extensions import db
from app.questionnaires.models import QuestionnaireVersion
from app.responses.models import ResponseStatus
from app.responses.services import AnswerValue, store_response
from app.surveys.models import SurveyRevision
from app.surveys.services import new_survey_from_base
from tests import factories
from tests.answering_support import DEFINITION, base_version
from tests.support import REDIS_URL, csrf_token, unavailable

PASSWORD = "api-password-2026"
PASSWORD_HASH = hash_password(PASSWORD)
PROBLEM = "application/problem+json"
START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Tenant:
    org_id: int
    survey_id: int
    revision_id: int
    draft_id: int
    secret: str
    owner_email: str

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.secret}"}


def full_answers(number: int, text: str | None = None) -> list[AnswerValue]:
    """Answers to most kinds of question in the answering tests' definition."""
    answers = [
        AnswerValue("age_group", option_code="age_30_plus"),
        AnswerValue("first_visit", option_code="yes" if number % 2 else "no"),
        AnswerValue("came_with", option_code="partner"),
        AnswerValue("overall", number_value=4),
        AnswerValue("recommend", number_value=9),
        AnswerValue("visits_12m", number_value=2.5),
        AnswerValue("impression_staff", option_code="good"),
    ]
    if text:
        answers.append(AnswerValue("how_heard", text_value=text))
    return answers


def rich_base() -> QuestionnaireVersion:
    existing = db.session.scalar(
        select(QuestionnaireVersion).where(QuestionnaireVersion.version == DEFINITION["version"])
    )
    return existing or base_version(DEFINITION)


def tenant(name: str, complete: int = 0) -> Tenant:
    """An organisation with its owner, a published survey with `complete` responses a day apart,
    a draft, and an API token."""
    organisation = factories.organisation(name=name)
    owner = User(email=f"eier-{organisation.orgnr}@example.org", password_hash=PASSWORD_HASH)
    db.session.add(Membership(user=owner, organisation=organisation, role=OrgRole.OWNER))
    survey, revision, _collector = factories.published_survey(organisation, base=rich_base())
    draft, _draft_revision = new_survey_from_base(organisation, "Utkast", survey.base_version)
    for number in range(complete):
        store_response(revision, full_answers(number), "nb", submitted_at=START + timedelta(days=number))
    token = create_token(organisation, owner, "BI")
    db.session.commit()
    return Tenant(organisation.id, survey.id, revision.id, draft.id, token.secret, owner.email)


def two_tenants(app, complete: int = 3) -> tuple[Tenant, Tenant]:
    with app.app_context():
        return tenant("Scene A", complete), tenant("Scene B", complete)


def api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")]


def assert_problem(reply, status: int) -> dict:
    assert reply.status_code == status, reply.text
    assert reply.headers["Content-Type"] == PROBLEM
    body = reply.json
    assert body["status"] == status and body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    return body


# --- Authentication ---------------------------------------------------------------------------


def test_every_api_route_answers_401_without_a_token_even_with_a_session(app):
    own, _other = two_tenants(app)
    anonymous = app.test_client()
    logged_in = app.test_client()
    token = csrf_token(logged_in.get("/login").text)
    logged_in.post("/login", data={"email": own.owner_email, "password": PASSWORD, "csrf_token": token})
    assert logged_in.get(f"/org/{own.org_id}/").status_code == 200, "the session works for the pages"
    for rule in api_rules(app):
        url = rule.build({"survey_id": own.survey_id})[1]
        for client in (anonymous, logged_in):
            reply = client.get(url)
            body = assert_problem(reply, 401)
            assert reply.headers["WWW-Authenticate"].startswith("Bearer realm=")
            assert "Location" not in reply.headers, "never a redirect to the login page"
            assert "Authorization: Bearer" in body["detail"]


@pytest.mark.parametrize(
    "authorization",
    ["Bearer gs_not-a-real-token-at-all-0123456789abcdefghijkl", "Bearer ", "Basic dXNlcjpwYXNz", "gs_x"],
)
def test_a_wrong_or_malformed_authorization_header_answers_401(app, authorization):
    own, _other = two_tenants(app, complete=0)
    reply = app.test_client().get("/api/v1/surveys", headers={"Authorization": authorization})
    assert_problem(reply, 401)
    assert reply.headers["WWW-Authenticate"].startswith("Bearer ")


# --- Tenant isolation -------------------------------------------------------------------------


def test_another_organisations_survey_is_404_on_every_survey_route(app, client):
    own, other = two_tenants(app)
    for rule in api_rules(app):
        if "survey_id" not in rule.arguments:
            continue
        for survey_id in (other.survey_id, other.draft_id, 2**31, 10**30):
            url = rule.build({"survey_id": survey_id})[1]
            body = assert_problem(client.get(url, headers=own.headers), 404)
            assert "Scene B" not in str(body)
        assert client.get(rule.build({"survey_id": own.survey_id})[1], headers=own.headers).status_code == 200


def test_the_survey_list_holds_only_the_tokens_organisation(app, client):
    own, other = two_tenants(app)
    listed = client.get("/api/v1/surveys", headers=own.headers).json["data"]
    assert sorted(survey["id"] for survey in listed) == sorted([own.survey_id, own.draft_id])
    published = next(survey for survey in listed if survey["id"] == own.survey_id)
    draft = next(survey for survey in listed if survey["id"] == own.draft_id)
    assert (published["status"], published["published_revision"]["number"]) == ("published", 1)
    assert (draft["status"], draft["published_revision"]) == ("draft", None)
    assert "definition" not in published["published_revision"], "the list stays small"


def test_a_survey_comes_with_its_published_definition(app, client):
    own, _other = two_tenants(app)
    reply = client.get(f"/api/v1/surveys/{own.survey_id}", headers=own.headers)
    definition = reply.json["published_revision"]["definition"]
    codes = [question["code"] for section in definition["sections"] for question in section["questions"]]
    assert codes[:3] == ["age_group", "first_visit", "came_with"]
    draft = client.get(f"/api/v1/surveys/{own.draft_id}", headers=own.headers).json
    assert draft["published_revision"] is None, "a draft's definition is not given out"


# --- Responses --------------------------------------------------------------------------------


def add_other_kinds_of_responses(app, tenant_: Tenant) -> None:
    """A partial response and a test response: neither is ever listed."""
    with app.app_context():
        revision = db.session.get(SurveyRevision, tenant_.revision_id)
        store_response(revision, full_answers(1), "nb", status=ResponseStatus.PARTIAL)
        store_response(revision, full_answers(1), "nb", is_test=True)
        db.session.commit()


def walk(client, tenant_: Tenant, url: str) -> tuple[list[dict], int]:
    items, pages = [], 0
    while url:
        reply = client.get(url, headers=tenant_.headers)
        assert reply.status_code == 200, reply.text
        items += reply.json["data"]
        pages += 1
        assert (reply.json["next"] is None) == (reply.json["next_cursor"] is None)
        url = reply.json["next"]
    return items, pages


def test_paging_walks_every_complete_response_exactly_once(app, client):
    own, _other = two_tenants(app, complete=23)
    add_other_kinds_of_responses(app, own)

    items, pages = walk(client, own, f"/api/v1/surveys/{own.survey_id}/responses?limit=5")

    ids = [item["id"] for item in items]
    assert len(ids) == 23 and len(set(ids)) == 23 and ids == sorted(ids)
    assert pages == 5
    by_cursor = client.get(
        f"/api/v1/surveys/{own.survey_id}/responses?limit=10&after={ids[9]}", headers=own.headers
    ).json
    assert [item["id"] for item in by_cursor["data"]] == ids[10:20]
    assert by_cursor["next_cursor"] == str(ids[19])


def test_answers_are_keyed_by_stable_codes(app, client):
    own, _other = two_tenants(app, complete=2)
    first = client.get(f"/api/v1/surveys/{own.survey_id}/responses", headers=own.headers).json["data"][0]
    assert first["answers"] == {
        "age_group": "age_30_plus",
        "first_visit": "no",
        "came_with": ["partner"],
        "overall": 4,
        "recommend": 9,
        "visits_12m": 2.5,
        "impression_staff": "good",
    }
    assert (first["revision"], first["language"], first["imported"]) == (1, "nb", False)
    assert first["submitted_at"] == START.isoformat()


def test_since_and_until_filter_by_submission_time(app, client):
    own, _other = two_tenants(app, complete=10)
    url = f"/api/v1/surveys/{own.survey_id}/responses"

    def submitted(query: str) -> list[str]:
        items, _pages = walk(client, own, url + query)
        return [item["submitted_at"][:10] for item in items]

    assert submitted("?since=2026-03-08T12:00:00Z") == ["2026-03-08", "2026-03-09", "2026-03-10"]
    assert submitted("?until=2026-03-03T12:00:00%2B00:00") == ["2026-03-01", "2026-03-02"]
    # Without an offset the time is UTC; the filters travel on in the `next` link.
    assert submitted("?since=2026-03-02T12:00:00&until=2026-03-07T12:00:00&limit=2") == [
        "2026-03-02",
        "2026-03-03",
        "2026-03-04",
        "2026-03-05",
        "2026-03-06",
    ]
    assert submitted("?since=2026-03-04T13:00:00%2B01:00&until=2026-03-04T13:00:01%2B01:00") == ["2026-03-04"]


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=1001",
        "limit=abc",
        "after=-1",
        "after=abc",
        "since=yesterday",
        "cursor=5",
    ],
)
def test_invalid_paging_parameters_answer_422_with_the_reason(app, client, query):
    own, _other = two_tenants(app, complete=1)
    reply = client.get(f"/api/v1/surveys/{own.survey_id}/responses?{query}", headers=own.headers)
    body = assert_problem(reply, 422)
    assert query.split("=")[0] in body["errors"]["query"]


# --- Results ----------------------------------------------------------------------------------


def test_results_hide_small_cells(app, client):
    own, _other = two_tenants(app, complete=4)
    results = client.get(f"/api/v1/surveys/{own.survey_id}/results", headers=own.headers).json
    first_visit = next(q for q in results["questions"] if q["code"] == "first_visit")
    assert (first_visit["answered"], first_visit["answered_hidden"]) == (None, True)
    assert all(o["count"] is None and o["share"] is None and o["hidden"] for o in first_visit["options"])
    recommend = next(q for q in results["questions"] if q["code"] == "recommend")
    assert recommend["nps"]["value"] is None and recommend["nps"]["hidden"]

    with app.app_context():
        revision = db.session.get(SurveyRevision, own.revision_id)
        store_response(revision, full_answers(4), "nb")
        db.session.commit()
    results = client.get(f"/api/v1/surveys/{own.survey_id}/results", headers=own.headers).json
    first_visit = next(q for q in results["questions"] if q["code"] == "first_visit")
    counts = {o["code"]: (o["count"], o["hidden"]) for o in first_visit["options"]}
    # 3 "no" and 2 "yes": both cells are under 5 and stay hidden; the total of 5 is shown.
    assert first_visit["answered"] == 5
    assert counts == {"yes": (None, True), "no": (None, True)}
    assert next(q for q in results["questions"] if q["code"] == "age_group")["options"][2]["count"] == 5


def test_results_list_free_text_only_from_ten_respondents(app, client):
    with app.app_context():
        own = tenant("Scene A")
        revision = db.session.get(SurveyRevision, own.revision_id)
        for number in range(9):
            store_response(revision, full_answers(number, text=f"Svar {number}"), "nb")
        db.session.commit()
    url = f"/api/v1/surveys/{own.survey_id}/results"
    how_heard = next(
        q for q in client.get(url, headers=own.headers).json["questions"] if q["code"] == "how_heard"
    )
    assert (how_heard["texts"], how_heard["texts_hidden"]) == (None, True)

    with app.app_context():
        store_response(db.session.get(SurveyRevision, own.revision_id), full_answers(9, text="Svar 9"), "nb")
        db.session.commit()
    how_heard = next(
        q for q in client.get(url, headers=own.headers).json["questions"] if q["code"] == "how_heard"
    )
    assert how_heard["texts_hidden"] is False
    assert how_heard["texts"] == sorted(f"Svar {number}" for number in range(10))


def test_results_refuse_filters_that_narrow_to_too_few(app, client):
    own, _other = two_tenants(app, complete=12)
    url = f"/api/v1/surveys/{own.survey_id}/results"
    narrow = client.get(url + "?from=2026-03-01&to=2026-03-04", headers=own.headers).json
    assert narrow["refused"] is True and narrow["questions"] == [] and narrow["respondents"] is None
    wide = client.get(url + "?from=2026-03-01&to=2026-03-06", headers=own.headers).json
    assert (wide["refused"], wide["respondents"]) == (False, 6)
    assert_problem(client.get(url + "?collector=999999", headers=own.headers), 400)
    assert_problem(client.get(url + "?language=xx", headers=own.headers), 422)
    assert_problem(client.get(url + "?answer=first_visit:maybe", headers=own.headers), 400)
    assert_problem(client.get(url + "?interval=month", headers=own.headers), 422)


# --- Problems and limits ----------------------------------------------------------------------


def test_errors_on_api_paths_are_problem_documents(app, client):
    own, _other = two_tenants(app, complete=0)
    assert_problem(client.get("/api/v1/nothing-here", headers=own.headers), 404)
    assert_problem(client.get("/api/v1/surveys/abc", headers=own.headers), 404)
    assert_problem(client.post("/api/v1/surveys", headers=own.headers), 405)
    assert_problem(client.delete(f"/api/v1/surveys/{own.survey_id}", headers=own.headers), 405)
    # Without a token the wrong method is not revealed either.
    assert_problem(client.post("/api/v1/surveys"), 401)


def test_the_rate_limit_counts_per_token(app, client, monkeypatch):
    own, other = two_tenants(app, complete=0)
    monkeypatch.setattr(auth, "API_LIMIT", Limit("api", max_hits=3, window_seconds=60))
    for _ in range(3):
        assert client.get("/api/v1/surveys", headers=own.headers).status_code == 200
    reply = client.get("/api/v1/surveys", headers=own.headers)
    body = assert_problem(reply, 429)
    assert reply.headers["Retry-After"] == "60"
    assert "3 requests per 60 seconds" in body["detail"]
    assert client.get("/api/v1/surveys", headers=other.headers).status_code == 200


def test_times_and_days_at_the_edges_of_the_calendar_are_accepted(app, client):
    own, _other = two_tenants(app, complete=3)
    responses = f"/api/v1/surveys/{own.survey_id}/responses"
    for query in ("since=0001-01-01T00:00:00%2B01:00", "until=9999-12-31T23:59:59-01:00"):
        assert len(client.get(f"{responses}?{query}", headers=own.headers).json["data"]) == 3, query
    results = client.get(
        f"/api/v1/surveys/{own.survey_id}/results?from=0001-01-01&to=9999-12-31", headers=own.headers
    )
    assert results.status_code == 200 and results.json["filters"]["date_to"] == "9999-12-30"


def test_the_rate_limit_is_counted_in_redis_when_it_is_configured(app, client, monkeypatch):
    from redis import Redis
    from redis.exceptions import RedisError

    redis = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        redis.ping()
    except RedisError:
        unavailable(f"Redis at {REDIS_URL}")
    own, _other = two_tenants(app, complete=0)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.organisation_id == own.org_id))
    namespace = f"api-test-{secrets.token_hex(4)}"
    monkeypatch.setattr(auth, "API_LIMIT", Limit(namespace, max_hits=2, window_seconds=60))
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    app.extensions.pop("grunnskjema_rate_counter", None)
    try:
        assert [client.get("/api/v1/surveys", headers=own.headers).status_code for _ in range(3)] == [
            200,
            200,
            429,
        ]
        # Every worker process shares this count.
        assert redis.get(f"ratelimit:{namespace}:{token_id}") == b"3"
        assert 0 < redis.ttl(f"ratelimit:{namespace}:{token_id}") <= 60
    finally:
        redis.delete(f"ratelimit:{namespace}:{token_id}")
        app.extensions.pop("grunnskjema_rate_counter", None)


def test_a_server_error_is_a_problem_document_without_internals(app, client, monkeypatch):
    own, _other = two_tenants(app, complete=0)

    def broken(organisation_id):
        raise RuntimeError("SELECT secret FROM somewhere")

    monkeypatch.setattr(services, "surveys_of", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    body = assert_problem(client.get("/api/v1/surveys", headers=own.headers), 500)
    assert "SELECT" not in str(body) and "Traceback" not in str(body)


def test_a_cursor_beyond_every_id_gives_an_empty_last_page(app, client):
    own, _other = two_tenants(app)
    reply = client.get(f"/api/v1/surveys/{own.survey_id}/responses?after=9999999999", headers=own.headers)
    assert reply.status_code == 200
    assert reply.get_json()["data"] == [] and reply.get_json()["next_cursor"] is None
