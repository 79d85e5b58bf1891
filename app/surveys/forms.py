from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DateTimeLocalField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class CollectorForm(FlaskForm):
    name = StringField(
        _l("Name of the link"),
        validators=[DataRequired(message=_l("Give the link a name.")), Length(max=120)],
    )
    event_tag = StringField(_l("Event or performance (optional)"), validators=[Optional(), Length(max=64)])
    event_date = DateField(_l("Date of the event (optional)"), validators=[Optional()])
    opens_at = DateTimeLocalField(_l("Opens (optional)"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    closes_at = DateTimeLocalField(_l("Closes (optional)"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    response_cap = IntegerField(
        _l("Maximum number of responses (optional)"),
        validators=[Optional(), NumberRange(min=1, message=_l("Use a whole number of at least 1."))],
    )
    allow_repeat = BooleanField(_l("Take one response after another on the same device (a tablet on site)"))
    is_test = BooleanField(_l("Test link: responses never count in results"))


class SurveyTitleForm(FlaskForm):
    """The title of a new survey, or of a copy of one."""

    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Give the survey a title.")), Length(max=200)],
    )


class SubmitForReviewForm(FlaskForm):
    message = TextAreaField(
        _l("Message to the advisor (optional)"), validators=[Optional(), Length(max=2000)]
    )
