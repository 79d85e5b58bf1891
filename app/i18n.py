"""Language of the interface: the user's choice, else the browser's preference, else Bokmål."""

from flask import Flask, current_app, g, has_request_context, request, session

from app.core.languages import DEFAULT_LANGUAGE, LANGUAGES
from app.extensions import babel

# Shown in each language's own name, so a visitor finds theirs whatever the page language is.
LANGUAGE_SELF_NAMES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT_LANGUAGE  # CLI commands and background jobs
    if g.get("respondent_language"):
        return g.respondent_language  # chosen among the languages the survey offers
    requested = _requested_interface_language()
    if requested in LANGUAGES:
        return requested
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    user = getattr(g, "_login_user", None)
    if user is not None and getattr(user, "locale", None) in LANGUAGES:
        return user.locale
    # Browsers often send plain "no" for Norwegian; treat it as Bokmål.
    best = request.accept_languages.best_match([*LANGUAGES, "no"])
    return DEFAULT_LANGUAGE if best in (None, "no") else best


def remember_requested_language() -> None:
    """A language asked for in the address (`?lang=en`) sticks for the rest of the visit."""
    requested = _requested_interface_language()
    if requested in LANGUAGES and session.get("lang") != requested:
        session["lang"] = requested


def survey_language_in_address(view):
    """Marks a view whose `?lang=` chooses the language a survey is shown in (its preview, its print
    version): a member who previews the English version keeps their own interface language."""
    view.survey_language_in_address = True
    return view


def _requested_interface_language() -> str | None:
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "survey_language_in_address", False):
        return None
    return request.args.get("lang")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(remember_requested_language)

    @app.context_processor
    def language_context():
        from flask_babel import get_locale

        return {"current_language": str(get_locale()), "language_names": LANGUAGE_SELF_NAMES}

    app.jinja_env.globals.update(template_globals())


def template_globals() -> dict:
    from flask_babel import format_date, format_datetime, format_number, get_locale

    from app.core.labels import (
        ERROR_TEXTS,
        ERROR_TITLES,
        ROLE_NAMES,
        SURVEY_ACTION_NAMES,
        SURVEY_STATUS_NAMES,
    )
    from app.organisations.forms import REVIEW_RULE_NAMES
    from app.reference.services import label

    return {
        "role_names": ROLE_NAMES,
        "status_names": SURVEY_STATUS_NAMES,
        "survey_action_names": SURVEY_ACTION_NAMES,
        "error_titles": ERROR_TITLES,
        "error_texts": ERROR_TEXTS,
        "format_number": format_number,
        "format_date": format_date,
        "format_datetime": format_datetime,
        "review_rule_names": REVIEW_RULE_NAMES,
        "reference_label": lambda list_name, code: label(list_name, code, str(get_locale())),
    }
