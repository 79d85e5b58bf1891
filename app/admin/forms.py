"""Forms of the administration pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from app.accounts.models import GlobalRole
from app.core.labels import ROLE_NAMES
from app.organisations.forms import OrganisationProfileForm

NO_GLOBAL_ROLE = ""


class NewOrganisationForm(OrganisationProfileForm):
    """What NPU registers about a new organisation; the look of respondent pages is the owner's."""

    benchmark_opt_in = None
    accent_colour = None
    logo = None
    remove_logo = None
    embed_origins = None
    is_member = BooleanField(_l("Member of NPU"), default=True)


class AdminProfileForm(OrganisationProfileForm):
    accent_colour = None
    logo = None
    remove_logo = None
    embed_origins = None


class GlobalRoleForm(FlaskForm):
    global_role = SelectField(
        _l("NPU role"),
        choices=[
            SelectChoice(NO_GLOBAL_ROLE, _l("None (organisation roles only)")),
            SelectChoice(GlobalRole.ADVISOR.value, ROLE_NAMES["advisor"]),
            SelectChoice(GlobalRole.ADMIN.value, ROLE_NAMES["admin"]),
        ],
    )
