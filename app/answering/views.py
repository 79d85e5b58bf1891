"""Public answering pages: `/s/<token>`. No login, no IP address or device data stored."""

import hashlib
from dataclasses import replace

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf, validate_csrf
from sqlalchemy import select
from wtforms.validators import ValidationError

from app.access.policy import public
from app.answering import flow, opt_ins, presentation
from app.answering.question_types import label
from app.core import rate_limit
from app.extensions import csrf, db, login_manager
from app.organisations.models import Organisation
from app.responses.models import ResponseStatus
from app.security_headers import content_security_policy

bp = Blueprint("answer", __name__, url_prefix="/s")
presentation.init_blueprint(bp)


@bp.before_request
def answer_anonymously():
    """Survey pages never consult a login, not even a member's own: respondents are anonymous, and
    no login cookie is read, refreshed or cleared here."""
    g._login_user = login_manager.anonymous_user()


@bp.context_processor
def around_the_questions():
    """Every respondent page shows the organisation of its survey link and links to its pages."""
    collector = g.get("collector")
    return {"surroundings": presentation.link_surroundings(collector)} if collector else {}


RESUME_COOKIE = "gs_resume_{collector_id}"
SUBMISSIONS_PER_CLIENT = rate_limit.Limit("survey-submit", max_hits=60, window_seconds=60)
OPT_INS_PER_CLIENT = rate_limit.Limit("survey-opt-in", max_hits=30, window_seconds=60)
# This browser has just completed the survey of this link (its id): it may sign up for opt-ins.
# Which response it gave is not kept, so a sign-up cannot be tied to the answers.
COMPLETED_COLLECTOR = "completed_collector"


def _collector_or_404(token: str):
    collector = flow.collector_by_token(token)
    if collector is None or collector.published_revision_id is None:
        abort(404)  # a link of a survey never published leads nowhere yet
    g.embed_origins = collector.organisation.embed_origins
    g.collector = collector
    return collector


def _choose_language(definition: dict) -> str:
    offered = definition["languages"]
    requested = request.args.get("lang")
    if requested in offered:
        session["respondent_lang"] = requested
    chosen = session.get("respondent_lang")
    if chosen not in offered:
        chosen = request.accept_languages.best_match(offered) or offered[0]
    g.respondent_language = chosen
    return chosen


def _client_subject() -> str:
    """Rate limits count per client without keeping who the client is: a salted hash, expiring."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hashlib.sha256(secret + (request.remote_addr or "").encode()).hexdigest()[:32]


def _unavailable_page(collector, definition, state):
    if state == flow.CollectorState.NOT_YET_OPEN:
        return render_template("respondent/not_open.html", collector=collector, definition=definition), 200
    page = render_template("respondent/closed.html", collector=collector, definition=definition, state=state)
    return page, 410


@bp.route("/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
def answer(token: str):
    collector = _collector_or_404(token)
    revision = flow.published_revision(collector)
    definition = revision.definition
    language = _choose_language(definition)
    state = flow.collector_state(collector)
    cookie_name = RESUME_COOKIE.format(collector_id=collector.id)
    response = flow.response_for_resume_key(
        collector, request.cookies.get(cookie_name), lock=request.method == "POST"
    )
    if response is not None and response.status != ResponseStatus.PARTIAL and not collector.allow_repeat:
        if request.method == "POST":
            return redirect(url_for("answer.thanks", token=token))  # a second tap on Send
        return render_template("respondent/already.html", collector=collector, definition=definition)
    if state != flow.CollectorState.OPEN:
        return _unavailable_page(collector, definition, state)
    if response is not None and response.status != ResponseStatus.PARTIAL:
        response = None  # a tablet that takes one response after another starts afresh
    if response is not None and response.survey_revision_id != revision.id:
        definition = flow.frozen_revision(response.survey_revision_id).definition  # finish where it started

    given = flow.given_answers(definition, response)
    furthest = response.next_section if response else 0
    if request.method == "GET":
        wanted = max(min(request.args.get("page", furthest, type=int), furthest), 0)
        index = flow.first_page_with_questions(definition, wanted, given)
        return _render_page(collector, definition, flow.page(definition, index, given), given, {})

    index = request.form.get("page", type=int)
    valid_index = index is not None and 0 <= index <= furthest and index < len(definition["sections"])
    shown = flow.page(definition, index if valid_index else furthest, given)
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        # An expired token must not cost the respondent their answers: show them again to send.
        values = {**given, **flow.posted_values(shown, request.form)}
        notice = _("The page was open for a long time. Check your answers and send them again.")
        return _render_page(collector, definition, shown, values, {}, notice=notice), 400
    if not valid_index:
        abort(400)
    if current_app.config["SUBMISSION_RATE_LIMIT"] and not rate_limit.hit(
        SUBMISSIONS_PER_CLIENT, _client_subject()
    ):
        return render_template("respondent/too_many.html", collector=collector, definition=definition), 429

    result = flow.read_page(definition, shown, given, request.form)
    if request.form.get("action") == "back" and index > 0:
        if response is not None:
            flow.save_valid_answers(response, shown, result)
            db.session.commit()
        previous = max((i for i in range(index) if flow.page(definition, i, given).questions), default=0)
        return redirect(url_for("answer.answer", token=token, page=previous))
    if result.errors:
        values = {**given, **flow.posted_values(shown, request.form)}
        return _render_page(collector, definition, shown, values, result.errors), 400

    given = {**given, **result.values}
    outcome = flow.outcome_of_page(definition, index, given, result)
    new_key = None
    if response is None:
        submission_key = request.form.get("submission_key") or flow.new_key()
        answers = flow.page_answers(shown, result)
        started = flow.start_response(collector, revision, language, submission_key[:64], outcome, answers)
        if started.already_finished:
            return redirect(url_for("answer.thanks", token=token))  # this page was already received
        new_key, response = started.resume_key, started.existing
    if response is not None:  # a response resumed, or started by an earlier sending of this page
        flow.save_page(response.id, shown, result)
        flow.advance(response, outcome)
    if outcome.status == ResponseStatus.SCREENED_OUT:
        session["screen_out_message"] = label(result.screened_out_by["screen_out"], language)
        session.pop(COMPLETED_COLLECTOR, None)  # a tablet's previous respondent may have left it
    elif outcome.status == ResponseStatus.COMPLETE:
        session[COMPLETED_COLLECTOR] = collector.id
    db.session.commit()
    if outcome.next_page is None:
        target = url_for("answer.thanks", token=token)
    else:
        target = url_for("answer.answer", token=token, page=outcome.next_page)
    return _remember(redirect(target), cookie_name, new_key)


def _remember(reply, cookie_name: str, key: str | None):
    """The browser keeps the resume key for a week; it says nothing about who answers."""
    if key is not None:
        reply.set_cookie(
            cookie_name,
            key,
            max_age=flow.RESUME_DAYS * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            path=url_for("answer.answer", token=request.view_args["token"]),
        )
    return reply


@bp.after_request
def allow_embedding_on_listed_sites(reply):
    """Survey pages may be framed by the organisation's own sites, and by no other."""
    origins = g.get("embed_origins")
    if origins:
        reply.headers["Content-Security-Policy"] = content_security_policy(" ".join(["'self'", *origins]))
        reply.headers.pop("X-Frame-Options", None)
    return reply


def _render_page(collector, definition, shown, values, errors, notice=None):
    total = len(definition["sections"])
    is_last = flow.next_page_index(definition, shown.index, values) is None
    reply = make_response(
        render_template(
            "respondent/page.html",
            collector=collector,
            definition=definition,
            page=shown,
            total=total,
            values=values,
            errors=errors,
            notice=notice,
            form_action=url_for("answer.answer", token=collector.token),
            hidden_fields={
                "csrf_token": generate_csrf(),
                "page": shown.index,
                "submission_key": flow.new_key(),
            },
            is_last=is_last,
        )
    )
    return reply


def _survey_page(token: str, template: str, **context):
    """A page about the survey (not a question page), in the respondent's language."""
    collector = _collector_or_404(token)
    definition = flow.published_revision(collector).definition
    _choose_language(definition)
    return render_template(template, collector=collector, definition=definition, **context)


@bp.route("/<token>/thanks")
@public
def thanks(token: str):
    collector = _collector_or_404(token)
    definition = flow.published_revision(collector).definition
    _choose_language(definition)
    return _thanks_page(collector, definition, opt_in_saved=session.pop("opt_in_saved", False))


def _thanks_page(collector, definition, form=None, notice=None, opt_in_saved=False):
    """The thank-you page; a browser that has just completed the survey is offered its opt-ins."""
    return render_template(
        "respondent/thanks.html",
        collector=collector,
        definition=definition,
        screen_out_message=session.pop("screen_out_message", None),
        opt_ins=opt_ins.offered(definition) if _may_opt_in(collector) else [],
        form=form or opt_ins.OptInForm(),
        notice=notice,
        opt_in_saved=opt_in_saved,
    )


def _may_opt_in(collector) -> bool:
    return session.get(COMPLETED_COLLECTOR) == collector.id


def _csrf_token_valid() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


@bp.route("/<token>/opt-in", methods=["POST"])
@public
@csrf.exempt
def opt_in(token: str):
    collector = _collector_or_404(token)
    token_valid = _csrf_token_valid()
    if not token_valid and not _may_opt_in(collector):
        abort(400)  # as any form sent without a valid token
    definition = flow.published_revision(collector).definition
    _choose_language(definition)
    form = opt_ins.read_form(definition, request.form)
    if not token_valid:
        # As on the question pages, an expired token must not cost the respondent what they typed.
        notice = _("The page was open for a long time. Check the form and send it again.")
        return _thanks_page(collector, definition, replace(form, errors={}), notice), 400
    if not _may_opt_in(collector) or not opt_ins.offered(definition):
        page = render_template("respondent/opt_in_refused.html", collector=collector, definition=definition)
        return page, 403
    if current_app.config["SUBMISSION_RATE_LIMIT"] and not rate_limit.hit(
        OPT_INS_PER_CLIENT, _client_subject()
    ):
        return render_template("respondent/too_many.html", collector=collector, definition=definition), 429
    if form.errors:
        return _thanks_page(collector, definition, form), 400
    opt_ins.store(collector.survey_id, form.chosen, form.address)
    db.session.commit()
    session.pop(COMPLETED_COLLECTOR)  # one sign-up per completed survey
    session["opt_in_saved"] = True
    return redirect(url_for("answer.thanks", token=token))


@bp.route("/<token>/privacy")
@public
def privacy(token: str):
    return _survey_page(token, "respondent/privacy.html")


@bp.route("/<token>/accessibility")
@public
def accessibility(token: str):
    return _survey_page(token, "respondent/accessibility.html")


@bp.route("/<token>/theme.css")
@public
def theme(token: str):
    """The organisation's accent colour as a style sheet (the CSP allows no inline styles)."""
    collector = _collector_or_404(token)
    reply = current_app.response_class(
        presentation.theme_css(collector.organisation), content_type="text/css"
    )
    reply.headers["Cache-Control"] = "public, max-age=300"
    return reply


@bp.route("/<token>/logo")
@public
def logo(token: str):
    organisation = _collector_or_404(token).organisation
    logo = db.session.scalar(select(Organisation.logo).where(Organisation.id == organisation.id))
    if not logo:
        abort(404)
    return current_app.response_class(logo, content_type=organisation.logo_content_type)
