"""Helpers shared by the tests: backends, services that may be missing, and app construction."""

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/grunnskjema_test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
BACKENDS = ("sqlite", "postgresql")


def unavailable(what: str) -> None:
    """Skip locally, fail in CI: a missing service must never turn into silently skipped tests there."""
    if IN_CI:
        pytest.fail(f"{what} is not available in CI", pytrace=False)
    pytest.skip(f"{what} is not available")


def ensure_postgres_database(url: str) -> str:
    """Create the test database on the local server if needed; returns the URL."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            )
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    except Exception as error:  # noqa: BLE001 - any connection failure means "not available"
        unavailable(f"PostgreSQL at {parsed.render_as_string(hide_password=True)} ({type(error).__name__})")
    finally:
        admin.dispose()
    return url


def recreate_postgres_database(url: str) -> str:
    parsed = make_url(url)
    ensure_postgres_database(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return url


def postgres_url(suffix: str = "") -> str:
    """The test database, or a sibling of it (e.g. "_browser"); TEST_DATABASE_URL names the base."""
    base = make_url(POSTGRES_URL)
    return str(base.set(database=base.database + suffix))


def database_url(backend: str, tmp_dir: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_dir / 'grunnskjema_test.sqlite'}"
    return ensure_postgres_database(postgres_url())


def make_test_app(url: str, instance_dir: Path, **overrides):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "REDIS_URL": None,
        "BACKGROUND_RUNNER": False,
        "PUBLIC_BASE_URL": "http://localhost",
    }
    config.update(overrides)
    os.environ.setdefault("APP_ENV", "testing")
    return create_app(config)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def compile_catalogs() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in (Path(__file__).resolve().parent.parent / "i18n").glob("*/LC_MESSAGES/messages.po"):
        with open(po_path, "rb") as handle:
            catalog = read_po(handle, locale=po_path.parent.parent.name)
        with open(po_path.with_suffix(".mo"), "wb") as handle:
            write_mo(handle, catalog)
