"""SQL that differs between the two supported databases."""

from collections.abc import Callable
from functools import cache, wraps

from sqlalchemy import Table, bindparam, func, insert, select
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


def insert_many(table: Table, rows: list[dict]) -> None:
    """Rows with the same keys in one statement. PostgreSQL gets one array per column, unnested: a
    short statement psycopg parses once, where a multi-row VALUES with a parameter per value is
    parsed again on every call. SQLite runs in the process, where one statement per row is cheap."""
    if dialect_name() != "postgresql":
        db.session.execute(insert(table), rows)
        return
    columns = tuple(rows[0])
    db.session.execute(
        _unnest_insert(table, columns), {name: [row[name] for row in rows] for name in columns}
    )


@cache
def _unnest_insert(table: Table, columns: tuple[str, ...]) -> Executable:
    return insert(table).from_select(columns, select(*unnested(table, columns)))


def unnested(table: Table, columns: tuple[str, ...]) -> list:
    """PostgreSQL: rows from one array parameter per column (named as the column)."""
    return [func.unnest(bindparam(name, type_=postgresql.ARRAY(table.c[name].type))) for name in columns]
