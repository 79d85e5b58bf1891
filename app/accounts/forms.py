from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.accounts.models import OrgRole
from app.core.labels import ROLE_NAMES
from app.i18n import LANGUAGE_SELF_NAMES


def email_field(label=None) -> EmailField:
    return EmailField(
        label or _l("E-mail address"),
        validators=[
            DataRequired(message=_l("Enter your e-mail address.")),
            Email(message=_l("Enter an e-mail address such as name@example.no.")),
            Length(max=254, message=_l("The e-mail address is too long.")),
        ],
    )


def new_password_fields():
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(message=_l("Choose a password.")),
            Length(min=10, max=200, message=_l("Use between 10 and 200 characters.")),
        ],
    )
    repeated = PasswordField(
        _l("Repeat the new password"),
        validators=[EqualTo("password", message=_l("The two passwords are not the same."))],
    )
    return password, repeated


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Enter your password.")),
            Length(max=200, message=_l("The password is too long.")),
        ],
    )


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[DataRequired(message=_l("Enter the code.")), Length(max=20)],
    )


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=list(LANGUAGE_SELF_NAMES))


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password, repeat_password = new_password_fields()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(message=_l("Enter your current password."))]
    )
    password, repeat_password = new_password_fields()


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=200, message=_l("Use at most 200 characters."))])
    language = SelectField(
        _l("Language"), choices=[SelectChoice(code, name) for code, name in LANGUAGE_SELF_NAMES.items()]
    )


class EnableTwoFactorForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[DataRequired(message=_l("Enter the code.")), Length(max=20)],
    )


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Enter your password."))])


class AcceptInvitationForm(FlaskForm):
    name = StringField(
        _l("Your name"), validators=[DataRequired(message=_l("Enter your name.")), Length(max=200)]
    )
    password, repeat_password = new_password_fields()


class InviteForm(FlaskForm):
    email = email_field(_l("E-mail address of the person to invite"))
    role = SelectField(
        _l("Role"), choices=[SelectChoice(role.value, ROLE_NAMES[role.value]) for role in OrgRole]
    )


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role"), choices=[SelectChoice(role.value, ROLE_NAMES[role.value]) for role in OrgRole]
    )
