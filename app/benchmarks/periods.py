"""Reporting periods: calendar quarters and years on Europe/Oslo boundaries, as SQL and as labels."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, literal
from sqlalchemy.sql.elements import ColumnElement

from app.core.types import UTCDateTime

OSLO = ZoneInfo("Europe/Oslo")


def quarter_label(moment: datetime) -> str:
    local = moment.astimezone(OSLO)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def quarter_starts(first: datetime, last: datetime) -> list[tuple[str, datetime]]:
    """(label, start in UTC) of every quarter from the one holding `first` to the one after `last`."""
    local = first.astimezone(OSLO)
    year, quarter = local.year, (local.month - 1) // 3
    starts: list[tuple[str, datetime]] = []
    while not starts or starts[-1][1] <= last:
        start = datetime(year, quarter * 3 + 1, 1, tzinfo=OSLO).astimezone(UTC)
        starts.append((f"{year}-Q{quarter + 1}", start))
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)
    return starts


def quarter_of(column, dialect: str, first: datetime | None, last: datetime | None) -> ColumnElement:
    """The quarter label of a UTC timestamp column. PostgreSQL converts the time zone itself; SQLite
    has no time zones, so the boundaries between `first` and `last` are written out."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("Europe/Oslo", column), literal('YYYY"-Q"Q'))
    if first is None or last is None:
        return literal("")
    bounds = quarter_starts(first, last)
    whens = [
        (column < literal(start, UTCDateTime), label)
        for (label, _), (_, start) in zip(bounds, bounds[1:], strict=False)
    ]
    return case(*whens, else_=literal(bounds[-1][0]))


def year_of(period: str) -> str:
    return period[:4]


def is_quarter(period: str) -> bool:
    return "-Q" in period
