"""The data lifecycle pages for owners: a survey's responses, deleting one, deleting a survey with
all of its responses, and how long the organisation keeps responses. Every deletion is a plain form
behind a confirmation page, so it works without JavaScript."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from app.access.permissions import Permission
from app.access.policy import get_in_organisation, org_permission
from app.core.forms import attach_error
from app.extensions import db
from app.responses import lifecycle
from app.responses.models import Response, ResponseStatus
from app.results.forms import ConfirmForm, DeleteSurveyForm, RetentionForm
from app.surveys.models import Collector, Survey

bp = Blueprint("responses", __name__)

PER_PAGE = 50
RESPONSE_STATUS_NAMES = {
    ResponseStatus.COMPLETE.value: _l("Complete"),
    ResponseStatus.PARTIAL.value: _l("Partial"),
    ResponseStatus.SCREENED_OUT.value: _l("Screened out"),
}


@bp.app_context_processor
def retention_form():
    """The settings page shows the retention period's form; it posts to `retention` below."""

    def make():
        return RetentionForm(formdata=None, months=g.organisation.response_retention_months)

    return {"retention_form": make}


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>/responses")
@org_permission(Permission.DELETE_RESPONSES)
def index(org_id: int, survey_id: int):
    survey = get_in_organisation(Survey, survey_id)
    page = request.args.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        return redirect(url_for("responses.index", org_id=org_id, survey_id=survey_id))
    rows, total = lifecycle.responses_of(survey, int(page), PER_PAGE)
    return render_template(
        "results/responses.html",
        survey=survey,
        responses=rows,
        total=total,
        page=int(page),
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        response_status_names=RESPONSE_STATUS_NAMES,
        collector_names=dict(
            db.session.execute(
                select(Collector.id, Collector.name).where(Collector.survey_id == survey.id)
            ).all()
        ),
    )


@bp.route("/org/<int:org_id>/responses/<int:response_id>/delete", methods=["GET", "POST"])
@org_permission(Permission.DELETE_RESPONSES)
def delete_response(org_id: int, response_id: int):
    response = get_in_organisation(Response, response_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        survey_id = response.survey_id
        lifecycle.delete_response(response, current_user)
        db.session.commit()
        flash(_("Response %(id)d is deleted.", id=response_id), "info")
        return redirect(url_for("responses.index", org_id=org_id, survey_id=survey_id))
    survey_title = db.session.scalar(select(Survey.title).where(Survey.id == response.survey_id))
    return render_template(
        "results/delete_response.html", response=response, form=form, survey_title=survey_title
    )


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>/delete-with-responses", methods=["GET", "POST"])
@org_permission(Permission.DELETE_RESPONSES)
def delete_survey(org_id: int, survey_id: int):
    survey = get_in_organisation(Survey, survey_id)
    form = DeleteSurveyForm()
    if form.validate_on_submit():
        title = survey.title
        deleted = lifecycle.delete_survey_with_responses(survey, current_user)
        db.session.commit()
        flash(_("“%(title)s” is deleted with %(count)d responses.", title=title, count=deleted), "info")
        return redirect(url_for("member.dashboard", org_id=org_id))
    responses = db.session.scalar(select(func.count()).where(Response.survey_id == survey.id))
    return render_template(
        "results/delete_survey.html", survey=survey, form=form, responses=responses
    ), 400 if form.errors else 200


@bp.route("/org/<int:org_id>/settings/retention", methods=["GET", "POST"])
@org_permission(Permission.MANAGE_SETTINGS)
def retention(org_id: int):
    if request.method == "GET":
        form = RetentionForm(formdata=None, months=g.organisation.response_retention_months)
    else:
        form = RetentionForm()
    if form.validate_on_submit():
        try:
            lifecycle.set_retention(g.organisation, form.months.data)
        except lifecycle.RetentionError as error:
            attach_error(form, "months", str(error))
        else:
            db.session.commit()
            flash(_("The retention period is saved."), "info")
            return redirect(url_for("member.settings", org_id=org_id))
    return render_template("results/retention.html", form=form), 400 if form.errors else 200
