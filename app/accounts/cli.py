"""`flask user ...`: user accounts from the command line, for bootstrapping a deployment."""

import re
import sys

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from app.accounts.invitations import MembershipError, add_member
from app.accounts.models import GlobalRole, OrgRole
from app.accounts.services import AccountError, PasswordError, create_user, find_user_by_email
from app.extensions import db
from app.organisations.models import Organisation

user_cli = AppGroup("user", help="User accounts.")

ORG_ROLES = tuple(role.value for role in OrgRole)
GLOBAL_ROLES = tuple(role.value for role in GlobalRole)
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def fail(message: str) -> None:
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@user_cli.command("create")
@click.option("--email", required=True, help="The user's e-mail address (used to log in).")
@click.option(
    "--role",
    required=True,
    type=click.Choice(ORG_ROLES + GLOBAL_ROLES),
    help="owner/editor/viewer in the organisation given with --org, or advisor/admin for NPU staff.",
)
@click.option("--org", "orgnr", default=None, help="Organisasjonsnummer of the organisation (org roles).")
@click.option("--password", default=None, help="Initial password; asked for (hidden, twice) when left out.")
@click.option("--name", default="", help="The user's name.")
def create_command(email: str, role: str, orgnr: str | None, password: str | None, name: str) -> None:
    """Create a user, or give an existing user a role in one more organisation."""
    email = email.strip().lower()
    with force_locale("en"):
        if not EMAIL_PATTERN.match(email) or len(email) > 254:
            fail(f"'{email}' is not a valid e-mail address")
        organisation = None
        if role in ORG_ROLES:
            if not orgnr:
                fail(f"the role {role} belongs to an organisation: give --org ORGNR")
            orgnr = "".join(orgnr.split())
            organisation = db.session.scalar(select(Organisation).where(Organisation.orgnr == orgnr))
            if organisation is None:
                fail(f"no organisation has organisasjonsnummer {orgnr}")
        elif orgnr:
            fail(f"the role {role} is for NPU staff and belongs to no organisation: leave out --org")

        try:
            existing = find_user_by_email(email)
            if existing is not None and organisation is not None:
                add_member(existing, organisation, OrgRole(role))
                db.session.commit()
                place = f"{organisation.name} (orgnr {organisation.orgnr})"
                click.echo(f"Added existing user {email} as {role} of {place}")
                if password is not None:
                    click.echo("The user already had a password; it is left unchanged.")
                return
            if password is None and existing is None:
                password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
            global_role = GlobalRole(role) if role in GLOBAL_ROLES else None
            user = create_user(email, password or "", name, global_role)
            if organisation is not None:
                add_member(user, organisation, OrgRole(role))
        except (AccountError, PasswordError, MembershipError) as error:
            fail(str(error))
        db.session.commit()

    if organisation is not None:
        place = f"{organisation.name} (orgnr {organisation.orgnr})"
        click.echo(f"Created user {user.email} (id {user.id}), {role} of {place}")
    else:
        click.echo(f"Created user {user.email} (id {user.id}), NPU {role}")
        click.echo("They must set up two-factor sign-in the first time they log in.")
