"""The one place access is decided.

Every view declares a rule with one of the decorators below; `enforce_access` runs before every
request and applies it. A view without a rule is refused, and a test fails for it.
Another organisation's objects answer 404, so their existence is not revealed.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, abort, current_app, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from app.access.permissions import GLOBAL_ROLE_PERMISSIONS, ORG_ROLE_PERMISSIONS, Permission
from app.accounts.models import Membership
from app.api.auth import authenticate as authenticate_api_request
from app.core.errors import render_error
from app.extensions import db, login_manager
from app.organisations.models import Organisation
from app.surveys.models import Survey, SurveyStatus

# Advisors read designs in these states, in every organisation.
ADVISOR_READABLE_STATUSES = (SurveyStatus.SUBMITTED, SurveyStatus.APPROVED, SurveyStatus.PUBLISHED)


@dataclass(frozen=True)
class AccessRule:
    kind: str  # public | login | org | global | design | api
    permission: Permission | None = None
    # Reachable before an advisor or admin has set up two-factor sign-in (the setup page itself).
    during_enrolment: bool = False


def _rule(rule: AccessRule) -> Callable:
    def decorate(view):
        view.access_rule = rule
        return view

    return decorate


def public(view):
    return _rule(AccessRule("public", during_enrolment=True))(view)


def logged_in(view=None, *, during_enrolment: bool = False):
    decorate = _rule(AccessRule("login", during_enrolment=during_enrolment))
    return decorate(view) if view is not None else decorate


def org_permission(permission: Permission) -> Callable:
    """The user must hold `permission` in the organisation named by the URL's `org_id`."""
    return _rule(AccessRule("org", permission))


def global_permission(permission: Permission) -> Callable:
    return _rule(AccessRule("global", permission))


def survey_design_access(view):
    """Members who may view designs; advisors when the survey is submitted, approved or published."""
    return _rule(AccessRule("design", Permission.VIEW_DESIGNS))(view)


def api_token(view):
    """A JSON API view: a valid bearer token names the organisation; the session is never used."""
    return _rule(AccessRule("api"))(view)


def rule_for_endpoint(app: Flask, endpoint: str | None) -> AccessRule | None:
    if endpoint == "static":
        return AccessRule("public", during_enrolment=True)
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def has_global_permission(user, permission: Permission) -> bool:
    return user.global_role is not None and permission in GLOBAL_ROLE_PERMISSIONS[user.global_role]


def membership_for(user, organisation_id: int) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.organisation_id == organisation_id)
    )


def may(permission: Permission) -> bool:
    """For templates: does the user hold `permission` in the organisation in use?"""
    membership = g.get("membership")
    return membership is not None and permission in ORG_ROLE_PERMISSIONS[membership.role]


def enforce_access():
    if request.endpoint is None:
        return None  # 404 or 405 follows
    return _decide(request.endpoint, request.view_args)


def _decide(endpoint: str, view_args: dict):
    """None when the request may go on; else a redirect to log in, or an abort (404, 403)."""
    rule = rule_for_endpoint(current_app, endpoint)
    if rule is None:
        abort(403)
    if rule.kind == "public":
        return None
    if rule.kind == "api":
        # 401 with a problem document, never a redirect to the login page.
        return authenticate_api_request()
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.two_factor_required and not current_user.two_factor_enabled and not rule.during_enrolment:
        return redirect(url_for("accounts.two_factor_setup"))
    if rule.kind == "login":
        return None
    if rule.kind == "global":
        if not has_global_permission(current_user, rule.permission):
            abort(404)
        return None
    return _enforce_organisation_rule(rule, view_args)


def _enforce_organisation_rule(rule: AccessRule, view_args: dict):
    organisation_id = view_args.get("org_id")
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None:
        abort(404)
    g.organisation = organisation
    g.membership = membership_for(current_user, organisation.id)
    if g.membership is not None:
        if rule.permission not in ORG_ROLE_PERMISSIONS[g.membership.role]:
            abort(403)
        return None
    if rule.kind == "design" and has_global_permission(current_user, Permission.READ_SUBMITTED_DESIGNS):
        survey = db.session.get(Survey, view_args.get("survey_id"))
        if survey is not None and survey.organisation_id == organisation.id:
            if survey.status in ADVISOR_READABLE_STATUSES:
                return None
    abort(404)


def get_in_organisation(model, object_id: int):
    """An object of the organisation in use, or 404: objects of other organisations do not exist here."""
    found = db.session.scalar(
        select(model).where(model.id == object_id, model.organisation_id == g.organisation.id)
    )
    if found is None:
        abort(404)
    return found


def hide_methods_of_unreachable_urls(error: MethodNotAllowed):
    """A wrong method on a URL the user may not reach answers as the URL would: 404 or a login page."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, view_args = adapter.match(method=sorted(error.valid_methods)[0])
        denied = _decide(endpoint, view_args)
    except HTTPException as refusal:
        return current_app.handle_http_exception(refusal)
    return denied if denied is not None else render_error(error)


def init_app(app: Flask) -> None:
    app.before_request(enforce_access)
    app.register_error_handler(MethodNotAllowed, hide_methods_of_unreachable_urls)
    app.jinja_env.globals["may"] = may
