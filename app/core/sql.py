"""SQL that differs between the two supported databases."""

from collections.abc import Callable
from functools import wraps

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Executable

from app.extensions import db


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def upsert_insert(model):
    """An INSERT that can say ON CONFLICT DO NOTHING, for the database in use (PostgreSQL or SQLite).
    It targets the model's table: a Core statement skips the ORM's bulk-insert bookkeeping, which
    costs more than the INSERT itself on the submission path."""
    return (postgresql.insert if dialect_name() == "postgresql" else sqlite.insert)(model.__table__)


def built_once(build: Callable[[], Executable]) -> Callable[[], Executable]:
    """A statement built once per database dialect and reused, its values given at execution. Building
    a statement and its cache key on every request costs more CPU than running it."""
    statements: dict[str, Executable] = {}

    @wraps(build)
    def statement() -> Executable:
        dialect = dialect_name()
        if dialect not in statements:
            statements[dialect] = build()
        return statements[dialect]

    return statement
