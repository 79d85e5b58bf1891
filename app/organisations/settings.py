"""Organisation settings: identifying data, benchmark participation, and the look of respondent pages."""

import re

from flask_babel import format_decimal
from flask_babel import gettext as _

from app.organisations.models import Organisation, ReviewRule
from app.organisations.services import OrganisationError, validate_organisation_fields

COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
# Buttons and links in the accent colour sit on white with white text on top: both need 4.5:1.
MIN_CONTRAST = 4.5
MAX_LOGO_BYTES = 256 * 1024
LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    return 1.05 / (relative_luminance(colour) + 0.05)


def check_accent_colour(colour: str) -> str:
    if not COLOUR_PATTERN.match(colour):
        raise OrganisationError(
            _("Give the colour as # followed by six hexadecimal digits, e.g. #0b5394."), "accent_colour"
        )
    ratio = contrast_with_white(colour)
    if ratio < MIN_CONTRAST:
        raise OrganisationError(
            _(
                "The colour has a contrast of %(ratio)s:1 against white; at least 4.5:1 is needed so that "
                "text on it stays readable. Choose a darker colour.",
                ratio=format_decimal(ratio, format="0.0"),
            ),
            "accent_colour",
        )
    return colour.lower()


def logo_content_type(data: bytes) -> str:
    if len(data) > MAX_LOGO_BYTES:
        raise OrganisationError(_("The logo may be at most 256 KB."), "logo")
    for signature, content_type in LOGO_SIGNATURES.items():
        if data.startswith(signature):
            return content_type
    raise OrganisationError(_("The logo must be a PNG or JPEG image."), "logo")


def update_profile(
    organisation: Organisation,
    *,
    name: str,
    orgnr: str,
    sector: str,
    fylke: str,
    size_band: str | None,
    benchmark_opt_in: bool,
) -> None:
    """The organisation's identifying data. Raises OrganisationError naming the bad value."""
    if not name.strip():
        raise OrganisationError(_("The organisation needs a name."), "name")
    validate_organisation_fields(orgnr, sector, fylke, organisation.country_code, size_band, organisation.id)
    organisation.name = name.strip()
    organisation.orgnr = orgnr
    organisation.sector_code = sector
    organisation.fylke_code = fylke
    organisation.size_band_code = size_band
    organisation.benchmark_opt_in = benchmark_opt_in


ORIGIN_PATTERN = re.compile(r"^https://[a-z0-9.-]+\.[a-z]{2,}(:\d{1,5})?$")
MAX_EMBED_ORIGINS = 10


def check_embed_origins(text: str) -> list[str]:
    """One origin per line, such as https://www.teateret.no; used in the survey pages' frame-ancestors."""
    origins = [line.strip().rstrip("/").lower() for line in text.splitlines() if line.strip()]
    for origin in origins:
        if not ORIGIN_PATTERN.match(origin):
            raise OrganisationError(
                _("“%(origin)s” is not a web address such as https://www.example.no.", origin=origin),
                "embed_origins",
            )
    if len(origins) > MAX_EMBED_ORIGINS:
        raise OrganisationError(
            _("Give at most %(count)d addresses.", count=MAX_EMBED_ORIGINS), "embed_origins"
        )
    return list(dict.fromkeys(origins))


def update_appearance(
    organisation: Organisation,
    *,
    accent_colour: str | None,
    logo: bytes | None,
    remove_logo: bool,
    embed_origins: str = "",
) -> None:
    """The look of the organisation's respondent pages, and the sites that may embed them."""
    organisation.embed_origins = check_embed_origins(embed_origins) or None
    organisation.accent_colour = check_accent_colour(accent_colour) if accent_colour else None
    if logo:
        organisation.logo_content_type = logo_content_type(logo)
        organisation.logo = logo
    elif remove_logo:
        organisation.logo = organisation.logo_content_type = None


def update_npu_terms(organisation: Organisation, *, is_member: bool, review_rule: ReviewRule) -> None:
    """What only NPU's administrators decide: membership and when surveys need review."""
    organisation.is_member = is_member
    organisation.review_rule = review_rule
