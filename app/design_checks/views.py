"""The guidance page the design-check findings link to: what each check looks for and what to do."""

from flask import Blueprint, render_template

from app.access.policy import public
from app.design_checks.catalogue import CHECKS, SEVERITY_NAMES

bp = Blueprint("design_checks", __name__, url_prefix="/help")


@bp.route("/design-checks")
@public
def guidance():
    return render_template(
        "design_checks/guidance.html", checks=CHECKS.values(), severity_names=SEVERITY_NAMES
    )
