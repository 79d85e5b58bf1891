"""A survey's own results: counts, shares, means and NPS per question, over time, and crosstabs.

Aggregation happens in SQL (GROUP BY over the answer table); Python only turns the grouped rows into
figures (`app.results.stats`). Respondent protection inside the organisation:

- a figure (count, share, mean, NPS) based on 1 to RESULTS_MIN_CELL − 1 responses is hidden;
- free-text answers are listed only when the filtered responses number RESULTS_MIN_FREE_TEXT or more;
- filters that narrow the responses to fewer than RESULTS_MIN_FILTER are refused: no data at all.

Test responses never count. Question results use complete responses; the timeline shows complete
and partial ones.

Everything returned is plain JSON (dicts, lists, strings, numbers, booleans, None); the web pages
and the JSON API (`/api/v1/surveys/{id}/results`) use the same structure. `survey_results` returns:

    {
      "survey_id": 12,
      "filters": {...},                  # ResultFilters.to_json(): the filters applied
      "thresholds": {"min_cell": 5, "min_free_text": 10, "min_filter": 5},
      "refused": false,                  # true: the filters narrow to too few; nothing else is given
      "respondents": 230,                # complete responses matching the filters (None when refused)
      "speeders_excluded": 4,            # complete responses left out as speeders
      "speeder_limit_seconds": 41.3,     # a third of the median completion time (None without data)
      "timeline": {"interval": "day", "periods": [{"start": "2026-03-01", "complete": 12,
                   "partial": None, "partial_hidden": true}, ...]},
      "questions": [Question, ...],      # in the order of the survey's newest published revision
    }

A Question:

    {
      "code": "first_visit", "type": "single_choice",
      "kind": "single" | "multiple" | "numeric" | "nps" | "text",
      "text": {"nb": ..., "nn": ..., "en": ...},   # for a matrix row: the row's text
      "group_text": {...} | None,                   # a matrix row: the matrix's question text
      "answered": 120, "answered_hidden": false,    # respondents who answered it (None when hidden)
      "options": [{"code": "yes", "label": {...}, "count": 80, "share": 0.667, "ci_low": 0.58,
                   "ci_high": 0.74, "hidden": false}, ...],    # choice, rating and nps questions
      "mean": {"value": 3.9, "ci_low": 3.7, "ci_high": 4.1, "n": 120, "hidden": false} | None,
      "nps": {"value": 31.0, "ci_low": 20.2, "ci_high": 41.8, "promoters": 60, "passives": 38,
              "detractors": 22, "hidden": false} | None,
      "texts": ["...", ...] | None,                 # free text, sorted; None while too few responses
      "texts_hidden": false,
    }

Shares are fractions (0–1) of the respondents who answered the question; for multiple choice they
add up to more than 1. A hidden figure is None with "hidden": true. Intervals are 95 %: Wilson for
shares, Student's t for means and for NPS (100 × the mean of +1 promoter, 0 passive, −1 detractor).
"""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import Select, and_, distinct, func, select

from app.extensions import db
from app.questionnaires.definition import iter_questions, options_of
from app.reference.services import reference_list
from app.responses.models import Answer, Response, ResponseStatus
from app.results import stats
from app.results.filters import FilterChoices, ResultFilters
from app.surveys.models import Collector, Survey, SurveyRevision

CHOICE_KINDS = ("single", "multiple")
_KIND_BY_TYPE = {
    "single_choice": "single",
    "reference_choice": "single",
    "multiple_choice": "multiple",
    "rating": "numeric",
    "slider": "numeric",
    "number": "numeric",
    "nps": "nps",
    "short_text": "text",
    "long_text": "text",
}
# Types whose answers are few whole numbers, shown as a distribution as well as a mean.
_DISTRIBUTION_TYPES = ("rating", "nps")


@dataclass(frozen=True)
class Thresholds:
    min_cell: int = 5
    min_free_text: int = 10
    min_filter: int = 5

    @classmethod
    def from_config(cls) -> "Thresholds":
        config = current_app.config
        return cls(config["RESULTS_MIN_CELL"], config["RESULTS_MIN_FREE_TEXT"], config["RESULTS_MIN_FILTER"])

    def to_json(self) -> dict:
        return {"min_cell": self.min_cell, "min_free_text": self.min_free_text, "min_filter": self.min_filter}


# --- The survey's questions -------------------------------------------------------------------


def results_definition(survey: Survey) -> dict:
    """The definition results are shown by: the newest published revision's, else the newest.
    Answers are keyed by stable codes, so responses to earlier revisions line up with it."""
    revision = db.session.scalar(
        select(SurveyRevision)
        .where(SurveyRevision.survey_id == survey.id)
        .order_by(SurveyRevision.published_at.is_(None), SurveyRevision.number.desc())
        .limit(1)
    )
    return revision.definition


def _option_list(definition: dict, question: dict) -> list[dict]:
    options = [{"code": o["code"], "label": o["label"]} for o in options_of(definition, question) or []]
    if question["type"] == "reference_choice":
        items = [item for item in reference_list(question["reference"]) if not item.get("valid_to")]
        options = [{"code": item["code"], "label": item["labels"]} for item in items] + options
    return options


def result_questions(definition: dict) -> list[dict]:
    """The questions results are given for, matrix rows as single-choice questions of their own.
    Each: code, type, kind, text, group_text and, for choice questions, options (code, label)."""
    questions = []
    for ref in iter_questions(definition):
        question = ref.question
        if question["type"] == "matrix":
            options = _option_list(definition, question)
            for row in question["rows"]:
                questions.append(
                    {
                        "code": row["code"],
                        "type": "matrix",
                        "kind": "single",
                        "text": row["text"],
                        "group_text": question["text"],
                        "options": options,
                    }
                )
            continue
        kind = _KIND_BY_TYPE[question["type"]]
        entry = {"code": question["code"], "type": question["type"], "kind": kind, "text": question["text"]}
        entry["group_text"] = None
        if kind in CHOICE_KINDS:
            entry["options"] = _option_list(definition, question)
        elif question["type"] == "rating":
            points = question["scale"]["points"]
            labels = question["scale"].get("labels", {})
            entry["options"] = [
                {"code": str(p), "label": labels.get(p) or labels.get(str(p)) or {"nb": str(p)}}
                for p in range(1, points + 1)
            ]
        elif question["type"] == "nps":
            entry["options"] = [{"code": str(p), "label": {"nb": str(p)}} for p in range(11)]
        questions.append(entry)
    return questions


def choice_questions(definition: dict) -> list[dict]:
    """Questions whose answers are options: what the answer filters and the crosstab offer."""
    return [q for q in result_questions(definition) if q["kind"] in CHOICE_KINDS]


def filter_choices(survey: Survey) -> FilterChoices:
    collectors = db.session.execute(
        select(Collector.id, Collector.event_tag).where(Collector.survey_id == survey.id)
    ).all()
    return FilterChoices(
        collector_ids=frozenset(collector_id for collector_id, _ in collectors),
        event_tags=frozenset(tag for _, tag in collectors if tag),
        options={
            q["code"]: frozenset(o["code"] for o in q["options"])
            for q in choice_questions(results_definition(survey))
        },
    )


# --- Which responses count --------------------------------------------------------------------


def _utc_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _response_time():
    """When a response counts in time: when it was submitted, or started while it is partial."""
    return func.coalesce(Response.submitted_at, Response.started_at)


def speeder_limit(survey: Survey) -> float | None:
    """A third of the median completion time of the survey's complete responses (all of them, so
    the limit does not move with the filters)."""
    durations = db.session.scalars(
        select(Response.duration_seconds).where(
            Response.survey_id == survey.id,
            Response.is_test.is_(False),
            Response.status == ResponseStatus.COMPLETE,
            Response.duration_seconds.is_not(None),
        )
    ).all()
    return stats.speeder_limit(list(durations))


def _matching(
    survey: Survey, filters: ResultFilters, statuses: tuple[ResponseStatus, ...], limit: float | None
) -> Select:
    """SELECT of the ids of the survey's non-test responses with these statuses matching the filters."""
    conditions = [
        Response.survey_id == survey.id,
        Response.organisation_id == survey.organisation_id,
        Response.is_test.is_(False),
        Response.status.in_(statuses),
    ]
    if filters.collector_ids:
        conditions.append(Response.collector_id.in_(filters.collector_ids))
    if filters.event_tag:
        tagged = select(Collector.id).where(
            Collector.survey_id == survey.id, Collector.event_tag == filters.event_tag
        )
        conditions.append(Response.collector_id.in_(tagged))
    if filters.date_from:
        conditions.append(_response_time() >= _utc_start(filters.date_from))
    if filters.date_to:
        conditions.append(_response_time() < _utc_start(filters.date_to + timedelta(days=1)))
    if filters.language:
        conditions.append(Response.language == filters.language)
    for code, options in filters.answers:
        chosen = select(Answer.response_id).where(
            Answer.question_code == code, Answer.option_code.in_(options)
        )
        conditions.append(Response.id.in_(chosen))
    if filters.exclude_speeders and limit is not None:
        # Partial responses have no completion time and are never speeders.
        conditions.append((Response.duration_seconds.is_(None)) | (Response.duration_seconds >= limit))
    return select(Response.id).where(and_(*conditions))


def _count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


# --- Results ----------------------------------------------------------------------------------


def survey_results(
    survey: Survey,
    filters: ResultFilters | None = None,
    interval: str = "day",
    thresholds: Thresholds | None = None,
) -> dict:
    """The survey's results under the filters, as documented at the top of this module."""
    filters = filters or ResultFilters()
    thresholds = thresholds or Thresholds.from_config()
    limit = speeder_limit(survey)
    complete = _matching(survey, filters, (ResponseStatus.COMPLETE,), limit)
    respondents = _count(complete)
    result = {
        "survey_id": survey.id,
        "filters": filters.to_json(),
        "thresholds": thresholds.to_json(),
        "refused": False,
        "respondents": respondents,
        "speeders_excluded": 0,
        "speeder_limit_seconds": limit,
        "timeline": None,
        "questions": [],
    }
    if filters.narrowing and respondents < thresholds.min_filter:
        result.update(refused=True, respondents=None, speeder_limit_seconds=None)
        return result
    if filters.exclude_speeders:
        with_speeders = replace(filters, exclude_speeders=False)
        everyone = _count(_matching(survey, with_speeders, (ResponseStatus.COMPLETE,), limit))
        result["speeders_excluded"] = everyone - respondents
    both = _matching(survey, filters, (ResponseStatus.COMPLETE, ResponseStatus.PARTIAL), limit)
    result["timeline"] = _timeline(both, interval, thresholds)
    result["questions"] = _question_results(results_definition(survey), complete, respondents, thresholds)
    return result


def question_result(results: dict, code: str) -> dict | None:
    """One question's entry of `survey_results`' output."""
    return next((q for q in results["questions"] if q["code"] == code), None)


def _figure(count: int, thresholds: Thresholds) -> tuple[int | None, bool]:
    hide = stats.hidden(count, thresholds.min_cell)
    return (None if hide else count), hide


def _question_results(definition: dict, matching: Select, respondents: int, thresholds: Thresholds) -> list:
    ids = matching.scalar_subquery()
    answered = dict(
        db.session.execute(
            select(Answer.question_code, func.count(distinct(Answer.response_id)))
            .where(Answer.response_id.in_(ids))
            .group_by(Answer.question_code)
        ).all()
    )
    option_counts: dict[str, dict[str, int]] = {}
    for code, option, count in db.session.execute(
        select(Answer.question_code, Answer.option_code, func.count(distinct(Answer.response_id)))
        .where(Answer.response_id.in_(ids), Answer.option_code.is_not(None))
        .group_by(Answer.question_code, Answer.option_code)
    ):
        option_counts.setdefault(code, {})[option] = count
    value_counts: dict[str, dict[str, int]] = {}
    for code, value, count in db.session.execute(
        select(Answer.question_code, Answer.number_value, func.count())
        .where(Answer.response_id.in_(ids), Answer.number_value.is_not(None))
        .group_by(Answer.question_code, Answer.number_value)
    ):
        value_counts.setdefault(code, {})[str(int(value))] = count
    sums = {
        code: (n, total, squares)
        for code, n, total, squares in db.session.execute(
            select(
                Answer.question_code,
                func.count(),
                func.sum(Answer.number_value),
                func.sum(Answer.number_value * Answer.number_value),
            )
            .where(Answer.response_id.in_(ids), Answer.number_value.is_not(None))
            .group_by(Answer.question_code)
        )
    }
    questions = result_questions(definition)
    text_codes = [q["code"] for q in questions if q["kind"] == "text"]
    texts: dict[str, list[str]] = {}
    if text_codes and respondents >= thresholds.min_free_text:
        # Sorted, not in response order, so answers to two questions cannot be paired up.
        for code, text in db.session.execute(
            select(Answer.question_code, Answer.text_value)
            .where(
                Answer.response_id.in_(ids),
                Answer.question_code.in_(text_codes),
                Answer.text_value.is_not(None),
            )
            .order_by(Answer.question_code, Answer.text_value)
        ):
            texts.setdefault(code, []).append(text)

    results = []
    for question in questions:
        code = question["code"]
        n = answered.get(code, 0)
        entry = dict(question)
        entry["answered"], entry["answered_hidden"] = _figure(n, thresholds)
        entry.update(mean=None, nps=None, texts=None, texts_hidden=False)
        counts = (
            value_counts.get(code, {})
            if question["type"] in _DISTRIBUTION_TYPES
            else option_counts.get(code, {})
        )
        if "options" in question:
            entry["options"] = [
                _option_figures(option, counts.get(option["code"], 0), n, thresholds)
                for option in question["options"]
            ]
        if question["kind"] == "numeric" and code in sums:
            entry["mean"] = _mean_figures(*sums[code], thresholds)
        if question["kind"] == "nps":
            entry["nps"] = _nps_figures(value_counts.get(code, {}), thresholds)
        if question["kind"] == "text":
            entry["texts_hidden"] = respondents < thresholds.min_free_text
            entry["texts"] = None if entry["texts_hidden"] else texts.get(code, [])
        results.append(entry)
    return results


def _option_figures(option: dict, count: int, answered: int, thresholds: Thresholds) -> dict:
    shown, hide = _figure(count, thresholds)
    share = None if hide else stats.wilson(count, answered)
    return {
        "code": option["code"],
        "label": option["label"],
        "count": shown,
        "share": share.value if share else None,
        "ci_low": share.low if share else None,
        "ci_high": share.high if share else None,
        "hidden": hide,
    }


def _mean_figures(n: int, total: float, squares: float, thresholds: Thresholds) -> dict:
    hide = n < thresholds.min_cell
    interval = None if hide else stats.mean_interval(n, float(total), float(squares))
    return {
        "value": interval.value if interval else None,
        "ci_low": interval.low if interval else None,
        "ci_high": interval.high if interval else None,
        "n": None if stats.hidden(n, thresholds.min_cell) else n,
        "hidden": hide,
    }


def _nps_figures(distribution: dict[str, int], thresholds: Thresholds) -> dict:
    promoters = sum(count for value, count in distribution.items() if int(value) >= 9)
    detractors = sum(count for value, count in distribution.items() if int(value) <= 6)
    passives = sum(distribution.values()) - promoters - detractors
    hide = promoters + passives + detractors < thresholds.min_cell
    interval = None if hide else stats.nps_interval(promoters, passives, detractors)
    groups = {
        name: _figure(count, thresholds)[0] if not hide else None
        for name, count in (("promoters", promoters), ("passives", passives), ("detractors", detractors))
    }
    return {
        "value": interval.value if interval else None,
        "ci_low": interval.low if interval else None,
        "ci_high": interval.high if interval else None,
        **groups,
        "hidden": hide,
    }


# --- Over time --------------------------------------------------------------------------------


def _day():
    """The UTC calendar day of a response, as the database computes it."""
    moment = _response_time()
    if db.session.get_bind().dialect.name == "postgresql":
        moment = func.timezone("UTC", moment)
    return func.date(moment)


def _timeline(matching: Select, interval: str, thresholds: Thresholds) -> dict:
    day = _day().label("day")
    rows = db.session.execute(
        select(day, Response.status, func.count())
        .where(Response.id.in_(matching.scalar_subquery()))
        .group_by(day, Response.status)
        .order_by(day)
    ).all()
    periods: dict[date, dict[str, int]] = {}
    for value, status, count in rows:
        start = value if isinstance(value, date) else date.fromisoformat(value)
        if interval == "week":
            start -= timedelta(days=start.weekday())
        tally = periods.setdefault(start, {"complete": 0, "partial": 0})
        tally[status.value] += count
    out = []
    for start in sorted(periods):
        entry = {"start": start.isoformat()}
        for status in ("complete", "partial"):
            entry[status], entry[f"{status}_hidden"] = _figure(periods[start][status], thresholds)
        out.append(entry)
    return {"interval": interval, "periods": out}


# --- Crosstab ---------------------------------------------------------------------------------


def crosstab(
    survey: Survey,
    filters: ResultFilters,
    row_code: str,
    column_code: str,
    thresholds: Thresholds | None = None,
) -> dict:
    """Respondents by their answers to two choice questions (a respondent may count in several
    cells of a multiple-choice question). Cells under the threshold are hidden.

    {"refused": false, "respondents": n, "rows": {"code", "text", "group_text"},
     "columns": {...}, "row_options": [{"code", "label"}], "column_options": [...],
     "cells": [[{"count", "hidden", "share"}]],   # share: of the row's total
     "row_totals": [{"count", "hidden"}], "column_totals": [...]}
    """
    thresholds = thresholds or Thresholds.from_config()
    questions = {q["code"]: q for q in choice_questions(results_definition(survey))}
    rows_question, columns_question = questions[row_code], questions[column_code]
    limit = speeder_limit(survey)
    matching = _matching(survey, filters, (ResponseStatus.COMPLETE,), limit)
    respondents = _count(matching)
    result = {
        "refused": False,
        "respondents": respondents,
        "rows": {k: rows_question[k] for k in ("code", "text", "group_text")},
        "columns": {k: columns_question[k] for k in ("code", "text", "group_text")},
        "row_options": [{"code": o["code"], "label": o["label"]} for o in rows_question["options"]],
        "column_options": [{"code": o["code"], "label": o["label"]} for o in columns_question["options"]],
    }
    if filters.narrowing and respondents < thresholds.min_filter:
        return {**result, "refused": True, "respondents": None}
    row_answer = Answer.__table__.alias("row_answer")
    column_answer = Answer.__table__.alias("column_answer")
    ids = matching.scalar_subquery()
    pairs = (
        select(
            row_answer.c.option_code.label("row_option"),
            column_answer.c.option_code.label("column_option"),
            row_answer.c.response_id.label("response_id"),
        )
        .join(column_answer, column_answer.c.response_id == row_answer.c.response_id)
        .where(
            row_answer.c.response_id.in_(ids),
            row_answer.c.question_code == row_code,
            column_answer.c.question_code == column_code,
        )
        .subquery()
    )
    counts = {
        (row, column): count
        for row, column, count in db.session.execute(
            select(
                pairs.c.row_option, pairs.c.column_option, func.count(distinct(pairs.c.response_id))
            ).group_by(pairs.c.row_option, pairs.c.column_option)
        )
    }
    row_totals = dict(
        db.session.execute(
            select(pairs.c.row_option, func.count(distinct(pairs.c.response_id))).group_by(pairs.c.row_option)
        ).all()
    )
    column_totals = dict(
        db.session.execute(
            select(pairs.c.column_option, func.count(distinct(pairs.c.response_id))).group_by(
                pairs.c.column_option
            )
        ).all()
    )

    def total(count: int) -> dict:
        shown, hide = _figure(count, thresholds)
        return {"count": shown, "hidden": hide}

    cells = []
    for row in result["row_options"]:
        row_total = row_totals.get(row["code"], 0)
        line = []
        for column in result["column_options"]:
            count = counts.get((row["code"], column["code"]), 0)
            shown, hide = _figure(count, thresholds)
            share = None if hide or not row_total else count / row_total
            line.append({"count": shown, "hidden": hide, "share": share})
        cells.append(line)
    result["cells"] = cells
    result["row_totals"] = [total(row_totals.get(r["code"], 0)) for r in result["row_options"]]
    result["column_totals"] = [total(column_totals.get(c["code"], 0)) for c in result["column_options"]]
    return result
