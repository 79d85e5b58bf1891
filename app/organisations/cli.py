"""`flask org ...`: organisations from the command line, for bootstrapping a deployment."""

import sys

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from app.extensions import db
from app.organisations.services import OrganisationError, create_organisation
from app.reference.services import load_reference_data

org_cli = AppGroup("org", help="Organisations.")


def fail(message: str) -> None:
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@org_cli.command("create")
@click.option("--name", required=True, help="The organisation's name.")
@click.option("--orgnr", required=True, help="Organisasjonsnummer: 9 digits with a MOD11 check digit.")
@click.option("--sector", required=True, help="Sector code, e.g. theatre.")
@click.option("--fylke", required=True, help="Current fylke code, e.g. 46.")
@click.option("--country", default="NO", show_default=True, help="Country code.")
@click.option("--size-band", default=None, help="Size band code, e.g. fte_5_19.")
@click.option("--member/--non-member", "is_member", default=True, show_default=True, help="Member of NPU.")
def create_command(
    name: str, orgnr: str, sector: str, fylke: str, country: str, size_band: str | None, is_member: bool
) -> None:
    """Create an organisation (loads the reference lists first, so a fresh database works)."""
    with force_locale("en"):
        if not name.strip():
            fail("The organisation needs a name.")
        load_reference_data()
        try:
            organisation = create_organisation(
                name=name,
                orgnr="".join(orgnr.split()),
                sector=sector.strip(),
                fylke=fylke.strip(),
                country=country.strip().upper(),
                size_band=size_band.strip() if size_band else None,
                is_member=is_member,
            )
        except OrganisationError as error:
            fail(str(error))
        db.session.commit()
    click.echo(f"Created organisation {organisation.name} (orgnr {organisation.orgnr}), id {organisation.id}")
