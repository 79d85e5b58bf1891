"""NPU advisors: survey designs across organisations, the review queue, reviews and base versions.

Every route here needs a global permission; a survey is loaded by id across organisations, and
only while it is in a state advisors may read (`ADVISOR_READABLE_STATUSES`).
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.access.permissions import Permission
from app.access.policy import ADVISOR_READABLE_STATUSES, global_permission
from app.answering.presentation import condition_in_words
from app.answering.question_types import label
from app.design_checks import findings_by_question, findings_for_survey
from app.extensions import db
from app.questionnaires.definition import options_of
from app.reference.services import current_items
from app.reviews import base_versions, form_actions, services
from app.reviews.diff import continued_by
from app.surveys import lifecycle
from app.surveys.models import Survey

bp = Blueprint("advisor", __name__, url_prefix="/advisor")

QUEUE = global_permission(Permission.WORK_REVIEW_QUEUE)


@bp.context_processor
def review_helpers():
    return {"condition_in_words": condition_in_words, "options_of": options_of, "label": label}


@bp.route("/surveys")
@global_permission(Permission.READ_SUBMITTED_DESIGNS)
def surveys():
    found = db.session.scalars(
        select(Survey)
        .options(joinedload(Survey.organisation))
        .where(Survey.status.in_(ADVISOR_READABLE_STATUSES))
        .order_by(Survey.updated_at.desc())
    )
    return render_template("advisor/surveys.html", surveys=list(found))


def _queue_filters() -> services.QueueFilters:
    """The filters and sort order named in the query; an unknown value is a bad request."""
    sector, fylke = request.args.get("sector") or None, request.args.get("fylke") or None
    if sector not in {None, *(item["code"] for item in current_items("sector"))}:
        abort(400)
    if fylke not in {None, *(item["code"] for item in current_items("fylke"))}:
        abort(400)
    try:
        return services.QueueFilters(
            sector=sector,
            fylke=fylke,
            assigned=request.args.get("assigned", "all"),
            sort=request.args.get("sort", "submitted"),
        )
    except ValueError:
        abort(400)


@bp.route("/queue")
@QUEUE
def queue():
    filters = _queue_filters()
    language = str(get_locale())
    return render_template(
        "advisor/queue.html",
        items=services.queue(filters, current_user, language),
        filters=filters,
        sectors=current_items("sector"),
        fylker=current_items("fylke"),
        language=language,
    )


@bp.route("/my-reviews")
@QUEUE
def my_reviews():
    return render_template(
        "advisor/my_reviews.html", items=services.my_reviews(current_user, str(get_locale()))
    )


def _survey_for_review(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None or survey.status not in ADVISOR_READABLE_STATUSES:
        abort(404)
    return survey


def _back_to_review(survey: Survey, anchor: str | None = None):
    return redirect(url_for("advisor.review", survey_id=survey.id, _anchor=anchor))


@bp.route("/surveys/<int:survey_id>/assign", methods=["POST"])
@QUEUE
def assign(survey_id: int):
    survey = _survey_for_review(survey_id)
    try:
        services.assign(survey, current_user)
    except services.ReviewError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("“%(survey)s” is assigned to you.", survey=survey.title), "info")
    if request.form.get("next") == "review":
        return _back_to_review(survey)
    return redirect(url_for("advisor.queue"))


@bp.route("/surveys/<int:survey_id>")
@QUEUE
def review(survey_id: int):
    survey = _survey_for_review(survey_id)
    changes = services.changes_since_last_review(survey)
    findings = findings_for_survey(survey)
    return render_template(
        "advisor/review.html",
        survey=survey,
        definition=survey.revisions[-1].definition,
        design_findings=findings,
        question_findings=findings_by_question(findings),
        threads=services.threads(survey),
        changes=changes,
        history=services.audit_history(survey),
        assignment=services.assignment_of(survey),
        review_open=survey.status.value == "submitted",
    )


@bp.route("/surveys/<int:survey_id>/comments", methods=["POST"])
@QUEUE
def comment(survey_id: int):
    survey = _survey_for_review(survey_id)
    question_code = form_actions.post_comment(survey)
    return _back_to_review(survey, f"review-{question_code}" if question_code else "general-comments")


@bp.route("/surveys/<int:survey_id>/comments/<int:comment_id>/resolve", methods=["POST"])
@QUEUE
def resolve_comment(survey_id: int, comment_id: int):
    survey = _survey_for_review(survey_id)
    form_actions.resolve_comment(survey, comment_id)
    return _back_to_review(survey)


def _decide(survey_id: int, decision, done: str):
    survey = _survey_for_review(survey_id)
    try:
        decision(survey, current_user, request.form.get("message", ""))
    except lifecycle.LifecycleError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back_to_review(survey, "decision")
    db.session.commit()
    flash(done, "info")
    return redirect(url_for("advisor.queue"))


@bp.route("/surveys/<int:survey_id>/approve", methods=["POST"])
@QUEUE
def approve(survey_id: int):
    return _decide(survey_id, services.approve, _("The survey is approved. The organisation is told."))


@bp.route("/surveys/<int:survey_id>/request-changes", methods=["POST"])
@QUEUE
def request_changes(survey_id: int):
    return _decide(survey_id, services.request_changes, _("Changes are requested. The organisation is told."))


@bp.route("/base-versions")
@QUEUE
def base_version_list():
    return render_template("advisor/base_versions.html", versions=base_versions.versions())


@bp.route("/base-versions/compare")
@QUEUE
def base_version_diff():
    pair = base_versions.pair(request.args.get("from", type=int), request.args.get("to", type=int))
    if pair is None:
        abort(404)
    before, after = pair
    diff = base_versions.compare(before, after)
    return render_template(
        "advisor/base_version_diff.html",
        before=before,
        after=after,
        diff=diff,
        continued=continued_by(diff),
        versions=base_versions.versions(),
    )
