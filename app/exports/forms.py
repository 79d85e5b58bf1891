from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from app.exports.models import ExportFormat, ExportScope

FORMAT_NAMES = {
    ExportFormat.CSV: _l("CSV (comma-separated, UTF-8)"),
    ExportFormat.CSV_EXCEL_NB: _l("CSV for Norwegian Excel (semicolons, decimal comma)"),
    ExportFormat.XLSX: _l("Excel workbook (XLSX) with a codebook"),
    ExportFormat.SAV: _l("SPSS (.sav) with variable and value labels"),
}
SCOPE_NAMES = {
    ExportScope.COMPLETE: _l("Complete responses only"),
    ExportScope.ALL: _l("Complete and unfinished responses"),
}
LANGUAGE_NAMES = {"nb": _l("Bokmål"), "nn": _l("Nynorsk"), "en": _l("English")}


def _choices(names: dict) -> list[SelectChoice]:
    return [SelectChoice(str(value), label) for value, label in names.items()]


class ExportForm(FlaskForm):
    format = RadioField(
        _l("Format"),
        choices=_choices(FORMAT_NAMES),
        default=ExportFormat.XLSX.value,
        validators=[InputRequired()],
    )
    scope = RadioField(
        _l("Responses"),
        choices=_choices(SCOPE_NAMES),
        default=ExportScope.COMPLETE.value,
        validators=[InputRequired()],
    )
    language = RadioField(
        _l("Language of the labels"),
        choices=_choices(LANGUAGE_NAMES),
        default="nb",
        validators=[InputRequired()],
    )
    include_test = BooleanField(_l("Include responses given through test links"))


class ImportForm(FlaskForm):
    file = FileField(_l("File (CSV or XLSX)"))
