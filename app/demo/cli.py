import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.demo.models import DemoSeed
from app.demo.seed import SeedConflictError, SeedOptions, seed_demo
from app.extensions import db
from app.questionnaires.services import DefinitionError

demo_cli = AppGroup("demo", help="Demo data for trying Grunnskjema out.")


@demo_cli.command("seed")
@click.option("--orgs", default=60, show_default=True, type=click.IntRange(2, 2000), help="Organisations.")
@click.option("--responses-per-org", default=400, show_default=True, type=click.IntRange(0, 100_000))
@click.option("--seed", "random_seed", default=1, show_default=True, type=int, help="Random seed.")
@click.option("--reset", is_flag=True, help="Replace existing organisations, users, surveys and responses.")
def seed_command(orgs: int, responses_per_org: int, random_seed: int, reset: bool) -> None:
    """Create reference data, organisations, users, published surveys and synthetic responses."""
    if reset and current_app.config["APP_ENV"] == "production":
        click.echo("Refusing to --reset demo data in production.", err=True)
        sys.exit(1)
    options = SeedOptions(orgs=orgs, responses_per_org=responses_per_org, seed=random_seed)
    try:
        changed, _ = seed_demo(options, reset=reset)
    except (SeedConflictError, DefinitionError) as error:
        db.session.rollback()
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(
        "Demo data created." if changed else "Demo data already present with these options; nothing changed."
    )


@demo_cli.command("logins")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def logins_command(as_json: bool) -> None:
    """Print the demo logins."""
    seeded = db.session.scalar(select(DemoSeed))
    if seeded is None:
        click.echo("No demo data; run `flask demo seed` first.", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(seeded.logins, ensure_ascii=False, indent=2))
        return
    width = max(len(login["email"]) for login in seeded.logins)
    click.echo(f"{'E-mail':<{width}}  {'Password':<18}  {'Role':<8}  Organisation")
    for login in seeded.logins:
        organisation = login["organisation"] or "-"
        click.echo(f"{login['email']:<{width}}  {login['password']:<18}  {login['role']:<8}  {organisation}")
