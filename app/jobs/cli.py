import click
from flask.cli import AppGroup

from app.jobs.dispatch import dispatcher
from app.jobs.services import run_due_jobs

jobs_cli = AppGroup("jobs", help="Background work.")


@jobs_cli.command("run")
def run_command() -> None:
    """Run every due background job in this process (deployments without Redis)."""
    click.echo(f"ran {run_due_jobs()} job(s)")


@jobs_cli.command("sweep")
def sweep_command() -> None:
    """Hand work left pending (after a crash or a Redis outage) to the runner again."""
    dispatcher().sweep()
    click.echo("sweep done")


@jobs_cli.command("purge-partials")
def purge_partials_command() -> None:
    """Delete unfinished responses older than 30 days (daily through RQ's cron when Redis is used)."""
    from app.answering.flow import purge_stale_partials
    from app.extensions import db

    purged = purge_stale_partials()
    db.session.commit()
    click.echo(f"deleted {purged} unfinished response(s)")
