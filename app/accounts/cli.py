"""`flask user ...`: user accounts from the command line, for bootstrapping a deployment."""

import re
import sys

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from app.accounts.models import GlobalRole, Membership, OrgRole, User
from app.accounts.passwords import hash_password
from app.accounts.services import PasswordError, check_new_password, find_user_by_email
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

        existing = find_user_by_email(email)
        if existing is not None:
            if organisation is None:
                fail(f"a user with the e-mail address {email} already exists")
            add_membership(existing, organisation, OrgRole(role))
            if password is not None:
                click.echo("The user already had a password; it is left unchanged.")
            return

        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            check_new_password(password, email)
        except PasswordError as error:
            fail(str(error))

        user = User(
            email=email,
            name=name.strip(),
            password_hash=hash_password(password),
            global_role=GlobalRole(role) if role in GLOBAL_ROLES else None,
        )
        db.session.add(user)
        if organisation is not None:
            db.session.add(Membership(user=user, organisation=organisation, role=OrgRole(role)))
        db.session.commit()

    if organisation is not None:
        click.echo(
            f"Created user {user.email} (id {user.id}), {role} of {organisation.name} "
            f"(orgnr {organisation.orgnr})"
        )
    else:
        click.echo(f"Created user {user.email} (id {user.id}), NPU {role}")
        click.echo("They must set up two-factor sign-in the first time they log in.")


def add_membership(user: User, organisation: Organisation, role: OrgRole) -> None:
    already = db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.organisation_id == organisation.id)
    )
    if already is not None:
        fail(f"{user.email} is already a member of {organisation.name} (as {already.role.value})")
    db.session.add(Membership(user=user, organisation=organisation, role=role))
    db.session.commit()
    click.echo(
        f"Added existing user {user.email} as {role.value} of {organisation.name} "
        f"(orgnr {organisation.orgnr})"
    )
