"""Seeing a survey as its respondents will: the preview (full width or in a phone-sized frame) and
the print version. The preview renders the respondent templates themselves and stores nothing."""

from flask import abort, current_app, g, make_response, render_template, request, url_for
from flask_wtf.csrf import generate_csrf

from app.access.permissions import Permission
from app.access.policy import may, survey_design_access
from app.answering import flow, presentation
from app.answering import preview as preview_flow
from app.answering.opt_ins import OptInForm
from app.answering.question_types import label
from app.builder.blueprint import bp, survey_in_use
from app.i18n import survey_language_in_address
from app.security_headers import content_security_policy
from app.surveys.builder import working_revision
from app.surveys.definition_files import newest_definition

presentation.init_blueprint(bp)


@bp.context_processor
def printing_helpers():
    return {
        "condition_in_words": presentation.condition_in_words,
        "printed_choices": presentation.printed_choices,
    }


def _survey_language(definition: dict) -> str:
    """The language asked for when the survey offers it, else its first (Bokmål); the page speaks it."""
    offered = definition["languages"]
    requested = request.args.get("lang")
    g.respondent_language = requested if requested in offered else offered[0]
    return g.respondent_language


@bp.route("/preview", methods=["GET", "POST"])
@survey_design_access
@survey_language_in_address
def preview(org_id: int, survey_id: int):
    survey = survey_in_use(survey_id)
    definition = newest_definition(survey)
    language = _survey_language(definition)
    if request.method == "POST":
        step = preview_flow.submit(definition, request.form)
        if step is None:
            abort(400)
    else:
        step = preview_flow.start(definition, request.args.get("page", 0, type=int))
    reply = make_response(_render_step(survey, definition, language, step), 400 if step.errors else 200)
    # The phone-sized view frames this page; every other page refuses to be framed.
    reply.headers["Content-Security-Policy"] = content_security_policy("'self'")
    reply.headers["X-Frame-Options"] = "SAMEORIGIN"
    return reply


def _render_step(survey, definition: dict, language: str, step: preview_flow.Step) -> str:
    surroundings = _surroundings(survey, language)
    if step.page is None:
        screened_out_by = step.screened_out_by
        return render_template(
            "respondent/thanks.html",
            definition=definition,
            surroundings=surroundings,
            screen_out_message=label(screened_out_by["screen_out"], language) if screened_out_by else None,
            opt_ins=[],  # signing up would store an address
            form=OptInForm(),
            notice=None,
            opt_in_saved=False,
        )
    return render_template(
        "respondent/page.html",
        definition=definition,
        surroundings=surroundings,
        page=step.page,
        total=len(definition["sections"]),
        values=step.values,
        errors=step.errors,
        notice=None,
        is_last=flow.next_page_index(definition, step.page.index, step.values) is None,
        form_action=url_for(
            "builder.preview", org_id=survey.organisation_id, survey_id=survey.id, lang=language
        ),
        hidden_fields={"csrf_token": generate_csrf(), "page": step.page.index, "answers": step.carried},
    )


def _surroundings(survey, language: str) -> presentation.Surroundings:
    ids = {"org_id": survey.organisation_id, "survey_id": survey.id}
    return presentation.Surroundings(
        organisation=survey.organisation,
        theme_url=url_for("builder.preview_theme", **ids),
        logo_url=url_for("builder.preview_logo", **ids),
        preview=presentation.PreviewLinks(
            restart=url_for("builder.preview", **ids, lang=language), back=_back_url(survey)
        ),
    )


def _back_url(survey) -> str:
    """To the builder while the survey is a draft its viewer may edit, else to its overview."""
    editable = may(Permission.EDIT_SURVEYS) and working_revision(survey) is not None
    endpoint = "builder.edit" if editable else "member.survey_design"
    return url_for(endpoint, org_id=survey.organisation_id, survey_id=survey.id)


@bp.route("/preview/phone")
@survey_design_access
@survey_language_in_address
def preview_phone(org_id: int, survey_id: int):
    survey = survey_in_use(survey_id)
    definition = newest_definition(survey)
    requested = request.args.get("lang")
    language = requested if requested in definition["languages"] else definition["languages"][0]
    return render_template(
        "builder/preview_phone.html", survey=survey, definition=definition, language=language
    )


@bp.route("/preview/theme.css")
@survey_design_access
def preview_theme(org_id: int, survey_id: int):
    organisation = survey_in_use(survey_id).organisation
    return current_app.response_class(presentation.theme_css(organisation), content_type="text/css")


@bp.route("/preview/logo")
@survey_design_access
def preview_logo(org_id: int, survey_id: int):
    """The organisation's logo for the preview and the print version (advisors see them too)."""
    organisation = survey_in_use(survey_id).organisation
    if not organisation.logo:
        abort(404)
    return current_app.response_class(organisation.logo, content_type=organisation.logo_content_type)


@bp.route("/print")
@survey_design_access
@survey_language_in_address
def print_view(org_id: int, survey_id: int):
    survey = survey_in_use(survey_id)
    definition = newest_definition(survey)
    language = _survey_language(definition)
    return render_template(
        "builder/print.html",
        survey=survey,
        definition=definition,
        language=language,
        back_url=_back_url(survey),
    )
