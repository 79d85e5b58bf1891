"""SQL that differs between the two supported databases."""

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def upsert_insert(model):
    """An INSERT that can say ON CONFLICT DO NOTHING, for the database in use (PostgreSQL or SQLite)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
