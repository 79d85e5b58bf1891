"""Test fixtures: the app on SQLite and on PostgreSQL, and per-test clean tables.

Tests that take the `app` fixture run once per backend. With CI=true a missing PostgreSQL,
Redis or Chromium fails the run instead of skipping tests.
"""

from collections import Counter

import pytest

import app.models  # noqa: F401  (every model mapped, also for tests that build objects without an app)
from app.extensions import db
from tests.support import (
    BACKENDS,
    REDIS_URL,
    compile_catalogs,
    database_url,
    make_test_app,
    recreate_postgres_database,
    unavailable,
)


@pytest.fixture(scope="session", params=BACKENDS)
def app(request, tmp_path_factory):
    """The app on one backend, schema created from the models (migrations have their own tests)."""
    backend = request.param
    url = database_url(backend, tmp_path_factory.mktemp(backend))
    if backend == "postgresql":
        # A fresh database: connections left behind by an interrupted run cannot block this one.
        recreate_postgres_database(url)
    application = make_test_app(url, tmp_path_factory.mktemp("instance"))
    application.config["TEST_BACKEND"] = backend
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Every test that uses the app starts with empty tables and leaves none of its rows behind."""
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    yield
    # Ids are reused once tables are emptied, so per-app caches keyed by id go with them.
    application.extensions.pop("published_revisions", None)
    with application.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def redis_connection():
    """The test Redis database, empty before and after; skips the test (fails it in CI) without Redis."""
    from redis import Redis

    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except Exception as error:  # noqa: BLE001 - any failure means Redis is not there
        unavailable(f"Redis at {REDIS_URL} ({type(error).__name__})")
    connection.flushdb()
    yield connection
    connection.flushdb()


@pytest.fixture
def rq_app(app, redis_connection, tmp_path):
    """The app under test, on the same database, with Redis configured; jobs run in it."""
    from workers import context

    application = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, REDIS_URL=REDIS_URL)
    context.use_app(application)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()
    context.use_app(None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say how many tests ran on each backend, and how many browser and RQ tests ran."""
    per_backend: Counter = Counter()
    kinds: Counter = Counter()
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", []):
        if report.when != "call":
            continue
        item_keywords = report.keywords
        backend = next((b for b in BACKENDS if f"[{b}" in report.nodeid or f"-{b}" in report.nodeid), None)
        if backend:
            per_backend[backend] += 1
        for marker in ("browser", "rq"):
            if marker in item_keywords:
                kinds[marker] += 1
    terminalreporter.write_sep("-", "tests that ran, by backend and kind")
    for backend in BACKENDS:
        terminalreporter.write_line(f"{backend}: {per_backend[backend]} tests")
    terminalreporter.write_line(f"browser (Chromium, PostgreSQL): {kinds['browser']} tests")
    terminalreporter.write_line(f"rq (real Redis and worker): {kinds['rq']} tests")


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs():
    """Compile the message catalogs so that pages speak Bokmål and Nynorsk, as `make` does."""
    compile_catalogs()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request):
    """Rate-limit counts belong to one test: the app lives for the session, attempts should not."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").extensions.pop("grunnskjema_rate_counter", None)
    yield
