from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.organisations.models import ReviewRule
from app.reference.services import current_items

REVIEW_RULE_NAMES = {
    ReviewRule.ALWAYS.value: _l("Always: every survey and every new revision"),
    ReviewRule.FIRST_SURVEY.value: _l("The organisation's first survey only"),
    ReviewRule.NEVER.value: _l("Never"),
}


def reference_choices(list_name: str, blank: str | None = None) -> list[SelectChoice]:
    language = str(get_locale())
    choices = [SelectChoice("", blank)] if blank else []
    return choices + [
        SelectChoice(item["code"], item["labels"].get(language, item["labels"]["nb"]))
        for item in current_items(list_name)
    ]


class OrganisationProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter the name.")), Length(max=200)])
    orgnr = StringField(
        _l("Organisation number"),
        validators=[DataRequired(message=_l("Enter the organisation number.")), Length(max=11)],
    )
    sector = SelectField(_l("Sector"))
    fylke = SelectField(_l("County"))
    size_band = SelectField(_l("Size (full-time equivalents)"))
    benchmark_opt_in = BooleanField(_l("Contributes its responses, anonymised, to peer comparisons"))
    accent_colour = StringField(
        _l("Accent colour for respondent pages"), validators=[Optional(), Length(max=7)]
    )
    logo = FileField(_l("Logo for respondent pages (PNG or JPEG, at most 256 KB)"))
    remove_logo = BooleanField(_l("Remove the current logo"))
    embed_origins = TextAreaField(
        _l("Websites that may show your surveys embedded (one address per line)"),
        validators=[Optional(), Length(max=1000)],
    )

    @classmethod
    def for_organisation(cls, organisation, **kwargs) -> "OrganisationProfileForm":
        return cls(
            obj=organisation,
            embed_origins="\n".join(organisation.embed_origins or []),
            sector=organisation.sector_code,
            fylke=organisation.fylke_code,
            size_band=organisation.size_band_code or "",
            **kwargs,
        ).fill_choices()

    def profile_values(self) -> dict:
        """The identifying data as `update_profile` takes it."""
        return {
            "name": self.name.data,
            "orgnr": "".join(self.orgnr.data.split()),
            "sector": self.sector.data,
            "fylke": self.fylke.data,
            "size_band": self.size_band.data or None,
            "benchmark_opt_in": self.benchmark_opt_in.data,
        }

    def fill_choices(self) -> "OrganisationProfileForm":
        self.sector.choices = reference_choices("sector")
        self.fylke.choices = reference_choices("fylke")
        self.size_band.choices = reference_choices("size_band", blank=_l("Not given"))
        return self


class NpuTermsForm(FlaskForm):
    is_member = BooleanField(_l("Member of NPU"))
    review_rule = SelectField(
        _l("Surveys need an advisor's approval before publishing"),
        choices=[SelectChoice(value, label) for value, label in REVIEW_RULE_NAMES.items()],
    )
