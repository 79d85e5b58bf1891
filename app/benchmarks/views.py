"""The member's comparison page: own results beside anonymised peer groups, with downloads."""

from functools import partial

from flask import Blueprint, Response, abort, g, render_template, request
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

from app.access.permissions import Permission
from app.access.policy import org_permission
from app.benchmarks.charts import comparison_chart
from app.benchmarks.downloads import report_csv, report_xlsx
from app.benchmarks.report import available_periods, build_report
from app.benchmarks.rules import current_rules
from app.benchmarks.trend import trend
from app.benchmarks.wording import REASONS, details, figure, format_number, formatted
from app.results.charts import chart_file, to_svg

bp = Blueprint("benchmarks", __name__)

PAGE = "/org/<int:org_id>/benchmarks"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report():
    periods = available_periods(g.organisation.id)
    period = request.args.get("period") or (periods[0] if periods else None)
    if period is not None and period not in periods:
        abort(404)
    language = str(get_locale())
    report = build_report(g.organisation, period, language) if period else None
    return periods, period, report, language


@bp.route(PAGE)
@org_permission(Permission.VIEW_RESULTS)
def show(org_id: int):
    periods, period, report, language = _report()
    # flask_babel looks the locale up again on every call, and the page formats thousands of numbers.
    locale = str(get_locale())
    charts = (
        {
            question.key: to_svg(comparison_chart(question), f"chart-{question.key}")
            for question in report.questions
        }
        if report
        else {}
    )
    return render_template(
        "benchmarks/show.html",
        periods=periods,
        period=period,
        report=report,
        charts=charts,
        trends=trend(g.organisation, periods, language, report) if report else {},
        reasons=REASONS,
        formatted=partial(formatted, locale=locale),
        figure=partial(figure, locale=locale),
        details=partial(details, locale=locale),
        format_decimal=partial(format_number, locale=locale),
        rules=current_rules(),
        gettext=_request_gettext(),
    )


def _request_gettext():
    """The templates' `_`, bound to this request's translations. flask_babel's looks the translations
    up again on every call (about 20 µs, many times the translation itself) and the page translates a
    few hundred texts; the result is what Jinja's own gettext returns."""
    translate = get_translations().ugettext

    @pass_context
    def gettext(context, string: str, **variables) -> str:
        # As Jinja's newstyle gettext: always a format string, its values escaped where autoescaping.
        text = translate(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return gettext


@bp.route(PAGE + ".csv")
@org_permission(Permission.VIEW_RESULTS)
def download_csv(org_id: int):
    _periods, period, report, _language = _report()
    if report is None:
        abort(404)
    return _attachment(report_csv(report), "text/csv; charset=utf-8", f"benchmarks-{period}.csv")


@bp.route(PAGE + ".xlsx")
@org_permission(Permission.VIEW_RESULTS)
def download_xlsx(org_id: int):
    _periods, period, report, _language = _report()
    if report is None:
        abort(404)
    return _attachment(report_xlsx(report), XLSX, f"benchmarks-{period}.xlsx")


@bp.route(PAGE + "/<question_key>.<any(svg, png):extension>")
@org_permission(Permission.VIEW_RESULTS)
def chart(org_id: int, question_key: str, extension: str):
    _periods, period, report, _language = _report()
    question = next((q for q in report.questions if q.key == question_key), None) if report else None
    if question is None:
        abort(404)
    content, content_type = chart_file(comparison_chart(question), extension)
    return _attachment(content, content_type, f"benchmarks-{period}-{question_key}.{extension}")


def _attachment(content: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
