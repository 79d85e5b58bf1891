"""`flask demo seed` and `flask demo logins`."""

import json
from collections import Counter
from statistics import mean

from sqlalchemy import func, select

from app.accounts.models import Membership, User
from app.demo.seed import SeedOptions
from app.extensions import db
from app.organisations.models import Organisation
from app.responses.models import Answer, Response, ResponseStatus, ResponseSummary
from app.surveys.models import Survey, SurveyStatus
from tests.support import csrf_token

SMALL = ["--orgs", "40", "--responses-per-org", "30", "--seed", "7"]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def seed(runner, *extra):
    return runner.invoke(args=["demo", "seed", *SMALL, *extra])


def test_seeding_creates_the_demo_and_a_rerun_changes_nothing(app, runner):
    result = seed(runner)
    assert result.exit_code == 0, result.output
    assert "Demo data created." in result.output
    with app.app_context():
        before = (count(Organisation), count(User), count(Response), count(Answer))
    assert before[:3] == (40, 8, 40 * 30)

    again = seed(runner)
    assert again.exit_code == 0
    assert "nothing changed" in again.output
    with app.app_context():
        assert (count(Organisation), count(User), count(Response), count(Answer)) == before


def test_other_options_on_a_seeded_database_ask_for_reset(app, runner):
    seed(runner)
    result = runner.invoke(args=["demo", "seed", "--orgs", "12", "--responses-per-org", "5"])
    assert result.exit_code == 1
    assert "--reset" in result.output
    assert "--orgs 40 --responses-per-org 30 --seed 7" in result.output

    reset = runner.invoke(args=["demo", "seed", "--orgs", "12", "--responses-per-org", "5", "--reset"])
    assert reset.exit_code == 0, reset.output
    with app.app_context():
        assert (count(Organisation), count(Response)) == (12, 60)


def test_the_demo_shows_every_benchmark_outcome(app, runner):
    seed(runner)
    with app.app_context():
        groups = Counter(db.session.execute(select(Organisation.sector_code, Organisation.fylke_code)).all())
        assert max(groups.values()) >= 7, "one sector × fylke group is large enough to show"
        assert min(groups.values()) < 5, "other groups are too small to show"
        assert all(survey.status == SurveyStatus.PUBLISHED for survey in db.session.scalars(select(Survey)))
        summaries = list(db.session.scalars(select(ResponseSummary)))
        assert len(summaries) == 40, "the seed drains the summary jobs it causes"
        statuses = Counter(db.session.scalars(select(Response.status)))
        assert statuses[ResponseStatus.COMPLETE] > statuses[ResponseStatus.PARTIAL] > 0


def test_answers_differ_by_sector(app, runner):
    seed(runner)
    with app.app_context():
        rows = db.session.execute(
            select(Organisation.sector_code, Answer.number_value)
            .join(Response, Response.organisation_id == Organisation.id)
            .join(Answer, Answer.response_id == Response.id)
            .where(Answer.question_code == "recommend")
        ).all()
    by_sector: dict[str, list[float]] = {}
    for sector, value in rows:
        by_sector.setdefault(sector, []).append(value)
    means = {sector: mean(values) for sector, values in by_sector.items() if len(values) >= 50}
    assert max(means.values()) - min(means.values()) > 0.5


def test_default_options_give_tens_of_thousands_of_responses():
    defaults = SeedOptions()
    assert defaults.orgs == 60
    assert defaults.orgs * defaults.responses_per_org >= 20_000


def test_logins_json_lists_every_role_with_working_credentials(app, runner, client):
    seed(runner)
    result = runner.invoke(args=["demo", "logins", "--json"])
    assert result.exit_code == 0
    logins = json.loads(result.output)
    assert {login["role"] for login in logins} == {"owner", "editor", "viewer", "advisor", "admin"}
    assert all(set(login) == {"email", "password", "role", "organisation"} for login in logins)
    staff = [login for login in logins if login["role"] in ("advisor", "admin")]
    assert all(login["organisation"] is None for login in staff)
    members = [login for login in logins if login["organisation"]]
    assert len({login["organisation"] for login in members}) == 2
    with app.app_context():
        pair = db.session.execute(
            select(Organisation.sector_code, Organisation.fylke_code)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .distinct()
        ).all()
    assert len(pair) == 1, "the two demo organisations share sector and fylke"

    owner = next(login for login in logins if login["role"] == "owner")
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"email": owner["email"], "password": owner["password"], "csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 302
    assert owner["organisation"] in client.get("/", follow_redirects=True).text


def test_logins_without_a_seed_explain_what_to_do(runner):
    result = runner.invoke(args=["demo", "logins", "--json"])
    assert result.exit_code == 1
    assert "flask demo seed" in result.output
