"""The member area: one organisation at a time, named in the URL (`/org/<org_id>/...`)."""

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access.permissions import Permission
from app.access.policy import get_in_organisation, logged_in, org_permission, survey_design_access
from app.accounts import invitations
from app.accounts.forms import InviteForm, RoleForm
from app.accounts.models import Invitation, Membership, OrgRole
from app.accounts.services import memberships_of
from app.answering import opt_ins
from app.core.forms import attach_error
from app.core.labels import OPT_IN_KIND_NAMES
from app.extensions import db
from app.organisations.forms import OrganisationProfileForm
from app.organisations.services import OrganisationError
from app.organisations.settings import update_appearance, update_profile
from app.questionnaires.definition import iter_questions
from app.responses import services as responses
from app.reviews import base_versions
from app.reviews import services as reviews
from app.surveys import lifecycle
from app.surveys.collectors import (
    CollectorError,
    add_collector,
    collector_in_organisation,
    local_to_utc,
    qr_code,
)
from app.surveys.collectors import link as collector_link
from app.surveys.forms import CollectorForm, SubmitForReviewForm, SurveyTitleForm
from app.surveys.models import Survey
from app.surveys.services import surveys_with_summaries

bp = Blueprint("member", __name__)


@bp.route("/")
@logged_in
def home():
    """The organisation used last, else the first one; NPU staff without one get their start page."""
    memberships = memberships_of(current_user)
    if not memberships:
        staff_start = {"admin": "admin.index", "advisor": "advisor.surveys"}
        if current_user.global_role is not None:
            return redirect(url_for(staff_start[current_user.global_role.value]))
        return render_template("member/no_organisation.html")
    chosen = next((m for m in memberships if m.organisation_id == session.get("org_id")), memberships[0])
    return redirect(url_for("member.dashboard", org_id=chosen.organisation_id))


@bp.before_request
def remember_organisation_in_use():
    # Written only on a change, so that browsing within one organisation does not rewrite the cookie.
    if g.get("organisation") is not None and session.get("org_id") != g.organisation.id:
        session["org_id"] = g.organisation.id


@bp.app_context_processor
def organisation_switcher():
    if not current_user.is_authenticated:
        return {}
    return {"my_memberships": memberships_of(current_user)}


@bp.route("/org/<int:org_id>/")
@org_permission(Permission.VIEW_RESULTS)
def dashboard(org_id: int):
    listings = surveys_with_summaries([org_id]).get(org_id, [])
    return render_template("member/dashboard.html", listings=listings)


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>")
@survey_design_access
def survey_design(org_id: int, survey_id: int):
    return _survey_overview(get_in_organisation(Survey, survey_id))


def _survey_overview(survey: Survey, submit_form=None, duplicate_form=None):
    """The survey's page: its state and what comes next, its actions, questions and history."""
    revision = survey.revisions[-1]
    failed = any(form is not None and form.errors for form in (submit_form, duplicate_form))
    if duplicate_form is None:
        duplicate_form = SurveyTitleForm(formdata=None, title=_("%(title)s (copy)", title=survey.title))
    page = render_template(
        "member/survey_design.html",
        survey=survey,
        revision=revision,
        live=lifecycle.live_revision(survey),
        questions=list(iter_questions(revision.definition)),
        actions=lifecycle.available_actions(survey),
        review_required=lifecycle.review_required(survey),
        history=reviews.audit_history(survey),
        threads=reviews.threads(survey),
        newer_base=base_versions.newer_base(survey),
        submit_form=submit_form or SubmitForReviewForm(formdata=None),
        duplicate_form=duplicate_form,
    )
    return page, 400 if failed else 200


def _change_state(org_id: int, survey_id: int, change, done: str):
    """Run a lifecycle change from a button on the survey's page; a refusal is shown there."""
    survey = get_in_organisation(Survey, survey_id)
    try:
        change(survey, current_user)
    except lifecycle.LifecycleError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(done, "info")
    return redirect(url_for("member.survey_design", org_id=org_id, survey_id=survey_id))


@bp.route("/org/<int:org_id>/surveys/new", methods=["GET", "POST"])
@org_permission(Permission.EDIT_SURVEYS)
def new_survey(org_id: int):
    form = SurveyTitleForm()
    if form.validate_on_submit():
        try:
            survey = lifecycle.create(g.organisation, current_user, form.title.data)
        except lifecycle.LifecycleError as error:
            db.session.rollback()
            form.title.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The survey is created as a draft."), "info")
            return redirect(url_for("member.survey_design", org_id=org_id, survey_id=survey.id))
    return render_template("member/new_survey.html", form=form), 400 if form.errors else 200


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>/submit", methods=["POST"])
@org_permission(Permission.SUBMIT_FOR_REVIEW)
def submit_survey(org_id: int, survey_id: int):
    form = SubmitForReviewForm()
    if not form.validate_on_submit():
        return _survey_overview(get_in_organisation(Survey, survey_id), submit_form=form)
    return _change_state(
        org_id,
        survey_id,
        lambda survey, user: reviews.submit(survey, user, form.message.data),
        _("The survey is submitted for review. NPU's advisors will look at it."),
    )


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>/withdraw", methods=["POST"])
@org_permission(Permission.EDIT_SURVEYS)
def withdraw_survey(org_id: int, survey_id: int):
    return _change_state(
        org_id, survey_id, lifecycle.withdraw, _("The survey is a draft again and can be changed.")
    )


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>/publish", methods=["POST"])
@org_permission(Permission.PUBLISH_SURVEYS)
def publish_survey(org_id: int, survey_id: int):
    return _change_state(
        org_id, survey_id, lifecycle.publish, _("The survey is published: its links take answers.")
    )


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>/close", methods=["POST"])
@org_permission(Permission.EDIT_SURVEYS)
def close_survey(org_id: int, survey_id: int):
    return _change_state(
        org_id, survey_id, lifecycle.close, _("The survey is closed: its links take no more answers.")
    )


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>/reopen", methods=["POST"])
@org_permission(Permission.PUBLISH_SURVEYS)
def reopen_survey(org_id: int, survey_id: int):
    return _change_state(org_id, survey_id, lifecycle.reopen, _("The survey is open again."))


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>/archive", methods=["POST"])
@org_permission(Permission.EDIT_SURVEYS)
def archive_survey(org_id: int, survey_id: int):
    return _change_state(org_id, survey_id, lifecycle.archive, _("The survey is archived."))


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>/revisions", methods=["POST"])
@org_permission(Permission.EDIT_SURVEYS)
def new_revision(org_id: int, survey_id: int):
    return _change_state(
        org_id,
        survey_id,
        lifecycle.start_new_revision,
        _("A new revision is started. The published revision takes answers until this one is published."),
    )


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>/revisions/discard", methods=["POST"])
@org_permission(Permission.EDIT_SURVEYS)
def discard_revision(org_id: int, survey_id: int):
    return _change_state(org_id, survey_id, lifecycle.discard_revision, _("The new revision is discarded."))


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>/duplicate", methods=["POST"])
@org_permission(Permission.EDIT_SURVEYS)
def duplicate_survey(org_id: int, survey_id: int):
    survey = get_in_organisation(Survey, survey_id)
    form = SurveyTitleForm()
    if form.validate_on_submit():
        try:
            copied = lifecycle.duplicate(survey, current_user, form.title.data)
        except lifecycle.LifecycleError as error:
            db.session.rollback()
            form.title.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The copy is created as a draft."), "info")
            return redirect(url_for("member.survey_design", org_id=org_id, survey_id=copied.id))
    return _survey_overview(survey, duplicate_form=form)


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>/delete", methods=["GET", "POST"])
@org_permission(Permission.EDIT_SURVEYS)
def delete_survey(org_id: int, survey_id: int):
    """A confirmation page, then the deletion: a plain form, so it works without JavaScript."""
    survey = get_in_organisation(Survey, survey_id)
    if request.method == "GET":
        refusal = lifecycle.refusal(survey, lifecycle.Action.DELETE)
        return render_template("member/delete_survey.html", survey=survey, refusal=refusal)
    title = survey.title
    try:
        lifecycle.delete_draft(survey, current_user)
    except lifecycle.LifecycleError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("member.survey_design", org_id=org_id, survey_id=survey_id))
    db.session.commit()
    flash(_("The draft “%(title)s” is deleted.", title=title), "info")
    return redirect(url_for("member.dashboard", org_id=org_id))


@bp.route("/org/<int:org_id>/members", methods=["GET", "POST"])
@org_permission(Permission.MANAGE_MEMBERS)
def members(org_id: int):
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitations.invite(g.organisation, form.email.data, OrgRole(form.role.data), current_user)
        except invitations.MembershipError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The invitation is sent to %(email)s.", email=form.email.data.strip().lower()), "info")
            return redirect(url_for("member.members", org_id=org_id))
    return render_template(
        "member/members.html",
        form=form,
        members=invitations.members(g.organisation),
        pending=invitations.pending_invitations(g.organisation),
    ), 400 if form.errors else 200


@bp.route("/org/<int:org_id>/members/<int:membership_id>/role", methods=["POST"])
@org_permission(Permission.MANAGE_MEMBERS)
def change_role(org_id: int, membership_id: int):
    membership = get_in_organisation(Membership, membership_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            invitations.change_role(membership, OrgRole(form.role.data))
        except invitations.MembershipError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The role of %(email)s is changed.", email=membership.user.email), "info")
    return redirect(url_for("member.members", org_id=org_id))


@bp.route("/org/<int:org_id>/members/<int:membership_id>/remove", methods=["POST"])
@org_permission(Permission.MANAGE_MEMBERS)
def remove_member(org_id: int, membership_id: int):
    membership = get_in_organisation(Membership, membership_id)
    email = membership.user.email
    try:
        invitations.remove_member(membership)
    except invitations.MembershipError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("%(email)s no longer has access to the organisation.", email=email), "info")
    return redirect(url_for("member.members", org_id=org_id))


@bp.route("/org/<int:org_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@org_permission(Permission.MANAGE_MEMBERS)
def revoke_invitation(org_id: int, invitation_id: int):
    invitation = get_in_organisation(Invitation, invitation_id)
    invitations.revoke(invitation)
    db.session.commit()
    flash(_("The invitation to %(email)s is withdrawn.", email=invitation.email), "info")
    return redirect(url_for("member.members", org_id=org_id))


@bp.route("/org/<int:org_id>/settings", methods=["GET", "POST"])
@org_permission(Permission.MANAGE_SETTINGS)
def settings(org_id: int):
    organisation = g.organisation
    form = OrganisationProfileForm.for_organisation(organisation)
    if form.validate_on_submit():
        try:
            update_profile(organisation, **form.profile_values())
            update_appearance(
                organisation,
                accent_colour=(form.accent_colour.data or "").strip() or None,
                logo=form.logo.data.read() if form.logo.data else None,
                remove_logo=form.remove_logo.data,
                embed_origins=form.embed_origins.data or "",
            )
        except OrganisationError as error:
            db.session.rollback()
            attach_error(form, error.field, str(error))
        else:
            db.session.commit()
            flash(_("The settings are saved."), "info")
            return redirect(url_for("member.settings", org_id=org_id))
    return render_template("member/settings.html", form=form), 400 if form.errors else 200


@bp.route("/org/<int:org_id>/logo")
@org_permission(Permission.VIEW_RESULTS)
def logo(org_id: int):
    if not g.organisation.logo:
        abort(404)
    return Response(g.organisation.logo, content_type=g.organisation.logo_content_type)


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>/links", methods=["GET", "POST"])
@org_permission(Permission.EDIT_SURVEYS)
def collectors(org_id: int, survey_id: int):
    survey = get_in_organisation(Survey, survey_id)
    form = CollectorForm()
    if form.validate_on_submit():
        try:
            add_collector(
                survey,
                name=form.name.data,
                event_tag=form.event_tag.data,
                event_date=form.event_date.data,
                opens_at=local_to_utc(form.opens_at.data),
                closes_at=local_to_utc(form.closes_at.data),
                response_cap=form.response_cap.data,
                allow_repeat=form.allow_repeat.data,
                is_test=form.is_test.data,
            )
        except CollectorError as error:
            attach_error(form, error.field, str(error))
        else:
            db.session.commit()
            flash(_("The link is ready."), "info")
            return redirect(url_for("member.collectors", org_id=org_id, survey_id=survey_id))
    return render_template(
        "member/collectors.html", survey=survey, form=form, link=collector_link
    ), 400 if form.errors else 200


@bp.route("/org/<int:org_id>/links/<int:collector_id>/qr.<any(svg, png):kind>")
@org_permission(Permission.EDIT_SURVEYS)
def collector_qr(org_id: int, collector_id: int, kind: str):
    collector = collector_in_organisation(collector_id, org_id)
    if collector is None:
        abort(404)
    content_type = "image/svg+xml" if kind == "svg" else "image/png"
    reply = Response(qr_code(collector, kind), content_type=content_type)
    reply.headers["Content-Disposition"] = f'attachment; filename="qr-{collector.id}.{kind}"'
    return reply


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>/test-responses/delete", methods=["POST"])
@org_permission(Permission.DELETE_TEST_RESPONSES)
def delete_test_responses(org_id: int, survey_id: int):
    survey = get_in_organisation(Survey, survey_id)
    deleted = responses.delete_test_responses(survey.id)
    db.session.commit()
    flash(_("%(count)d test responses are deleted.", count=deleted), "info")
    return redirect(url_for("member.collectors", org_id=org_id, survey_id=survey_id))


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>/opt-ins")
@org_permission(Permission.MANAGE_OPT_INS)
def opt_in_lists(org_id: int, survey_id: int):
    survey = get_in_organisation(Survey, survey_id)
    return render_template(
        "member/opt_ins.html", survey=survey, lists=opt_ins.lists(survey), kind_names=OPT_IN_KIND_NAMES
    )


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>/opt-ins.csv")
@org_permission(Permission.MANAGE_OPT_INS)
def opt_in_csv(org_id: int, survey_id: int):
    survey = get_in_organisation(Survey, survey_id)
    reply = Response(opt_ins.csv_export(survey), content_type="text/csv; charset=utf-8")
    reply.headers["Content-Disposition"] = f'attachment; filename="opt-ins-{survey.id}.csv"'
    return reply


@bp.route("/org/<int:org_id>/surveys/<int:survey_id>/opt-ins/delete", methods=["POST"])
@org_permission(Permission.MANAGE_OPT_INS)
def delete_opt_in_list(org_id: int, survey_id: int):
    survey = get_in_organisation(Survey, survey_id)
    deleted = opt_ins.delete_list(survey.id, request.form.get("code", ""))
    db.session.commit()
    flash(_("E-mail addresses deleted: %(count)d.", count=deleted), "info")
    return redirect(url_for("member.opt_in_lists", org_id=org_id, survey_id=survey_id))
