"""Answering a survey: collectors' states, pages, saving each page, finishing, resuming.

A response is stored page by page (status partial) and becomes complete on the last page; a
screen-out option ends it early. Nothing about the respondent is stored: the browser keeps a
random resume key, and the database only its hash.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, insert, select
from sqlalchemy.dialects import postgresql
from werkzeug.datastructures import MultiDict

from app.answering.question_types import TYPES, AnswerError
from app.core.sql import built_once, dialect_name, insert_many, unnested, upsert_insert
from app.core.types import utcnow
from app.extensions import db
from app.jobs.services import record_job
from app.organisations.models import Organisation
from app.questionnaires.conditions import condition_holds
from app.questionnaires.definition import options_of
from app.responses.models import Answer, Response, ResponseStatus
from app.responses.services import AnswerValue, ordinals
from app.surveys.models import Collector, Survey, SurveyRevision

RESUME_DAYS = 7
PARTIAL_RETENTION_DAYS = 30


class CollectorState(StrEnum):
    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"
    FULL = "full"


@dataclass(frozen=True)
class LinkOrganisation:
    """What respondent pages show of the organisation behind a link."""

    id: int
    name: str
    accent_colour: str | None
    logo_content_type: str | None
    embed_origins: list | None


@dataclass(frozen=True)
class Link:
    """A survey link with what every answering page needs of its survey and organisation."""

    id: int
    token: str
    survey_id: int
    opens_at: datetime | None
    closes_at: datetime | None
    response_cap: int | None
    allow_repeat: bool
    is_test: bool
    # The newest published revision: new respondents always answer it.
    published_revision_id: int | None
    survey_closed_at: datetime | None
    organisation: LinkOrganisation


def collector_by_token(token: str) -> Link | None:
    """The link in one Core query: loading it as three ORM objects took twice the CPU time, on every
    submission."""
    row = db.session.execute(_link_query(), {"token": token}).first()
    if row is None:
        return None
    *link, organisation_id, name, accent_colour, logo_content_type, embed_origins = row
    organisation = LinkOrganisation(organisation_id, name, accent_colour, logo_content_type, embed_origins)
    return Link(*link, organisation=organisation)


@built_once
def _link_query():
    return (
        select(
            Collector.id,
            Collector.token,
            Collector.survey_id,
            Collector.opens_at,
            Collector.closes_at,
            Collector.response_cap,
            Collector.allow_repeat,
            Collector.is_test,
            Collector.published_revision_id,
            Survey.closed_at,
            Organisation.id,
            Organisation.name,
            Organisation.accent_colour,
            Organisation.logo_content_type,
            Organisation.embed_origins,
        )
        .join(Survey, Survey.id == Collector.survey_id)
        .join(Organisation, Organisation.id == Survey.organisation_id)
        .where(Collector.token == bindparam("token"))
    )


def collector_state(collector: Link) -> CollectorState:
    now = utcnow()
    # A published survey keeps taking answers on its newest published revision while a new
    # revision is edited and reviewed; only closing the survey closes its links.
    if collector.published_revision_id is None or collector.survey_closed_at is not None:
        return CollectorState.CLOSED
    if collector.opens_at and now < collector.opens_at:
        return CollectorState.NOT_YET_OPEN
    if collector.closes_at and now >= collector.closes_at:
        return CollectorState.CLOSED
    if collector.response_cap is not None and complete_count(collector) >= collector.response_cap:
        return CollectorState.FULL
    return CollectorState.OPEN


def complete_count(collector: Link) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Response)
        .where(Response.collector_id == collector.id, Response.status == ResponseStatus.COMPLETE)
    )


@dataclass(frozen=True)
class FrozenRevision:
    id: int
    survey_id: int
    definition: dict


def _published_cache() -> dict[int, FrozenRevision]:
    """Published revisions never change, so each app keeps their parsed definitions."""
    return current_app.extensions.setdefault("published_revisions", {})


def frozen_revision(revision_id: int) -> FrozenRevision:
    cache = _published_cache()
    frozen = cache.get(revision_id)
    if frozen is None:
        revision = db.session.get(SurveyRevision, revision_id)
        frozen = FrozenRevision(revision.id, revision.survey_id, revision.definition)
        if revision.published_at is not None:
            cache[revision_id] = frozen
    return frozen


def published_revision(collector: Link) -> FrozenRevision:
    """The newest published revision: new respondents always answer it."""
    return frozen_revision(collector.published_revision_id)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return secrets.token_urlsafe(24)


def response_for_resume_key(collector: Link, key: str | None, lock: bool = False) -> Response | None:
    """The response this browser started; `lock` serialises concurrent posts of the same page."""
    if not key:
        return None
    query = select(Response).where(
        Response.resume_key_hash == hash_key(key), Response.collector_id == collector.id
    )
    response = db.session.scalar(query.with_for_update() if lock else query)
    if response is None or utcnow() - response.started_at > timedelta(days=RESUME_DAYS):
        return None
    return response


@dataclass
class QuestionOnPage:
    question: dict
    # The earlier question on the same page this one depends on, stated to respondents without JavaScript.
    depends_on_same_page: bool = False


@dataclass
class Page:
    index: int
    section: dict
    questions: list[QuestionOnPage] = field(default_factory=list)


def given_answers(definition: dict, response: Response | None) -> dict:
    """The stored answers of a response, as values per question code (for conditions and forms)."""
    if response is None:
        return {}
    rows: dict[str, list] = {}
    for answer in response.answers:
        rows.setdefault(answer.question_code, []).append(answer)
    given = {}
    for section in definition["sections"]:
        for question in section["questions"]:
            codes = [row["code"] for row in question.get("rows", [])] or [question["code"]]
            found = [row for code in codes for row in rows.get(code, [])]
            value = TYPES[question["type"]].from_answers(question, found)
            if value is not None:
                given[question["code"]] = value
                if question["type"] == "matrix":
                    given.update(value)
    return given


def page(definition: dict, index: int, given: dict) -> Page:
    """The questions of section `index` to show, given the answers so far."""
    section = definition["sections"][index]
    on_this_page = {question["code"] for question in section["questions"]}
    shown = Page(index, section)
    for question in section["questions"]:
        condition = question.get("show_if")
        if condition and _refers_to(condition, on_this_page):
            shown.questions.append(QuestionOnPage(question, depends_on_same_page=True))
        elif condition_holds(condition, given):
            shown.questions.append(QuestionOnPage(question))
    return shown


def _refers_to(condition: dict, codes: set[str]) -> bool:
    if "question" in condition:
        return condition["question"] in codes
    parts = condition.get("all") or condition.get("any") or [condition["not"]]
    return any(_refers_to(part, codes) for part in parts)


def first_page_with_questions(definition: dict, wanted: int, given: dict) -> int:
    """`wanted`, or the nearest page after (else before) it that has questions to show."""
    following = next_page_index(definition, wanted - 1, given)
    if following is not None:
        return following
    return max((i for i in range(wanted) if page(definition, i, given).questions), default=0)


def next_page_index(definition: dict, after: int, given: dict) -> int | None:
    """The next section with at least one question to show; None when the survey is done."""
    for index in range(after + 1, len(definition["sections"])):
        if page(definition, index, given).questions:
            return index
    return None


@dataclass
class PageResult:
    values: dict
    errors: dict[str, str]
    screened_out_by: dict | None = None


def read_page(definition: dict, shown: Page, given: dict, form: MultiDict) -> PageResult:
    """Read and check the answers of one page. Answers to questions whose same-page condition turns
    out false are dropped; required questions that are shown must be answered."""
    values, errors = {}, {}
    known = dict(given)
    for item in shown.questions:
        question = item.question
        if item.depends_on_same_page and not condition_holds(question.get("show_if"), known):
            continue
        try:
            value = TYPES[question["type"]].read(definition, question, form)
        except AnswerError as error:
            errors[question["code"]] = str(error)
            continue
        if value is None:
            if question["required"]:
                errors[question["code"]] = _("Answer this question.")
            continue
        values[question["code"]] = value
        known[question["code"]] = value
    result = PageResult(values, errors)
    for code, value in values.items():
        question = next(item.question for item in shown.questions if item.question["code"] == code)
        for option in options_of(definition, question) or []:
            if option.get("screen_out") and (value == option["code"] or option["code"] in _as_set(value)):
                result.screened_out_by = option
    if result.screened_out_by is not None:
        result.errors = {}  # a screen-out ends the survey at once: the rest of the page needs no answer
    return result


def _as_set(value) -> set:
    return set(value) if isinstance(value, frozenset) else set()


def posted_values(shown: Page, form: MultiDict) -> dict:
    """What was sent for this page, as typed, to show again with the errors."""
    values = {}
    for item in shown.questions:
        question = item.question
        for code in [row["code"] for row in question.get("rows", [])] or [question["code"]]:
            if question["type"] == "multiple_choice":
                values[code] = frozenset(form.getlist(code))
            else:
                values[code] = form.get(code)
    return values


@dataclass(frozen=True)
class Outcome:
    """Where a page that passed its checks leads: the next page, or the end of the survey."""

    status: ResponseStatus  # partial while pages remain
    next_page: int | None


def outcome_of_page(definition: dict, index: int, given: dict, result: PageResult) -> Outcome:
    if result.screened_out_by is not None:
        return Outcome(ResponseStatus.SCREENED_OUT, None)
    following = next_page_index(definition, index, given)
    return Outcome(ResponseStatus.COMPLETE if following is None else ResponseStatus.PARTIAL, following)


@dataclass(frozen=True)
class Started:
    """A first page received: a new response's id, or the response this submission key already made."""

    resume_key: str | None
    new_response_id: int | None = None
    existing: Response | None = None

    @property
    def already_finished(self) -> bool:
        return self.existing is not None and self.existing.status != ResponseStatus.PARTIAL


def start_response(
    collector: Link,
    revision: FrozenRevision,
    language: str,
    submission_key: str,
    outcome: Outcome,
    answers: list[AnswerValue],
) -> Started:
    """Store a new response with the answers of its first page, already finished when that page ends
    the survey (on PostgreSQL one statement: this is the hot path of a one-page survey). A re-sent
    page finds the response its submission key made, stores nothing, and gets a fresh resume key:
    the browser keeps the last reply."""
    key = new_key()
    now = utcnow()
    finished = outcome.status != ResponseStatus.PARTIAL
    values = {
        "survey_id": revision.survey_id,
        "survey_revision_id": revision.id,
        "collector_id": collector.id,
        "organisation_id": collector.organisation.id,
        "status": outcome.status,
        "language": language,
        "is_test": collector.is_test,
        "is_imported": False,
        "submission_key": submission_key,
        "resume_key_hash": hash_key(key),
        "next_section": outcome.next_page or 0,
        "started_at": now,
        "updated_at": now,
        "submitted_at": now if finished else None,
        "duration_seconds": 0 if finished else None,
    }
    if dialect_name() == "postgresql":
        columns = {name: [getattr(answer, name) for answer in answers] for name in VALUE_COLUMNS}
        columns["ordinal"] = ordinals(answers)
        response_id = db.session.scalar(_new_response_with_answers(tuple(values)), values | columns)
    else:
        response_id = db.session.scalar(_new_response(), values)
        if response_id is not None:
            _insert_answers(response_id, answers)
    if response_id is not None:
        if finished:
            _record_finished(revision.survey_id)
        return Started(key, new_response_id=response_id)
    existing = db.session.scalar(
        select(Response).where(Response.submission_key == submission_key).with_for_update()
    )
    if existing.status != ResponseStatus.PARTIAL:
        return Started(None, existing=existing)
    existing.resume_key_hash = hash_key(key)
    return Started(key, existing=existing)


VALUE_COLUMNS = ("question_code", "option_code", "number_value", "text_value")
ANSWER_COLUMNS = (*VALUE_COLUMNS, "ordinal")


@built_once
def _new_response():
    """A response unless its submission key was already used (a re-sent page): then no row."""
    return (
        upsert_insert(Response)
        .on_conflict_do_nothing(index_elements=[Response.submission_key])
        .returning(Response.id)
    )


@cache
def _new_response_with_answers(fields: tuple[str, ...]):
    """PostgreSQL: the response and its answers in one statement, and no answers when the submission
    key was already used."""
    table = Response.__table__
    new = (
        postgresql.insert(table)
        .values({name: bindparam(name, type_=table.c[name].type) for name in fields})
        .on_conflict_do_nothing(index_elements=[table.c.submission_key])
        .returning(table.c.id)
        .cte("new_response")
    )
    rows = select(new.c.id, *unnested(Answer.__table__, ANSWER_COLUMNS))
    answers = insert(Answer.__table__).from_select(["response_id", *ANSWER_COLUMNS], rows).cte("new_answers")
    return select(new.c.id).add_cte(answers)


def answer_codes(shown: Page, skip: set[str] = frozenset()) -> set[str]:
    """The codes this page's answers are stored and sent under (a matrix: one per row)."""
    codes = set()
    for item in shown.questions:
        question = item.question
        if question["code"] not in skip:
            codes |= {row["code"] for row in question.get("rows", [])} or {question["code"]}
    return codes


def page_answers(shown: Page, result: PageResult) -> list[AnswerValue]:
    """The rows a checked page is stored as (a matrix or a multiple choice: several)."""
    rows: list[AnswerValue] = []
    for item in shown.questions:
        value = result.values.get(item.question["code"])
        if value is not None:
            rows += TYPES[item.question["type"]].to_answers(item.question, value)
    return rows


def save_page(response_id: int, shown: Page, result: PageResult) -> None:
    """Replace this page's stored answers by the new ones (back and forward never duplicate)."""
    db.session.execute(
        delete(Answer).where(Answer.response_id == response_id, Answer.question_code.in_(answer_codes(shown)))
    )
    _insert_answers(response_id, page_answers(shown, result))


def _insert_answers(response_id: int, answers: list[AnswerValue]) -> None:
    if answers:
        insert_many(
            Answer.__table__,
            [
                {
                    "response_id": response_id,
                    "question_code": row.question_code,
                    "option_code": row.option_code,
                    "number_value": row.number_value,
                    "text_value": row.text_value,
                    "ordinal": ordinal,
                }
                for row, ordinal in zip(answers, ordinals(answers), strict=True)
            ],
        )


def advance(response: Response, outcome: Outcome) -> None:
    """Move a stored response on after a page: to its next page, or to its end."""
    response.updated_at = utcnow()
    if outcome.next_page is None:
        finish(response, outcome.status)
    else:
        response.next_section = max(response.next_section, outcome.next_page)


def save_valid_answers(response: Response, shown: Page, result: PageResult) -> None:
    """Going back keeps what was given on the page without checking it: valid answers are saved, and
    a question left unanswered or answered wrongly keeps what was stored for it."""
    checked = [item for item in shown.questions if item.question["code"] not in result.errors]
    save_page(response.id, Page(shown.index, shown.section, checked), result)
    response.updated_at = utcnow()


def finish(response: Response, status: ResponseStatus) -> None:
    """Complete (or screen out) a response; the follow-up work is recorded in the same transaction."""
    if response.status != ResponseStatus.PARTIAL:
        return
    now = utcnow()
    response.status = status
    response.submitted_at = now
    response.duration_seconds = int((now - response.started_at).total_seconds())
    db.session.flush()
    _record_finished(response.survey_id)


def _record_finished(survey_id: int) -> None:
    record_job("aggregate_responses", survey_id=survey_id)


def purge_stale_partials() -> int:
    """Partial responses older than the retention period are deleted; they never count as complete."""
    cutoff = utcnow() - timedelta(days=PARTIAL_RETENTION_DAYS)
    result = db.session.execute(
        delete(Response).where(Response.status == ResponseStatus.PARTIAL, Response.updated_at < cutoff)
    )
    return result.rowcount
