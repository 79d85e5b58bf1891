"""Organisations: validation of their identifying data and creation."""

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.organisations.models import Organisation
from app.reference.services import reference_codes

ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


class OrganisationError(ValueError):
    """A value an organisation cannot have; `field` names the form field it came from."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def orgnr_check_digit(first_eight: str) -> int | None:
    """The MOD11 check digit for the first eight digits, or None where no valid number exists."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, ORGNR_WEIGHTS, strict=True)) % 11
    digit = 11 - remainder
    if digit == 11:
        return 0
    return None if digit == 10 else digit


def is_valid_orgnr(orgnr: str) -> bool:
    if len(orgnr) != 9 or not orgnr.isdigit():
        return False
    return orgnr_check_digit(orgnr[:8]) == int(orgnr[8])


def validate_organisation_fields(
    orgnr: str,
    sector: str,
    fylke: str,
    country: str,
    size_band: str | None,
    organisation_id: int | None = None,
) -> None:
    if not is_valid_orgnr(orgnr):
        raise OrganisationError(
            _(
                "'%(orgnr)s' is not a valid organisasjonsnummer (9 digits with a MOD11 check digit)",
                orgnr=orgnr,
            ),
            "orgnr",
        )
    taken = db.session.scalar(select(Organisation.id).where(Organisation.orgnr == orgnr))
    if taken is not None and taken != organisation_id:
        raise OrganisationError(
            _("Another organisation is registered with organisasjonsnummer %(orgnr)s", orgnr=orgnr), "orgnr"
        )
    if sector not in reference_codes("sector"):
        raise OrganisationError(_("unknown sector '%(code)s'", code=sector), "sector")
    if fylke not in reference_codes("fylke", current_only=True):
        raise OrganisationError(_("unknown or historic fylke '%(code)s'", code=fylke), "fylke")
    if country not in reference_codes("country"):
        raise OrganisationError(_("unknown country '%(code)s'", code=country))
    if size_band is not None and size_band not in reference_codes("size_band"):
        raise OrganisationError(_("unknown size band '%(code)s'", code=size_band), "size_band")


def create_organisation(
    name: str,
    orgnr: str,
    sector: str,
    fylke: str,
    country: str = "NO",
    size_band: str | None = None,
    is_member: bool = True,
    benchmark_opt_in: bool = True,
) -> Organisation:
    validate_organisation_fields(orgnr, sector, fylke, country, size_band)
    organisation = Organisation(
        name=name.strip(),
        orgnr=orgnr,
        sector_code=sector,
        fylke_code=fylke,
        country_code=country,
        size_band_code=size_band,
        is_member=is_member,
        benchmark_opt_in=benchmark_opt_in,
    )
    db.session.add(organisation)
    db.session.flush()
    return organisation
