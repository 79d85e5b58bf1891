from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.api_tokens.services import MAX_NAME_LENGTH


class ApiTokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Give the token a name, e.g. the tool that will use it.")),
            Length(max=MAX_NAME_LENGTH),
        ],
    )
