"""Members answer advisors' comments beside the questions and on the survey's page, and move a
draft to the newest base questionnaire."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from app.access.permissions import Permission
from app.access.policy import org_permission
from app.builder.blueprint import bp, survey_in_use
from app.extensions import db
from app.reviews import base_versions, form_actions

EDIT = org_permission(Permission.EDIT_SURVEYS)


def _back(survey, question_code: str | None):
    """To the question in the builder, or to the comments on the survey's page."""
    if question_code:
        return redirect(
            url_for(
                "builder.edit",
                org_id=survey.organisation_id,
                survey_id=survey.id,
                _anchor=f"question-{question_code}",
            )
        )
    return redirect(
        url_for(
            "member.survey_design",
            org_id=survey.organisation_id,
            survey_id=survey.id,
            _anchor="review-comments",
        )
    )


@bp.route("/comments", methods=["POST"])
@EDIT
def add_comment(org_id: int, survey_id: int):
    survey = survey_in_use(survey_id)
    question_code = form_actions.post_comment(survey)
    return _back(survey, question_code)


@bp.route("/comments/<int:comment_id>/resolve", methods=["POST"])
@EDIT
def resolve_comment(org_id: int, survey_id: int, comment_id: int):
    survey = survey_in_use(survey_id)
    comment = form_actions.resolve_comment(survey, comment_id)
    return _back(survey, comment.question_code)


@bp.route("/base-version", methods=["POST"])
@EDIT
def move_to_newest_base(org_id: int, survey_id: int):
    survey = survey_in_use(survey_id)
    try:
        version = base_versions.move_to_newest_base(survey)
    except base_versions.BaseVersionError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("The survey now uses the base questionnaire %(version)s.", version=version.version), "info")
    return _back(survey, None)
