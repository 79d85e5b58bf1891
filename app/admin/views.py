"""NPU administration: organisations, users, advisors, deactivation, reference data."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.access.permissions import Permission
from app.access.policy import global_permission
from app.accounts import invitations
from app.accounts import services as accounts
from app.accounts.models import GlobalRole, Membership, User
from app.admin.forms import NO_GLOBAL_ROLE, AdminProfileForm, GlobalRoleForm, NewOrganisationForm
from app.core.forms import attach_error
from app.extensions import db
from app.organisations.forms import NpuTermsForm
from app.organisations.models import Organisation, ReviewRule
from app.organisations.services import OrganisationError, create_organisation
from app.organisations.settings import update_npu_terms, update_profile
from app.reference.services import reference_list

bp = Blueprint("admin", __name__, url_prefix="/admin")

COUNTRIES_SHOWN = 20


def _organisation_or_404(org_id: int) -> Organisation:
    organisation = db.session.get(Organisation, org_id)
    if organisation is None:
        abort(404)
    return organisation


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/")
@global_permission(Permission.ADMINISTER_ORGANISATIONS)
def index():
    return render_template("admin/index.html")


@bp.route("/organisations", methods=["GET", "POST"])
@global_permission(Permission.ADMINISTER_ORGANISATIONS)
def organisations():
    form = NewOrganisationForm().fill_choices()
    if form.validate_on_submit():
        try:
            organisation = create_organisation(
                name=form.name.data,
                orgnr="".join(form.orgnr.data.split()),
                sector=form.sector.data,
                fylke=form.fylke.data,
                size_band=form.size_band.data or None,
                is_member=form.is_member.data,
            )
        except OrganisationError as error:
            db.session.rollback()
            attach_error(form, error.field, str(error))
        else:
            db.session.commit()
            flash(_("%(name)s is registered.", name=organisation.name), "info")
            return redirect(url_for("admin.organisation", org_id=organisation.id))
    member_count = (
        select(func.count(Membership.id))
        .where(Membership.organisation_id == Organisation.id)
        .correlate(Organisation)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Organisation, member_count.label("member_count")).order_by(func.lower(Organisation.name))
    ).all()
    return render_template("admin/organisations.html", form=form, rows=rows), 400 if form.errors else 200


@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"])
@global_permission(Permission.ADMINISTER_ORGANISATIONS)
def organisation(org_id: int):
    organisation = _organisation_or_404(org_id)
    action = request.form.get("action") if request.method == "POST" else None
    profile_form = AdminProfileForm.for_organisation(
        organisation, formdata=None if action != "profile" else request.form
    )
    terms_form = NpuTermsForm(
        formdata=None if action != "terms" else request.form,
        obj=organisation,
        review_rule=organisation.review_rule.value,
    )
    if action == "profile" and profile_form.validate_on_submit():
        try:
            update_profile(organisation, **profile_form.profile_values())
        except OrganisationError as error:
            db.session.rollback()
            attach_error(profile_form, error.field, str(error))
        else:
            db.session.commit()
            flash(_("The details of %(name)s are saved.", name=organisation.name), "info")
            return redirect(url_for("admin.organisation", org_id=org_id))
    elif action == "terms" and terms_form.validate_on_submit():
        update_npu_terms(
            organisation,
            is_member=terms_form.is_member.data,
            review_rule=ReviewRule(terms_form.review_rule.data),
        )
        db.session.commit()
        flash(_("The NPU terms of %(name)s are saved.", name=organisation.name), "info")
        return redirect(url_for("admin.organisation", org_id=org_id))
    elif action not in (None, "profile", "terms"):
        abort(400)
    members = invitations.members(organisation)
    failed = bool(profile_form.errors or terms_form.errors)
    return render_template(
        "admin/organisation.html",
        organisation=organisation,
        profile_form=profile_form,
        terms_form=terms_form,
        members=members,
    ), 400 if failed else 200


@bp.route("/users")
@global_permission(Permission.ADMINISTER_USERS)
def users():
    found = db.session.scalars(
        select(User)
        .options(selectinload(User.memberships).selectinload(Membership.organisation))
        .order_by(func.lower(User.email))
    ).all()
    return render_template("admin/users.html", users=found)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@global_permission(Permission.ADMINISTER_USERS)
def user(user_id: int):
    user = _user_or_404(user_id)
    action = request.form.get("action") if request.method == "POST" else None
    role_form = GlobalRoleForm(
        formdata=None if action != "role" else request.form,
        global_role=user.global_role.value if user.global_role else NO_GLOBAL_ROLE,
    )
    is_self = user.id == current_user.id
    error = None
    if action == "role" and role_form.validate_on_submit():
        new_role = GlobalRole(role_form.global_role.data) if role_form.global_role.data else None
        if is_self and new_role != GlobalRole.ADMIN:
            role_form.global_role.errors.append(
                _("You cannot remove your own administrator role. Ask another administrator.")
            )
        else:
            user.global_role = new_role
            db.session.commit()
            flash(_("The NPU role of %(email)s is saved.", email=user.email), "info")
            return redirect(url_for("admin.user", user_id=user_id))
    elif action in ("deactivate", "reactivate"):
        # CSRFProtect has checked the token of this form before the view runs.
        if action == "deactivate" and is_self:
            error = _("You cannot deactivate your own account. Ask another administrator.")
        elif action == "deactivate":
            accounts.deactivate(user)
            db.session.commit()
            flash(_("%(email)s is deactivated and logged out everywhere.", email=user.email), "info")
            return redirect(url_for("admin.user", user_id=user_id))
        else:
            accounts.reactivate(user)
            db.session.commit()
            flash(_("%(email)s can log in again.", email=user.email), "info")
            return redirect(url_for("admin.user", user_id=user_id))
    elif action not in (None, "role"):
        abort(400)
    failed = bool(error or role_form.errors)
    return render_template(
        "admin/user.html",
        user=user,
        role_form=role_form,
        error=error,
        is_self=is_self,
        memberships=accounts.memberships_of(user),
    ), 400 if failed else 200


def _reference_rows(list_name: str) -> list[dict]:
    language = str(get_locale())
    return [
        dict(item, label=item["labels"].get(language) or item["labels"]["nb"])
        for item in reference_list(list_name)
    ]


@bp.route("/reference")
@global_permission(Permission.ADMINISTER_REFERENCE_DATA)
def reference():
    countries = _reference_rows("country")
    return render_template(
        "admin/reference.html",
        sectors=_reference_rows("sector"),
        fylker=_reference_rows("fylke"),
        size_bands=_reference_rows("size_band"),
        countries=countries[:COUNTRIES_SHOWN],
        country_count=len(countries),
        data_dir="app/reference/data/",
    )
