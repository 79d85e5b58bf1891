"""Alembic migrations build the schema the models describe, on SQLite and PostgreSQL, with data in place."""

import hashlib
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, func, insert, inspect, select

from app.accounts.models import User
from app.benchmarks.distributions import unpack
from app.benchmarks.models import BenchmarkContribution, BenchmarkSnapshot
from app.benchmarks.snapshots import fingerprint
from app.demo.seed import SeedOptions, seed_demo
from app.extensions import db, migrate
from app.organisations.models import Organisation, ReviewRule
from app.organisations.services import create_organisation
from app.reference.services import load_reference_data
from app.responses.models import Response
from tests.support import BACKENDS, make_test_app, postgres_url, recreate_postgres_database


@pytest.fixture
def empty_database_app(request, tmp_path):
    backend = request.param
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    else:
        url = recreate_postgres_database(postgres_url("_migrations"))
    application = make_test_app(url, tmp_path)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


def schema_differences() -> list:
    with db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), db.metadata)


def revisions_oldest_first(application) -> list[str]:
    script = ScriptDirectory.from_config(migrate.get_config(application.extensions["migrate"].directory))
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


@pytest.mark.parametrize("empty_database_app", BACKENDS, indirect=True)
def test_upgrading_an_empty_database_gives_exactly_the_models_schema(empty_database_app):
    upgrade()
    assert schema_differences() == []


def insert_rows_with_the_schema_of_the_time() -> None:
    """Data written by the first revision's code: reflected tables, so no model of today is involved."""
    tables = MetaData()
    tables.reflect(bind=db.engine)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with db.engine.begin() as conn:
        conn.execute(
            insert(tables.tables["organisation"]).values(
                id=1,
                name="Scene Vest",
                orgnr="923609016",
                sector_code="theatre",
                fylke_code="46",
                country_code="NO",
                is_member=True,
                benchmark_opt_in=True,
                created_at=now,
            )
        )
        conn.execute(
            insert(tables.tables["user_account"]).values(
                id=1,
                email="eier@example.org",
                name="Eier",
                locale="nb",
                is_active_account=True,
                session_generation=0,
                created_at=now,
            )
        )
        conn.execute(
            insert(tables.tables["membership"]).values(
                user_id=1, organisation_id=1, role="owner", created_at=now
            )
        )
        conn.execute(
            insert(tables.tables["survey"]).values(
                id=1, organisation_id=1, title="Vår 2026", status="published", created_at=now, updated_at=now
            )
        )
        conn.execute(
            insert(tables.tables["survey_revision"]).values(
                id=1, survey_id=1, number=1, definition={"kind": "survey"}, created_at=now, published_at=now
            )
        )
        conn.execute(
            insert(tables.tables["response"]).values(
                id=1,
                survey_id=1,
                survey_revision_id=1,
                organisation_id=1,
                status="complete",
                language="nb",
                is_test=False,
                is_imported=False,
                submission_key="k1",
                started_at=now,
                submitted_at=now,
            )
        )
        conn.execute(
            insert(tables.tables["answer"]),
            [
                {"response_id": 1, "question_code": "recommend", "option_code": None, "number_value": 9.0},
                {
                    "response_id": 1,
                    "question_code": "came_with",
                    "option_code": "friends",
                    "number_value": None,
                },
                {
                    "response_id": 1,
                    "question_code": "came_with",
                    "option_code": "partner",
                    "number_value": None,
                },
            ],
        )


@pytest.mark.parametrize("empty_database_app", BACKENDS, indirect=True)
def test_every_upgrade_step_keeps_data_written_before_it(empty_database_app):
    revisions = revisions_oldest_first(empty_database_app)
    upgrade(revision=revisions[0])
    insert_rows_with_the_schema_of_the_time()

    for revision in revisions[1:]:
        upgrade(revision=revision)
    upgrade()  # a second run on an up-to-date database is a no-op

    assert schema_differences() == []
    organisation = db.session.get(Organisation, 1)
    assert (organisation.name, organisation.review_rule) == ("Scene Vest", ReviewRule.FIRST_SURVEY)
    assert db.session.get(User, 1).email == "eier@example.org"
    answers = sorted(db.session.get(Response, 1).answers, key=lambda answer: answer.id)
    assert answers[0].number_value == 9.0
    # Rows stored before answers were numbered take their places in the order they were written.
    assert [(answer.option_code, answer.ordinal) for answer in answers] == [
        (None, 1),
        ("friends", 1),
        ("partner", 2),
    ]


@pytest.mark.parametrize("empty_database_app", BACKENDS, indirect=True)
def test_the_demo_seeds_onto_a_migrated_database(empty_database_app):
    upgrade()
    seed_demo(SeedOptions(orgs=6, responses_per_org=15, seed=3))
    assert db.session.scalar(select(func.count()).select_from(Response)) == 6 * 15
    assert schema_differences() == []


@pytest.mark.parametrize("empty_database_app", BACKENDS, indirect=True)
def test_downgrading_to_nothing_and_up_again_works(empty_database_app):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert schema_differences() == []


@pytest.mark.parametrize("empty_database_app", BACKENDS, indirect=True)
def test_published_snapshots_keep_their_figures_and_members_across_the_snapshot_layout_change(
    empty_database_app,
):
    upgrade(revision="0010_results")
    tables = MetaData()
    tables.reflect(bind=db.engine)
    old_members = {"7": ["a" * 40, 120], "12": ["b" * 40, 80]}
    old_values = {"first": [0.25, 0.5], "second": [0.75]}
    with db.engine.begin() as conn:
        conn.execute(
            insert(tables.tables["benchmark_snapshot"]).values(
                id=1,
                period="2025",
                group_key="country:NO",
                group_kind="country",
                question_key="came_with",
                organisation_count=2,
                response_count=200,
                members=old_members,
                totals={"": [200, None, None]},
                organisation_values=old_values,
                computed_at=datetime(2026, 1, 1, tzinfo=UTC),
                generation=3,
                withdrawn=False,
            )
        )

    upgrade()
    snapshot = db.session.get(BenchmarkSnapshot, 1)
    assert snapshot.members == {"7": 120, "12": 80}
    assert snapshot.fingerprints == {"7": "a" * 40, "12": "b" * 40}
    # Members in id order, as compute_snapshots digests them: an unchanged membership stays unchanged.
    expected = hashlib.sha1(f"7:{'a' * 40},12:{'b' * 40}".encode(), usedforsecurity=False).hexdigest()
    assert snapshot.membership_digest == expected
    values = unpack(snapshot.distribution_index, snapshot.distributions)
    assert {measure: list(sorted_values) for measure, sorted_values in values.items()} == old_values
    assert (snapshot.totals, snapshot.generation) == ({"": [200, None, None]}, 3)
    db.session.remove()

    downgrade(revision="0010_results")
    tables = MetaData()
    tables.reflect(bind=db.engine)
    with db.engine.connect() as conn:
        row = conn.execute(select(tables.tables["benchmark_snapshot"])).mappings().one()
    assert (row["members"], row["organisation_values"]) == (old_members, old_values)


@pytest.mark.parametrize("empty_database_app", BACKENDS, indirect=True)
def test_published_nps_contributions_take_the_count_only_form_with_their_snapshots(empty_database_app):
    upgrade(revision="0012_benchmark_rebuild")
    load_reference_data()
    organisation = create_organisation("Scene Vest", "923609016", "theatre", "46")
    db.session.flush()
    with_sums = {"": [40, 1.0, 2.0], "promoter": [18, 171.0, 1629.0], "passive": [12, 90.0, 680.0]}
    old_print = fingerprint(with_sums)
    db.session.add(
        BenchmarkContribution(
            organisation_id=organisation.id,
            period="2025",
            question_key="recommend",
            fingerprint=old_print,
            cells=with_sums,
        )
    )
    db.session.add(
        BenchmarkSnapshot(
            period="2025",
            group_key="country:NO",
            group_kind="country",
            question_key="recommend",
            organisation_count=1,
            response_count=40,
            members={str(organisation.id): 40},
            fingerprints={str(organisation.id): old_print},
            membership_digest="old",
            totals={},
            distribution_index=[],
            distributions=b"",
        )
    )
    db.session.commit()

    upgrade()
    counts_only = {"": [40, 1.0, 2.0], "promoter": [18, None, None], "passive": [12, None, None]}
    contribution = db.session.scalars(select(BenchmarkContribution)).one()
    assert (contribution.cells, contribution.fingerprint) == (counts_only, fingerprint(counts_only))
    snapshot = db.session.scalars(select(BenchmarkSnapshot)).one()
    # What compute_snapshots computes from the rebuilt cells: the membership counts as unchanged.
    assert snapshot.fingerprints == {str(organisation.id): fingerprint(counts_only)}
    expected = hashlib.sha1(
        f"{organisation.id}:{fingerprint(counts_only)}".encode(), usedforsecurity=False
    ).hexdigest()
    assert snapshot.membership_digest == expected
