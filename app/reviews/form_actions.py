"""Posting and resolving review comments from a form: shared by the advisor's review page and the
member's builder, which differ only in where they send the user back to."""

from flask import abort, flash, request
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.reviews import services


def post_comment(survey) -> str | None:
    """Store the posted comment (or reply), flash the outcome; returns the question it concerns."""
    question_code = request.form.get("question") or None
    try:
        services.add_comment(
            survey,
            current_user,
            request.form.get("body", ""),
            question_code=question_code,
            parent_id=request.form.get("parent", type=int),
        )
    except services.ReviewError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("The comment is saved."), "info")
    return question_code


def resolve_comment(survey, comment_id: int):
    """Resolve a comment of this survey (404 for any other), flash the outcome; returns the comment."""
    comment = services.comment_in_survey(survey, comment_id)
    if comment is None:
        abort(404)
    try:
        services.resolve(comment, current_user)
    except services.ReviewError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("The comment is resolved."), "info")
    return comment
