"""The survey builder's blueprint: every page about one survey's design, under its URL."""

from flask import Blueprint, current_app

from app.access.policy import get_in_organisation
from app.surveys.models import Survey

bp = Blueprint("builder", __name__, url_prefix="/org/<int:org_id>/surveys/<int:survey_id>")


def survey_in_use(survey_id: int) -> Survey:
    """The survey named in the URL, of the organisation in use (404 for any other)."""
    return get_in_organisation(Survey, survey_id)


def _leaf_fields(form):
    for field in form:
        if hasattr(field, "form"):
            yield from _leaf_fields(field.form)
        elif hasattr(field, "entries"):
            for entry in field.entries:
                yield from _leaf_fields(entry.form) if hasattr(entry, "form") else [entry]
        elif field.type not in ("CSRFTokenField", "HiddenField"):
            yield field


def attach_error(form, field_id: str | None, message: str) -> None:
    """Show a service's or converter's message on the (possibly nested) field it names, else on the
    first field, so that the error summary links to it."""
    fields = list(_leaf_fields(form))
    target = next((field for field in fields if field.id == field_id), fields[0])
    target.errors = [*target.errors, message]


def form_errors(form) -> list[tuple[str, str, str]]:
    """Every error of a form with nested subforms, as (field name, element id, message)."""
    found = []
    for field in form:
        if hasattr(field, "form"):  # a FormField: its own fields
            found += form_errors(field.form)
        elif hasattr(field, "entries"):  # a FieldList of subforms
            for entry in field.entries:
                found += form_errors(entry.form) if hasattr(entry, "form") else []
        else:
            found += [(field.name, field.id, f"{field.label.text}: {message}") for message in field.errors]
    return found


def language_list(languages) -> str:
    from app.builder.forms import LANGUAGE_LABELS

    return ", ".join(str(LANGUAGE_LABELS[language]) for language in sorted(languages))


@bp.context_processor
def builder_helpers():
    return {
        "collect_errors": form_errors,
        "language_list": language_list,
        "view_functions": current_app.view_functions,
    }
