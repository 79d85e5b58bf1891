from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, Email, Length

from app.i18n import LANGUAGE_SELF_NAMES


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(message=_l("Enter your e-mail address.")),
            Email(message=_l("Enter an e-mail address such as name@example.no.")),
            Length(max=254, message=_l("The e-mail address is too long.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Enter your password.")),
            Length(max=200, message=_l("The password is too long.")),
        ],
    )


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=list(LANGUAGE_SELF_NAMES))
