from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.access.policy import logged_in, public
from app.accounts import invitations, services, two_factor
from app.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ConfirmPasswordForm,
    EnableTwoFactorForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    SecondFactorForm,
)
from app.accounts.models import User
from app.accounts.sessions import start_session
from app.accounts.tokens import user_for_reset_token
from app.core import rate_limit
from app.core.types import utcnow
from app.core.urls import safe_next_url
from app.extensions import db

bp = Blueprint("accounts", __name__)

LOGIN_PER_ACCOUNT = rate_limit.Limit("login-account", max_hits=10, window_seconds=15 * 60)
LOGIN_PER_CLIENT = rate_limit.Limit("login-client", max_hits=100, window_seconds=15 * 60)
SECOND_FACTOR_PER_ACCOUNT = rate_limit.Limit("second-factor", max_hits=10, window_seconds=15 * 60)
RESET_PER_ADDRESS = rate_limit.Limit("password-reset", max_hits=5, window_seconds=60 * 60)
PENDING_LOGIN = "pending_login"
# The second factor must follow the password within this time.
PENDING_LOGIN_LIFETIME = timedelta(minutes=10)


def _too_many_attempts():
    return render_template("accounts/too_many.html"), 429


def _complete_login(user: User, next_url: str | None):
    """Start a fresh session (a new session id) for the user, keeping the chosen language."""
    language = session.get("lang")
    session.clear()
    login_user(user)
    start_session()
    session["lang"] = language or user.locale
    rate_limit.reset(LOGIN_PER_ACCOUNT, user.email.lower())
    return redirect(safe_next_url(next_url) or url_for("member.home"))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("member.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if not rate_limit.hit(LOGIN_PER_ACCOUNT, email) or not rate_limit.hit(
            LOGIN_PER_CLIENT, request.remote_addr
        ):
            return _too_many_attempts()
        user = services.authenticate(email, form.password.data)
        if user is not None and user.two_factor_enabled:
            session[PENDING_LOGIN] = {
                "user": user.id,
                "generation": user.session_generation,
                "next": request.args.get("next"),
                "at": utcnow().isoformat(),
            }
            return redirect(url_for("accounts.login_second_factor"))
        if user is not None:
            return _complete_login(user, request.args.get("next"))
        flash(_("The e-mail address or password is wrong."), "error")
    status = 200 if not form.is_submitted() else 400 if form.errors else 401
    return render_template("accounts/login.html", form=form), status


@bp.route("/login/two-factor", methods=["GET", "POST"])
@public
def login_second_factor():
    pending = session.get(PENDING_LOGIN)
    fresh = pending and utcnow() - datetime.fromisoformat(pending["at"]) < PENDING_LOGIN_LIFETIME
    user = db.session.get(User, pending["user"]) if fresh else None
    if user is None or user.session_generation != pending["generation"] or not user.is_active:
        session.pop(PENDING_LOGIN, None)
        return redirect(url_for("accounts.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        if not rate_limit.hit(SECOND_FACTOR_PER_ACCOUNT, str(user.id)):
            return _too_many_attempts()
        if two_factor.verify_second_factor(user, form.code.data):
            db.session.commit()
            rate_limit.reset(SECOND_FACTOR_PER_ACCOUNT, str(user.id))
            return _complete_login(user, pending.get("next"))
        form.code.errors.append(_("The code is not valid. Check the time on your phone and try again."))
    return render_template("accounts/second_factor.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@logged_in(during_enrolment=True)
def logout():
    services.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    flash(_("You are logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/language", methods=["POST"])
@public
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.language.data
        if current_user.is_authenticated:
            current_user.locale = form.language.data
            db.session.commit()
    return redirect(safe_next_url(request.args.get("next")) or url_for("member.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if not rate_limit.hit(RESET_PER_ADDRESS, email):
            return _too_many_attempts()
        services.request_password_reset(email)
        db.session.commit()
        return render_template("accounts/reset_requested.html", email=email)
    return render_template("accounts/forgot_password.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    user = user_for_reset_token(token)
    if user is None:
        return render_template("accounts/link_expired.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(user, form.password.data)
        except services.PasswordError as error:
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your password is changed. Log in with the new password."), "info")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), 400 if form.errors else 200


@bp.route("/account", methods=["GET", "POST"])
@logged_in
def account():
    form = ProfileForm(obj=current_user, language=current_user.locale)
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.locale = session["lang"] = form.language.data
        db.session.commit()
        flash(_("Your details are saved."), "info")
        return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form), 400 if form.errors else 200


@bp.route("/account/password", methods=["GET", "POST"])
@logged_in
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.PasswordError as error:
            form.current_password.errors.append(str(error))
        else:
            user = current_user._get_current_object()
            db.session.commit()
            # Every other session has ended; this one continues under the new generation.
            login_user(user)
            flash(_("Your password is changed. You are logged out everywhere else."), "info")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form), 400 if form.errors else 200


@bp.route("/account/two-factor", methods=["GET", "POST"])
@logged_in(during_enrolment=True)
def two_factor_setup():
    if current_user.two_factor_enabled:
        return render_template("accounts/two_factor_enabled.html", form=ConfirmPasswordForm())
    secret = session.get("totp_setup_secret") or two_factor.new_secret()
    session["totp_setup_secret"] = secret
    form = EnableTwoFactorForm()
    if form.validate_on_submit():
        codes = two_factor.enable(current_user, secret, form.code.data)
        if codes is not None:
            db.session.commit()
            session.pop("totp_setup_secret", None)
            return render_template("accounts/recovery_codes.html", codes=codes)
        form.code.errors.append(_("The code is not valid. Check the time on your phone and try again."))
    uri = two_factor.provisioning_uri(current_user, secret)
    return render_template(
        "accounts/two_factor_setup.html", form=form, secret=secret, qr=two_factor.qr_svg_data_uri(uri)
    ), 400 if form.errors else 200


@bp.route("/account/two-factor/disable", methods=["POST"])
@logged_in
def disable_two_factor():
    if current_user.two_factor_required:
        abort(403)
    form = ConfirmPasswordForm()
    if form.validate_on_submit() and services.authenticate(current_user.email, form.password.data):
        two_factor.disable(current_user)
        db.session.commit()
        flash(_("Two-factor sign-in is turned off."), "info")
        return redirect(url_for("accounts.account"))
    form.password.errors.append(_("The password is wrong."))
    return render_template("accounts/two_factor_enabled.html", form=form), 400


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    invitation = invitations.find_invitation(token)
    if invitation is None:
        return render_template("accounts/link_expired.html"), 410
    form = AcceptInvitationForm()
    account_exists = services.find_user_by_email(invitation.email) is not None
    if current_user.is_authenticated and request.method == "POST":
        try:
            membership = invitations.accept(invitation, current_user)
        except invitations.MembershipError as error:
            flash(str(error), "error")
            return render_template(
                "accounts/invitation.html", invitation=invitation, form=form, account_exists=account_exists
            ), 403
        else:
            db.session.commit()
            return redirect(url_for("member.dashboard", org_id=membership.organisation_id))
    elif not current_user.is_authenticated and not account_exists and form.validate_on_submit():
        try:
            user = invitations.accept_with_new_account(invitation, form.name.data, form.password.data)
        except invitations.MembershipError as error:
            form.password.errors.append(str(error))
        except services.PasswordError as error:
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            return _complete_login(user, url_for("member.dashboard", org_id=invitation.organisation_id))
    return render_template(
        "accounts/invitation.html", invitation=invitation, form=form, account_exists=account_exists
    ), 400 if form.errors else 200
