"""A survey's definition as a YAML file: download it, and replace the draft by an edited one."""

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField
from wtforms.validators import ValidationError

from app.access.permissions import Permission
from app.access.policy import org_permission, survey_design_access
from app.builder.blueprint import bp, survey_in_use
from app.extensions import db
from app.surveys import definition_files
from app.surveys.definition_files import MAX_IMPORT_BYTES, DefinitionFileError


@bp.route("/definition.yaml")
@survey_design_access
def export_yaml(org_id: int, survey_id: int):
    survey = survey_in_use(survey_id)
    text = definition_files.survey_yaml(definition_files.newest_definition(survey))
    filename = definition_files.yaml_filename(survey.title)
    return Response(
        text,
        content_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


class ImportForm(FlaskForm):
    """A YAML file, or its text pasted; a chosen file wins, and its text stays in the box for fixing."""

    file = FileField(_l("YAML file"))
    text = TextAreaField(_l("Or paste the YAML"))

    def validate_text(self, field):
        upload = self.file.data
        if upload:
            content = upload.read(MAX_IMPORT_BYTES + 1)
            if len(content) > MAX_IMPORT_BYTES:
                raise ValidationError(
                    _("The file is larger than %(size)d KB.", size=MAX_IMPORT_BYTES // 1024)
                )
            try:
                field.data = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(_("The file must be UTF-8 text.")) from None
        if not (field.data or "").strip():
            raise ValidationError(_("Choose a file or paste the YAML."))
        if len(field.data.encode()) > MAX_IMPORT_BYTES:
            raise ValidationError(_("The text is longer than %(size)d KB.", size=MAX_IMPORT_BYTES // 1024))


@bp.route("/import", methods=["GET", "POST"])
@org_permission(Permission.EDIT_SURVEYS)
def import_yaml(org_id: int, survey_id: int):
    survey = survey_in_use(survey_id)
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        try:
            definition_files.import_survey_yaml(survey, form.text.data)
        except DefinitionFileError as error:
            db.session.rollback()
            problems = error.problems
        else:
            db.session.commit()
            flash(_("The survey now has the definition from the YAML."), "info")
            return redirect(url_for("builder.edit", org_id=org_id, survey_id=survey_id))
    page = render_template(
        "builder/import.html", survey=survey, form=form, problems=problems, max_kb=MAX_IMPORT_BYTES // 1024
    )
    return page, 400 if form.errors or problems else 200
