"""Collectors: the named links (and QR codes) through which a survey is answered."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import segno
from flask_babel import gettext as _
from sqlalchemy import select

from app.core.urls import public_url
from app.extensions import db
from app.surveys.models import Collector, Survey
from app.surveys.services import new_collector_token

OSLO = ZoneInfo("Europe/Oslo")


class CollectorError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def collector_in_organisation(collector_id: int, organisation_id: int) -> Collector | None:
    return db.session.scalar(
        select(Collector)
        .join(Survey)
        .where(Collector.id == collector_id, Survey.organisation_id == organisation_id)
    )


def local_to_utc(moment: datetime | None) -> datetime | None:
    """Times are entered as Norwegian local time."""
    return moment.replace(tzinfo=OSLO).astimezone(ZoneInfo("UTC")) if moment else None


def add_collector(
    survey: Survey,
    *,
    name: str,
    event_tag: str | None = None,
    event_date: date | None = None,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    response_cap: int | None = None,
    allow_repeat: bool = False,
    is_test: bool = False,
) -> Collector:
    if not name.strip():
        raise CollectorError(_("Give the link a name, such as “Poster in the foyer”."), "name")
    if opens_at and closes_at and closes_at <= opens_at:
        raise CollectorError(_("The link must close after it opens."), "closes_at")
    if response_cap is not None and response_cap < 1:
        raise CollectorError(_("The maximum number of responses must be at least 1."), "response_cap")
    collector = Collector(
        survey=survey,
        name=name.strip(),
        token=new_collector_token(),
        event_tag=(event_tag or "").strip() or None,
        event_date=event_date,
        opens_at=opens_at,
        closes_at=closes_at,
        response_cap=response_cap,
        allow_repeat=allow_repeat,
        is_test=is_test,
    )
    db.session.add(collector)
    db.session.flush()
    return collector


def link(collector: Collector) -> str:
    return public_url("answer.answer", token=collector.token)


def qr_code(collector: Collector, kind: str) -> bytes:
    """A print-ready QR code of the collector's link, as SVG or PNG."""
    buffer = io.BytesIO()
    segno.make(link(collector), error="m").save(
        buffer, kind=kind, scale=12 if kind == "png" else 10, border=4
    )
    return buffer.getvalue()
