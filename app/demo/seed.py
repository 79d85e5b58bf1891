"""`flask demo seed`: reference data, organisations, users, published surveys and synthetic responses."""

import random
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select

from app.accounts.models import GlobalRole, Membership, OrgRole, User
from app.accounts.passwords import hash_password
from app.benchmarks.models import (
    BenchmarkCell,
    BenchmarkContribution,
    BenchmarkQuestionMap,
    BenchmarkSnapshot,
    BenchmarkWatermark,
)
from app.benchmarks.snapshots import compute_snapshots
from app.demo.answers import AnswerGenerator, AudienceProfile
from app.demo.models import DemoSeed
from app.demo.organisations import plan_organisations
from app.extensions import db
from app.jobs.models import PendingJob
from app.jobs.services import record_job, run_due_jobs
from app.organisations.models import Organisation
from app.organisations.services import create_organisation
from app.questionnaires.services import current_base_version, load_definitions
from app.reference.services import load_reference_data
from app.responses.models import Answer, Response, ResponseStatus, ResponseSummary
from app.responses.services import ordinals
from app.surveys.models import Collector, Survey, SurveyRevision
from app.surveys.services import new_survey_from_base, publish

DEMO_EMAIL_DOMAIN = "demo.grunnskjema.no"
# Responses are spread over this period so that the demo has quarters and years to compare.
PERIOD_START = datetime(2025, 1, 1, tzinfo=UTC)
PERIOD_END = datetime(2026, 11, 1, tzinfo=UTC)
PARTIAL_SHARE = 0.08
BATCH_SIZE = 2000


class SeedConflictError(Exception):
    """The database holds demo data made with other options."""


@dataclass(frozen=True)
class SeedOptions:
    orgs: int = 60
    responses_per_org: int = 400
    seed: int = 1


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: str
    organisation: str | None


def seed_demo(options: SeedOptions, reset: bool = False) -> tuple[bool, list[DemoLogin]]:
    """Create the demo; returns (whether anything changed, the demo logins)."""
    existing = db.session.scalar(select(DemoSeed))
    if existing is not None:
        if existing.options == asdict(options) and not reset:
            return False, [DemoLogin(**login) for login in existing.logins]
        if not reset:
            raise SeedConflictError(
                f"the database was seeded with {_describe(existing.options)}; "
                "rerun with --reset to replace the demo data"
            )
    if reset or db.session.scalar(select(Organisation.id).limit(1)) is not None:
        if not reset:
            raise SeedConflictError("the database already holds organisations; rerun with --reset")
        clear_tenant_data()

    load_reference_data()
    load_definitions()
    base = current_base_version()
    rng = random.Random(options.seed)
    organisations = [
        create_organisation(
            name=plan.name,
            orgnr=plan.orgnr,
            sector=plan.sector,
            fylke=plan.fylke,
            size_band=plan.size_band,
            benchmark_opt_in=plan.benchmark_opt_in,
        )
        for plan in plan_organisations(options.orgs, rng)
    ]
    logins = _create_users(organisations)
    generator = AnswerGenerator(base.definition, rng)
    for organisation in organisations:
        survey, revision = new_survey_from_base(organisation, "Publikumsundersøkelse 2026", base)
        collector = publish(survey, revision, "Nettside og nyhetsbrev")
        profile = AudienceProfile.for_organisation(organisation.sector_code, organisation.fylke_code, rng)
        _insert_responses(revision, collector, profile, generator, options.responses_per_org, rng)
        record_job("aggregate_responses", survey_id=survey.id)
    db.session.add(DemoSeed(options=asdict(options), logins=[asdict(login) for login in logins]))
    db.session.commit()
    run_due_jobs()
    # The nightly snapshot, now: the comparison page has figures from the first login.
    compute_snapshots()
    db.session.commit()
    return True, logins


def _describe(options: dict) -> str:
    return " ".join(
        f"--{field.name.replace('_', '-')} {options[field.name]}" for field in fields(SeedOptions)
    )


def clear_tenant_data() -> None:
    """Remove organisations, users, surveys and responses; shared definitions and reference data stay."""
    for model in (
        BenchmarkSnapshot,
        BenchmarkContribution,
        BenchmarkCell,
        BenchmarkWatermark,
        BenchmarkQuestionMap,
        Answer,
        Response,
        ResponseSummary,
        Collector,
        SurveyRevision,
        Survey,
        PendingJob,
        Membership,
        User,
        Organisation,
        DemoSeed,
    ):
        db.session.execute(delete(model))
    db.session.flush()


def _create_users(organisations: list[Organisation]) -> list[DemoLogin]:
    """Owner, editor and viewer for the first two organisations of the largest group, plus NPU staff."""
    pair = [
        o
        for o in organisations
        if (o.sector_code, o.fylke_code) == (organisations[0].sector_code, organisations[0].fylke_code)
    ][:2]
    logins = []
    for number, organisation in enumerate(pair, start=1):
        for role in OrgRole:
            login = DemoLogin(
                f"{role.value}{number}@{DEMO_EMAIL_DOMAIN}",
                f"demo-{role.value}-{number}",
                role.value,
                organisation.name,
            )
            user = _user(login, None)
            db.session.add(Membership(user=user, organisation=organisation, role=role))
            logins.append(login)
    for role in GlobalRole:
        login = DemoLogin(f"{role.value}@{DEMO_EMAIL_DOMAIN}", f"demo-{role.value}", role.value, None)
        _user(login, role)
        logins.append(login)
    db.session.flush()
    return logins


def _user(login: DemoLogin, global_role: GlobalRole | None) -> User:
    name = login.email.split("@")[0].capitalize()
    user = User(
        email=login.email, name=name, password_hash=hash_password(login.password), global_role=global_role
    )
    db.session.add(user)
    return user


def _insert_responses(revision, collector, profile, generator, count, rng) -> None:
    span = (PERIOD_END - PERIOD_START).total_seconds()
    pending: list[tuple[dict, list]] = []
    for number in range(count):
        complete = rng.random() >= PARTIAL_SHARE
        values, screened_out = generator.respond(profile, complete=complete)
        started = PERIOD_START + timedelta(seconds=rng.random() * span)
        duration = max(40, round(rng.gauss(260, 90)))
        status = (
            ResponseStatus.SCREENED_OUT
            if screened_out
            else ResponseStatus.COMPLETE
            if complete
            else ResponseStatus.PARTIAL
        )
        row = {
            "survey_id": revision.survey_id,
            "survey_revision_id": revision.id,
            "collector_id": collector.id,
            "organisation_id": collector.survey.organisation_id,
            "status": status,
            "language": rng.choices(["nb", "nn", "en"], [85, 10, 5])[0],
            "is_test": False,
            "is_imported": False,
            "submission_key": f"demo-{revision.id}-{number}",
            "started_at": started,
            "submitted_at": started + timedelta(seconds=duration)
            if status != ResponseStatus.PARTIAL
            else None,
            "duration_seconds": duration if status == ResponseStatus.COMPLETE else None,
        }
        pending.append((row, values))
        if len(pending) >= BATCH_SIZE:
            _flush_batch(pending)
            pending = []
    if pending:
        _flush_batch(pending)


def _flush_batch(batch: list[tuple[dict, list]]) -> None:
    ids = db.session.scalars(
        insert(Response).returning(Response.id, sort_by_parameter_order=True), [row for row, _ in batch]
    ).all()
    answers = [
        {
            "response_id": response_id,
            "question_code": value.question_code,
            "option_code": value.option_code,
            "number_value": value.number_value,
            "text_value": value.text_value,
            "ordinal": ordinal,
        }
        for response_id, (_, values) in zip(ids, batch, strict=True)
        for value, ordinal in zip(values, ordinals(values), strict=True)
    ]
    if answers:
        db.session.execute(insert(Answer), answers)
