from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import services
from app.accounts.forms import LanguageForm, LoginForm
from app.core.urls import safe_next_url
from app.extensions import db

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("member.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            chosen_language = session.get("lang")
            session.clear()
            login_user(user)
            session["lang"] = chosen_language or user.locale
            return redirect(safe_next_url(request.args.get("next")) or url_for("member.dashboard"))
        flash(_("The e-mail address or password is wrong."), "error")
    status = 200 if not form.is_submitted() else 400 if form.errors else 401
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
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
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.language.data
        if current_user.is_authenticated:
            current_user.locale = form.language.data
            db.session.commit()
    return redirect(safe_next_url(request.args.get("next")) or url_for("member.dashboard"))
