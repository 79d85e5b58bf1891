import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.jobs.services import record_job

benchmarks_cli = AppGroup("benchmarks", help="Anonymised peer comparisons.")


@benchmarks_cli.command("recompute")
def recompute_command() -> None:
    """Rebuild all statistics and snapshots (enqueued when Redis is configured)."""
    if current_app.config["REDIS_URL"]:
        job_id = record_job("recompute_benchmarks")
        db.session.commit()
        click.echo(
            "the recompute is already waiting to run" if job_id is None else f"enqueued as job {job_id}"
        )
        return
    from app.benchmarks.services import recompute_benchmarks

    report = recompute_benchmarks()
    db.session.commit()
    click.echo(
        f"{report.written} snapshot(s) published, {report.held_back} held back until more organisations "
        f"change, {report.withdrawn} withdrawn, {report.unchanged} unchanged, {report.removed} removed"
    )
