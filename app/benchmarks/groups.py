"""Peer groups: organisations sharing traits. Country is part of every group, so the same rules will
serve a Nordic benchmark."""

from dataclasses import dataclass


@dataclass(frozen=True)
class GroupKind:
    name: str
    traits: tuple[str, ...]  # organisation attributes besides the country
    broader: str | None  # where the comparison falls back to when this group cannot be shown


# Narrowest first: the order of the comparison page and of the fallback.
GROUP_KINDS = (
    GroupKind("sector_fylke", ("sector_code", "fylke_code"), "sector_country"),
    GroupKind("sector_size", ("sector_code", "size_band_code"), "sector_country"),
    GroupKind("sector_country", ("sector_code",), "country"),
    GroupKind("fylke", ("fylke_code",), "country"),
    GroupKind("country", (), None),
)
KINDS_BY_NAME = {kind.name: kind for kind in GROUP_KINDS}


@dataclass(frozen=True)
class OrganisationTraits:
    id: int
    country_code: str
    sector_code: str
    fylke_code: str
    size_band_code: str | None
    is_member: bool


def group_key(kind: GroupKind, organisation: OrganisationTraits) -> str | None:
    """The key of the organisation's group of this kind, or None when it lacks a trait (no size band)."""
    values = [getattr(organisation, trait) for trait in kind.traits]
    if any(value is None for value in values):
        return None
    return ":".join([kind.name, organisation.country_code, *values])


def group_keys(organisation: OrganisationTraits) -> dict[str, str]:
    keys = {kind.name: group_key(kind, organisation) for kind in GROUP_KINDS}
    return {name: key for name, key in keys.items() if key is not None}
