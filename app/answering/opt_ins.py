"""Opt-ins (newsletter, prize draw) offered on the thank-you page, and the lists members keep.

An e-mail address given here is stored apart from the answers: each row names the survey, the
opt-in and the day, never the response, the link used or the time of day.
"""

from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from werkzeug.datastructures import MultiDict

from app.answering.models import OptIn
from app.answering.question_types import label
from app.core.csv_files import csv_bytes
from app.extensions import db
from app.surveys.models import Survey

MAX_EMAIL_LENGTH = 254


def offered(definition: dict) -> list[dict]:
    return definition.get("opt_ins", [])


@dataclass
class OptInForm:
    """What the respondent sent: the ticked opt-ins, the e-mail address as typed, and any errors."""

    chosen: list[str] = field(default_factory=list)
    email: str = ""
    address: str | None = None  # the checked, normalised address to store
    errors: dict[str, str] = field(default_factory=dict)


def read_form(definition: dict, form: MultiDict) -> OptInForm:
    ticked = set(form.getlist("opt_in"))
    chosen = [opt_in["code"] for opt_in in offered(definition) if opt_in["code"] in ticked]
    result = OptInForm(chosen=chosen, email=(form.get("email") or "").strip())
    if not chosen:
        result.errors["opt_in"] = _("Tick at least one box.")
    if not result.email:
        result.errors["email"] = _("Enter your e-mail address.")
    elif len(result.email) > MAX_EMAIL_LENGTH:
        result.errors["email"] = _("The e-mail address is too long.")
    else:
        try:
            result.address = validate_email(result.email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            result.errors["email"] = _("Enter an e-mail address such as name@example.no.")
    return result


def store(survey_id: int, codes: list[str], address: str) -> None:
    """One row per opt-in; an address already on a list is not added again (one ticket per person)."""
    held = set(
        db.session.scalars(
            select(OptIn.opt_in_code).where(OptIn.survey_id == survey_id, OptIn.email == address)
        )
    )
    db.session.add_all(
        OptIn(survey_id=survey_id, opt_in_code=code, email=address) for code in codes if code not in held
    )
    db.session.flush()


@dataclass(frozen=True)
class OptInList:
    code: str
    kind: str | None  # None when the survey no longer offers it
    text: dict | None
    count: int


def lists(survey: Survey) -> list[OptInList]:
    """The opt-ins the survey offers and any it offered before, with the number of addresses on each."""
    counts = dict(
        db.session.execute(
            select(OptIn.opt_in_code, func.count())
            .where(OptIn.survey_id == survey.id)
            .group_by(OptIn.opt_in_code)
        ).all()
    )
    current = offered(survey.revisions[-1].definition)
    found = [
        OptInList(opt_in["code"], opt_in["kind"], opt_in["text"], counts.pop(opt_in["code"], 0))
        for opt_in in current
    ]
    return found + [OptInList(code, None, None, count) for code, count in sorted(counts.items())]


def csv_export(survey: Survey) -> bytes:
    """Every address on the survey's lists, by opt-in and address: the order says nothing of arrival."""
    names = {item.code: label(item.text) if item.text else item.code for item in lists(survey)}
    rows = db.session.execute(
        select(OptIn.opt_in_code, OptIn.email)
        .where(OptIn.survey_id == survey.id)
        .order_by(OptIn.opt_in_code, OptIn.email)
    ).all()
    header = [_("Opt-in code"), _("Opt-in"), _("E-mail address")]
    return csv_bytes(header, ([code, names[code], email] for code, email in rows))


def delete_list(survey_id: int, code: str) -> int:
    """Remove every address on one list, for example once the prize draw is over."""
    return db.session.execute(
        delete(OptIn).where(OptIn.survey_id == survey_id, OptIn.opt_in_code == code)
    ).rowcount
