"""`flask responses purge-expired`: the retention purge by hand (daily through RQ's cron with Redis)."""

import click
from flask.cli import with_appcontext

from app.extensions import db
from app.responses.lifecycle import purge_expired_responses


@click.command("purge-expired")
@with_appcontext
def purge_expired_command() -> None:
    """Delete responses older than their organisation's retention period."""
    purged = purge_expired_responses()
    db.session.commit()
    click.echo(f"deleted {purged} response(s) past their organisation's retention period")
