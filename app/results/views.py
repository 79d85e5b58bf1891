"""A survey's results for its organisation: the page, the printable report and chart downloads.

Filters travel as GET parameters (`app.results.filters`), so every view here reads them the same
way and a download or the report shows exactly what the page showed.
"""

from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, select

from app.access.permissions import Permission
from app.access.policy import get_in_organisation, org_permission
from app.answering.question_types import label as text_in
from app.core.markdown import markdown_to_text
from app.core.types import utcnow
from app.extensions import db
from app.i18n import LANGUAGE_SELF_NAMES
from app.responses.models import Response as SurveyResponse
from app.results import charts, services
from app.results.filters import FilterError, parse_filters, parse_interval
from app.surveys.models import Collector, Survey

bp = Blueprint("results", __name__)

RESULTS = "/org/<int:org_id>/surveys/<int:survey_id>/results"


@bp.context_processor
def formatting():
    return {
        "percent": lambda value: format_percent(value, "#,##0 %"),
        "format_decimal": format_decimal,
        "text_in": text_in,
        "as_date": date.fromisoformat,
        "now": utcnow(),
    }


def describe_filters(filters, collectors, choice_questions) -> list[str]:
    """The filters in words, for the printed report."""
    lines = []
    names = {collector.id: collector.name for collector in collectors}
    if filters.collector_ids:
        lines.append(_("Links: %(names)s", names=", ".join(names[i] for i in filters.collector_ids)))
    if filters.event_tag:
        lines.append(_("Event tag: %(tag)s", tag=filters.event_tag))
    if filters.date_from or filters.date_to:
        lines.append(
            _(
                "Period: %(start)s to %(end)s",
                start=filters.date_from.isoformat() if filters.date_from else "…",
                end=filters.date_to.isoformat() if filters.date_to else "…",
            )
        )
    if filters.language:
        lines.append(
            _("Language of the response: %(language)s", language=LANGUAGE_SELF_NAMES[filters.language])
        )
    questions = {q["code"]: q for q in choice_questions}
    for code, options in filters.answers:
        question = questions[code]
        labels = {o["code"]: markdown_to_text(text_in(o["label"])) for o in question["options"]}
        lines.append(
            _(
                "Answered “%(question)s” with: %(options)s",
                question=markdown_to_text(text_in(question["text"])),
                options=", ".join(labels[o] for o in options),
            )
        )
    if filters.exclude_speeders:
        lines.append(_("Speeders left out."))
    return lines


def _load(survey_id: int):
    """The survey, its parsed filters and interval; 400 for a parameter that does not fit it."""
    survey = get_in_organisation(Survey, survey_id)
    try:
        filters = parse_filters(request.args, services.filter_choices(survey))
        interval = parse_interval(request.args)
    except FilterError:
        abort(400)
    return survey, filters, interval


def _crosstab_codes(survey: Survey) -> tuple[str, str] | None:
    rows, columns = request.args.get("rows") or "", request.args.get("columns") or ""
    if not rows and not columns:
        return None
    codes = {q["code"] for q in services.choice_questions(services.results_definition(survey))}
    if rows not in codes or columns not in codes:
        abort(400)
    return rows, columns


def _page(template: str, survey_id: int):
    survey, filters, interval = _load(survey_id)
    results = services.survey_results(survey, filters, interval)
    crosstab_codes = _crosstab_codes(survey)
    crosstab = services.crosstab(survey, filters, *crosstab_codes) if crosstab_codes else None
    svg = {}
    if not results["refused"]:
        svg["timeline"] = Markup(charts.to_svg(charts.timeline_chart(results["timeline"]), "chart-timeline"))
        for question in results["questions"]:
            if question["kind"] == "text":
                continue
            chart = charts.question_chart(question)
            svg[question["code"]] = Markup(charts.to_svg(chart, f"chart-{question['code']}"))
    definition = services.results_definition(survey)
    collectors = db.session.scalars(
        select(Collector).where(Collector.survey_id == survey.id).order_by(Collector.id)
    ).all()
    choice_questions = services.choice_questions(definition)
    return render_template(
        template,
        survey=survey,
        results=results,
        filters=filters,
        interval=interval,
        filter_args=filters.query_args(),
        chosen_answers={f"{code}:{option}" for code, options in filters.answers for option in options},
        svg=svg,
        crosstab=crosstab,
        crosstab_codes=crosstab_codes,
        choice_questions=choice_questions,
        collectors=collectors,
        filter_summary=describe_filters(filters, collectors, choice_questions),
        test_responses=db.session.scalar(
            select(func.count()).where(
                SurveyResponse.survey_id == survey.id, SurveyResponse.is_test.is_(True)
            )
        ),
    )


@bp.route(RESULTS)
@org_permission(Permission.VIEW_RESULTS)
def show(org_id: int, survey_id: int):
    return _page("results/results.html", survey_id)


@bp.route(RESULTS + "/report")
@org_permission(Permission.VIEW_RESULTS)
def report(org_id: int, survey_id: int):
    """The same figures laid out for paper: no forms, one question after another."""
    return _page("results/report.html", survey_id)


def _download(chart: charts.Chart, kind: str, name: str) -> Response:
    content, content_type = charts.chart_file(chart, kind)
    reply = Response(content, content_type=content_type)
    reply.headers["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return reply


@bp.route(RESULTS + "/chart.<any(svg, png):kind>")
@org_permission(Permission.VIEW_RESULTS)
def chart(org_id: int, survey_id: int, kind: str):
    """One question's chart (`?question=CODE` and the page's filters) as a file."""
    survey, filters, interval = _load(survey_id)
    results = services.survey_results(survey, filters, interval)
    if results["refused"]:
        abort(403)
    question = services.question_result(results, request.args.get("question", ""))
    if question is None or question["kind"] == "text":
        abort(404)
    return _download(charts.question_chart(question), kind, f"survey-{survey.id}-{question['code']}")


@bp.route(RESULTS + "/timeline.<any(svg, png):kind>")
@org_permission(Permission.VIEW_RESULTS)
def timeline_chart(org_id: int, survey_id: int, kind: str):
    survey, filters, interval = _load(survey_id)
    results = services.survey_results(survey, filters, interval)
    if results["refused"]:
        abort(403)
    return _download(charts.timeline_chart(results["timeline"]), kind, f"survey-{survey.id}-responses")
