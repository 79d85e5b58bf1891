"""Owners and editors export a survey's responses and import responses collected elsewhere."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access.permissions import Permission
from app.access.policy import get_in_organisation, org_permission
from app.exports import imports, services
from app.exports.forms import FORMAT_NAMES, LANGUAGE_NAMES, SCOPE_NAMES, ExportForm, ImportForm
from app.exports.models import ExportFormat, ExportRequest, ExportScope
from app.extensions import db
from app.surveys.lifecycle import live_revision
from app.surveys.models import Survey

bp = Blueprint("exports", __name__, url_prefix="/org/<int:org_id>")


@bp.route("/surveys/<int:survey_id>/exports", methods=["GET", "POST"])
@org_permission(Permission.EXPORT_RESPONSES)
def index(org_id: int, survey_id: int):
    survey = get_in_organisation(Survey, survey_id)
    form = ExportForm()
    if form.validate_on_submit():
        services.request_export(
            survey,
            current_user,
            ExportFormat(form.format.data),
            ExportScope(form.scope.data),
            form.language.data,
            form.include_test.data,
        )
        db.session.commit()
        flash(
            _("The export has started. It is listed below; the file can be downloaded when it is ready."),
            "info",
        )
        return redirect(url_for("exports.index", org_id=org_id, survey_id=survey_id))
    page = render_template(
        "exports/index.html",
        survey=survey,
        form=form,
        exports=services.exports_of(survey),
        downloadable=services.downloadable,
        expires_at=services.expires_at,
        format_names=FORMAT_NAMES,
        scope_names=SCOPE_NAMES,
        language_names=LANGUAGE_NAMES,
        file_days=services.FILE_DAYS,
    )
    return page, 400 if form.errors else 200


@bp.route("/exports/<int:export_id>/download")
@org_permission(Permission.EXPORT_RESPONSES)
def download(org_id: int, export_id: int):
    export = get_in_organisation(ExportRequest, export_id)
    if not services.downloadable(export):
        abort(404)
    _extension, content_type = services.FILE_TYPES[export.format]
    reply = Response(export.content, content_type=content_type)
    reply.headers["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
    return reply


@bp.route("/surveys/<int:survey_id>/responses/import", methods=["GET", "POST"])
@org_permission(Permission.IMPORT_RESPONSES)
def import_responses(org_id: int, survey_id: int):
    survey = get_in_organisation(Survey, survey_id)
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        upload = form.file.data
        if not upload:
            problems = [imports.Problem(None, _("Choose a CSV or XLSX file."))]
        else:
            try:
                count = imports.import_responses(survey, upload.filename or "", upload.read())
            except imports.ResponseImportError as refusal:
                db.session.rollback()
                problems = refusal.problems
            else:
                db.session.commit()
                flash(_("%(count)d responses are imported.", count=count), "info")
                return redirect(url_for("member.survey_design", org_id=org_id, survey_id=survey_id))
    page = render_template(
        "exports/import.html",
        survey=survey,
        form=form,
        revision=live_revision(survey),
        problems=problems[: imports.MAX_PROBLEMS_SHOWN],
        more_problems=max(0, len(problems) - imports.MAX_PROBLEMS_SHOWN),
    )
    return page, 400 if form.errors or problems else 200
