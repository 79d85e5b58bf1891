"""SQL that differs between the two supported databases."""

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def upsert_insert(model):
    """An INSERT that can say ON CONFLICT DO NOTHING, for the database in use (PostgreSQL or SQLite).
    It targets the model's table: a Core statement skips the ORM's bulk-insert bookkeeping, which
    costs more than the INSERT itself on the submission path."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model.__table__)
