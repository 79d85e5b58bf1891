"""`GET /api/v1/surveys/{id}/benchmarks`: the comparison page's figures and rules, for a BI tool."""

from app.accounts.models import Membership, OrgRole, User
from app.api_tokens.services import create_token
from app.benchmarks.services import recompute_benchmarks
from app.extensions import db
from tests import benchmark_support as support


def world(app, peers: int, fylke: str = "46") -> tuple[int, str]:
    """A viewer (40 responses, 30 first visits) and `peers` theatres (25 responses, 10 first visits)."""
    with app.app_context():
        viewer, revision = support.organisation_with_survey("Viewer")
        support.respond_many(revision, 40, yes=30)
        for index in range(peers):
            _, other = support.organisation_with_survey(f"Peer {index}", fylke=fylke)
            support.respond_many(other, 25, yes=10)
        owner = User(email="eier@example.org", password_hash="unused")
        db.session.add(Membership(user=owner, organisation=viewer, role=OrgRole.OWNER))
        secret = create_token(viewer, owner, "BI").secret
        recompute_benchmarks()
        db.session.commit()
        return revision.survey_id, secret


def get(client, token: str, survey_id: int, query: str = ""):
    return client.get(
        f"/api/v1/surveys/{survey_id}/benchmarks{query}", headers={"Authorization": f"Bearer {token}"}
    )


def first_visit(body: dict) -> dict:
    return next(question for question in body["questions"] if question["key"] == "first_visit")


def test_peer_figures_leave_the_organisation_out(app, client):
    survey_id, token = world(app, peers=6)
    reply = get(client, token, survey_id, "?language=en")
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["period"] == "2026" and body["contributing"] is True
    group = next(g for g in first_visit(body)["groups"] if g["kind"] == "sector_fylke")
    assert group["shown"] and (group["organisations"], group["responses"]) == (6, 150)
    yes = next(c for c in group["comparisons"] if c["measure"] == "yes")
    assert yes["peer"]["value"] == 60 / 150
    assert yes["own"]["value"] == 30 / 40
    assert yes["significant"] is True
    assert first_visit(body)["sentence"].startswith("Significantly more")
    # Only the survey's benchmark questions: never its own question.
    assert "own_question" not in {question["key"] for question in body["questions"]}


def test_suppressed_groups_carry_a_reason_and_no_counts(app, client):
    survey_id, token = world(app, peers=4)
    group = next(
        g
        for g in first_visit(get(client, token, survey_id).get_json())["groups"]
        if g["kind"] == "sector_fylke"
    )
    assert group["shown"] is False and group["reason"] == "too_few_organisations"
    assert group["organisations"] is None and group["responses"] is None and group["comparisons"] == []


def test_an_organisation_that_does_not_share_sees_no_groups(app, client):
    survey_id, token = world(app, peers=6)
    with app.app_context():
        from app.organisations.models import Organisation
        from app.surveys.models import Survey

        organisation = db.session.get(Organisation, db.session.get(Survey, survey_id).organisation_id)
        organisation.benchmark_opt_in = False
        recompute_benchmarks()
        db.session.commit()
    body = get(client, token, survey_id).get_json()
    assert body["contributing"] is False
    assert all(question["groups"] == [] for question in body["questions"])


def test_a_period_without_comparisons_is_404_and_a_malformed_one_422(app, client):
    survey_id, token = world(app, peers=6)
    assert get(client, token, survey_id, "?period=2019").status_code == 404
    assert get(client, token, survey_id, "?period=last-year").status_code == 422
