"""Owners' page for API tokens: `/org/<org_id>/settings/api-tokens`."""

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access.permissions import Permission
from app.access.policy import get_in_organisation, org_permission
from app.api_tokens import services
from app.api_tokens.forms import ApiTokenForm
from app.api_tokens.models import ApiToken
from app.core.forms import attach_error
from app.extensions import db

bp = Blueprint("api_tokens", __name__)


def _page(form: ApiTokenForm, new_token: services.NewToken | None = None, status: int = 200):
    tokens = services.tokens_of(g.organisation.id)
    return render_template("api_tokens/index.html", form=form, tokens=tokens, new_token=new_token), status


@bp.route("/org/<int:org_id>/settings/api-tokens", methods=["GET", "POST"])
@org_permission(Permission.MANAGE_API_TOKENS)
def index(org_id: int):
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400 if form.errors else 200)
    try:
        new_token = services.create_token(g.organisation, current_user, form.name.data)
    except services.ApiTokenError as error:
        attach_error(form, "name", str(error))
        return _page(form, status=400)
    db.session.commit()
    # Rendered, not redirected: a flashed token would travel in the session cookie. The page is
    # never cached (Cache-Control: no-store), so the token is shown this once.
    return _page(ApiTokenForm(formdata=None), new_token=new_token)


@bp.route("/org/<int:org_id>/settings/api-tokens/<int:token_id>/revoke", methods=["POST"])
@org_permission(Permission.MANAGE_API_TOKENS)
def revoke(org_id: int, token_id: int):
    token = get_in_organisation(ApiToken, token_id)
    services.revoke_token(token, current_user)
    db.session.commit()
    flash(_("The token “%(name)s” is revoked and no longer works.", name=token.name), "info")
    return redirect(url_for("api_tokens.index", org_id=org_id))
