"""Forms of the data lifecycle pages: confirmations and the retention period."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField
from wtforms.validators import DataRequired, NumberRange, Optional

from app.responses.lifecycle import MAX_RETENTION_MONTHS


class ConfirmForm(FlaskForm):
    """A confirmation with nothing to fill in: the CSRF token is the form."""


class DeleteSurveyForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand that the survey and all its responses are deleted for good"),
        validators=[DataRequired(message=_l("Tick the box to confirm the deletion."))],
    )


class RetentionForm(FlaskForm):
    months = IntegerField(
        _l("Keep responses for this many months"),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_RETENTION_MONTHS,
                message=_l(
                    "Keep responses for 1 to %(most)d months, or leave the field empty.",
                    most=MAX_RETENTION_MONTHS,
                ),
            ),
        ],
    )
