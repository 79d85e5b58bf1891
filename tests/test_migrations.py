"""Alembic migrations build the schema the models describe, on SQLite and PostgreSQL, with data in place."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from app.demo.seed import SeedOptions, seed_demo
from app.extensions import db, migrate
from app.responses.models import Answer, Response
from tests.support import BACKENDS, POSTGRES_URL, make_test_app, recreate_postgres_database


@pytest.fixture
def empty_database_app(request, tmp_path):
    backend = request.param
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    else:
        url = recreate_postgres_database(str(make_url(POSTGRES_URL).set(database="grunnskjema_migrations")))
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


@pytest.mark.parametrize("empty_database_app", BACKENDS, indirect=True)
def test_upgrading_keeps_seeded_data(empty_database_app):
    revisions = revisions_oldest_first(empty_database_app)
    upgrade(revision=revisions[0])
    seed_demo(SeedOptions(orgs=6, responses_per_org=15, seed=3))
    before = (
        db.session.scalar(select(func.count()).select_from(Response)),
        db.session.scalar(select(func.count()).select_from(Answer)),
    )
    db.session.remove()

    upgrade()
    upgrade()  # a second run on an up-to-date database is a no-op

    after = (
        db.session.scalar(select(func.count()).select_from(Response)),
        db.session.scalar(select(func.count()).select_from(Answer)),
    )
    assert before == after
    assert before[0] == 6 * 15
    assert schema_differences() == []


@pytest.mark.parametrize("empty_database_app", BACKENDS, indirect=True)
def test_downgrading_to_nothing_and_up_again_works(empty_database_app):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert schema_differences() == []
