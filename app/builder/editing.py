"""Editing a draft survey: pages, questions, conditions, the question bank, languages and texts.

Every action is a plain form post that works without JavaScript; the service
(`app/surveys/builder.py`) enforces the rules, whatever the request looks like.
"""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app.access.permissions import Permission
from app.access.policy import org_permission
from app.answering.question_types import label
from app.builder import question_form
from app.builder.blueprint import attach_error, bp, survey_in_use
from app.builder.forms import (
    QUESTION_TYPE_NAMES,
    BankModuleForm,
    BankQuestionForm,
    ConfirmForm,
    LanguagesForm,
    NewQuestionForm,
    QuestionForm,
    RulesForm,
    SectionForm,
    TextsForm,
)
from app.design_checks import Finding, findings_by_question, findings_for_survey
from app.extensions import db
from app.questionnaires.definition import iter_questions, options_of
from app.questionnaires.services import latest_bank_modules
from app.questionnaires.validation import translation_gaps
from app.reviews import services as reviews
from app.surveys import builder
from app.surveys.builder import BuilderError
from app.surveys.estimate import estimate_seconds, estimated_minutes

EDIT = org_permission(Permission.EDIT_SURVEYS)
# Design findings the page shows in its own way, under "To do before review".
LISTED_APART = ("empty_page", "missing_translation")


def _draft(survey_id: int):
    """The survey and its editable definition; a survey in review or published goes to its overview."""
    survey = survey_in_use(survey_id)
    revision = builder.working_revision(survey)
    if revision is None:
        flash(_("This survey is not a draft, so it cannot be edited now."), "info")
        return survey, None
    return survey, revision.definition


def _offset() -> int:
    """One step up or down, as the Up and Down buttons say."""
    return -1 if request.form.get("direction") == "up" else 1


def _overview(survey):
    return redirect(url_for("member.survey_design", org_id=survey.organisation_id, survey_id=survey.id))


def _back_to_builder(survey, anchor: str | None = None):
    return redirect(
        url_for("builder.edit", org_id=survey.organisation_id, survey_id=survey.id, _anchor=anchor)
    )


def _apply(survey, change, success: str, anchor: str | None = None):
    """Run a service change from a button; its refusal is shown on the builder page."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        change()
    except BuilderError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(success, "info")
    return _back_to_builder(survey, anchor)


@bp.route("/build")
@EDIT
def edit(org_id: int, survey_id: int):
    survey, definition = _draft(survey_id)
    if definition is None:
        return _overview(survey)
    modules = latest_bank_modules()
    module_form = BankModuleForm()
    module_form.module.choices = [
        SelectChoice(module.code, label(module.definition["title"])) for module in modules
    ]
    languages_form = LanguagesForm(languages=definition["languages"])
    return render_template(
        "builder/edit.html",
        survey=survey,
        definition=definition,
        gaps=_gaps_by_question(definition),
        empty_pages=[section for section in definition["sections"] if not section["questions"]],
        minutes=estimated_minutes(definition),
        seconds=estimate_seconds(definition),
        question_count=sum(1 for _ref in iter_questions(definition)),
        new_question_form=_new_question_form(definition),
        section_form=SectionForm(),
        module_form=module_form,
        languages_form=languages_form,
        type_names=QUESTION_TYPE_NAMES,
        condition_text=_condition_text,
        threads=reviews.threads(survey),
        **_design_findings(findings_for_survey(survey)),
    )


def _design_findings(findings: list[Finding]) -> dict:
    """All findings (for the counts), the rest by question code (None: about no one question),
    and the errors to fix before review."""
    shown = [finding for finding in findings if finding.code not in LISTED_APART]
    return {
        "design_findings": findings,
        "question_findings": findings_by_question(shown),
        "blocking_findings": [finding for finding in shown if finding.is_error],
    }


def _gaps_by_question(definition: dict) -> dict:
    """Missing translations, by question code ("" for texts of the survey or a page)."""
    paths = {ref.path: ref.question["code"] for ref in iter_questions(definition)}
    gaps: dict[str, set[str]] = {}
    for problem in translation_gaps(definition):
        owner = next((code for path, code in paths.items() if problem.path[: len(path)] == path), "")
        language = problem.message.split(": missing ", 1)[1].split()[0]  # "<path>: missing nn text (…)"
        gaps.setdefault(owner, set()).add(language)
    return gaps


def _condition_text(definition: dict, condition: dict | None) -> str:
    """A condition in words, for the builder's list of questions."""
    if not condition:
        return ""
    if "question" not in condition:
        return _("Shown under a combined condition (see the YAML definition).")
    target = next(
        (r.question for r in iter_questions(definition) if r.question["code"] == condition["question"]), None
    )
    if target is None:
        return ""
    for operator, template in (
        ("equals", _("Shown if the answer to “%(question)s” is “%(option)s”.")),
        ("includes", _("Shown if “%(option)s” is chosen in “%(question)s”.")),
        ("not_equals", _("Shown if the answer to “%(question)s” is not “%(option)s”.")),
    ):
        if operator in condition:
            option = next(
                (o for o in options_of(definition, target) or [] if o["code"] == condition[operator]), None
            )
            name = label(option["label"]) if option else condition[operator]
            return template % {"question": label(target["text"]), "option": name}
    return _("Shown depending on the answer to “%(question)s”.", question=label(target["text"]))


def _section_choices(definition: dict) -> list:
    return [SelectChoice(section["code"], label(section["title"])) for section in definition["sections"]]


def _new_question_form(definition: dict) -> NewQuestionForm:
    form = NewQuestionForm(request.args, meta={"csrf": False})
    form.section.choices = _section_choices(definition)
    return form


# --- Questions --------------------------------------------------------------------------------


@bp.route("/build/questions/new", methods=["GET", "POST"])
@EDIT
def new_question(org_id: int, survey_id: int):
    survey, definition = _draft(survey_id)
    if definition is None:
        return _overview(survey)
    question_type = request.args.get("question_type", "")
    section_code = request.args.get("section", "")
    if question_type not in QUESTION_TYPE_NAMES or section_code not in {
        s["code"] for s in definition["sections"]
    }:
        abort(404)
    return _question_page(
        survey,
        question_type,
        save=lambda form: builder.add_question(
            survey, section_code, question_form.build(form, question_type)
        ),
        prepare=question_form.add_empty_option_rows,
        saved=_("The question is added."),
    )


def _question_page(survey, question_type: str, *, save, prepare, saved: str, code: str | None = None):
    """The question form, new or edited: more option rows on request, else check and save."""
    form = QuestionForm()
    if request.method == "GET":
        prepare(form)
    elif request.form.get("action") == "more_options":
        question_form.add_empty_option_rows(form)
    elif form.validate_on_submit():
        try:
            stored_code = save(form) or code
        except (question_form.QuestionFormError, BuilderError) as error:
            db.session.rollback()
            attach_error(form, _field_name(error), error.message)
        else:
            db.session.commit()
            flash(saved, "info")
            return _back_to_builder(survey, f"question-{stored_code}")
    return render_template(
        "builder/question.html",
        survey=survey,
        form=form,
        question_type=question_type,
        type_names=QUESTION_TYPE_NAMES,
        creating=code is None,
        code=code,
    ), 400 if form.errors else 200


def _field_name(error) -> str | None:
    return getattr(error, "field", None)


@bp.route("/build/questions/<code>", methods=["GET", "POST"])
@EDIT
def edit_question(org_id: int, survey_id: int, code: str):
    survey, definition = _draft(survey_id)
    if definition is None:
        return _overview(survey)
    current = _question(definition, code)
    if current.get("locked") or builder.is_from_bank(current):
        flash(_("Common questions and questions from the question bank cannot be changed."), "info")
        return _back_to_builder(survey, f"question-{code}")

    def prepare(form: QuestionForm) -> None:
        question_form.fill(form, current, definition)
        question_form.add_empty_option_rows(form, 2 if current["type"] in question_form.CHOICE_TYPES else 0)

    return _question_page(
        survey,
        current["type"],
        save=lambda form: builder.update_question(
            survey, code, question_form.build(form, current["type"], keep=current)
        ),
        prepare=prepare,
        saved=_("The question is saved."),
        code=code,
    )


def _question(definition: dict, code: str) -> dict:
    question = next(
        (ref.question for ref in iter_questions(definition) if ref.question["code"] == code), None
    )
    if question is None:
        abort(404)
    return question


@bp.route("/build/questions/<code>/rules", methods=["GET", "POST"])
@EDIT
def question_rules(org_id: int, survey_id: int, code: str):
    """Whether an answer is required and when the question is shown, chosen from the earlier
    questions' options (no expressions to type)."""
    survey, definition = _draft(survey_id)
    if definition is None:
        return _overview(survey)
    question = _question(definition, code)
    if question.get("locked"):
        flash(_("Common questions keep the rules of the base questionnaire."), "info")
        return _back_to_builder(survey, f"question-{code}")
    choices = _condition_choices(definition, code)
    form = RulesForm()
    form.show_if.choices = [SelectChoice("", _("Always"))] + [
        SelectChoice(value, text) for value, text in choices
    ]
    if request.method == "GET":
        form.required.data = question.get("required", False)
        form.show_if.data, form.negate.data = _current_condition(question.get("show_if"))
    elif form.validate_on_submit():
        try:
            builder.set_question_rules(
                survey, code, required=form.required.data, show_if=_condition(definition, form)
            )
        except BuilderError as error:
            db.session.rollback()
            attach_error(form, "show_if", error.message)
        else:
            db.session.commit()
            flash(_("The rules of the question are saved."), "info")
            return _back_to_builder(survey, f"question-{code}")
    return render_template(
        "builder/rules.html", survey=survey, form=form, question=question, has_choices=bool(choices)
    ), 400 if form.errors else 200


def _condition_choices(definition: dict, code: str) -> list[tuple[str, str]]:
    """ "If the answer to <earlier question> is <option>", for every option of the choice questions
    before this one."""
    choices = []
    for ref in iter_questions(definition):
        question = ref.question
        if question["code"] == code:
            break
        if question["type"] not in ("single_choice", "multiple_choice"):
            continue
        for option in options_of(definition, question) or []:
            choices.append(
                (
                    f"{question['code']}={option['code']}",
                    _(
                        "if the answer to “%(question)s” is “%(option)s”",
                        question=label(question["text"]),
                        option=label(option["label"]),
                    ),
                )
            )
    return choices


def _current_condition(condition: dict | None) -> tuple[str, bool]:
    if not condition:
        return "", False
    negate = "not" in condition
    inner = condition["not"] if negate else condition
    if "question" not in inner:
        return "", False
    operand = inner.get("equals") or inner.get("includes") or inner.get("not_equals")
    return f"{inner['question']}={operand}", negate or "not_equals" in inner


def _condition(definition: dict, form: RulesForm) -> dict | None:
    if not form.show_if.data:
        return None
    question_code, option_code = form.show_if.data.split("=", 1)
    target = _question(definition, question_code)
    if target["type"] == "multiple_choice":
        condition = {"question": question_code, "includes": option_code}
        return {"not": condition} if form.negate.data else condition
    operator = "not_equals" if form.negate.data else "equals"
    return {"question": question_code, operator: option_code}


@bp.route("/build/questions/<code>/move", methods=["POST"])
@EDIT
def move_question(org_id: int, survey_id: int, code: str):
    survey = survey_in_use(survey_id)
    return _apply(
        survey,
        lambda: builder.move_question(survey, code, _offset()),
        _("The question is moved."),
        f"question-{code}",
    )


@bp.route("/build/questions/<code>/delete", methods=["POST"])
@EDIT
def delete_question(org_id: int, survey_id: int, code: str):
    survey = survey_in_use(survey_id)
    return _apply(survey, lambda: builder.delete_question(survey, code), _("The question is removed."))


@bp.route("/build/order", methods=["POST"])
@EDIT
def reorder(org_id: int, survey_id: int):
    """The whole layout from drag and drop: JSON {page code: [question codes]}."""
    survey = survey_in_use(survey_id)
    order = request.get_json(silent=True)
    if not isinstance(order, dict) or not all(
        isinstance(codes, list) and all(isinstance(code, str) for code in codes) for codes in order.values()
    ):
        abort(400)
    try:
        builder.reorder(survey, order)
    except BuilderError as error:
        db.session.rollback()
        return {"error": error.message}, 409
    db.session.commit()
    return {"ok": True}


# --- Pages ------------------------------------------------------------------------------------


@bp.route("/build/pages", methods=["POST"])
@EDIT
def add_section(org_id: int, survey_id: int):
    survey = survey_in_use(survey_id)
    form = SectionForm()
    if not form.validate_on_submit() or "nb" not in form.title.value():
        flash(_("Give the new page a title in Bokmål."), "error")
        return _back_to_builder(survey, "add-page")
    try:
        code = builder.add_section(survey, form.title.value(), form.intro.value())
    except BuilderError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back_to_builder(survey, "add-page")
    db.session.commit()
    flash(_("The page is added."), "info")
    return _back_to_builder(survey, f"page-{code}")


@bp.route("/build/pages/<section_code>", methods=["GET", "POST"])
@EDIT
def edit_section(org_id: int, survey_id: int, section_code: str):
    survey, definition = _draft(survey_id)
    if definition is None:
        return _overview(survey)
    section = next((s for s in definition["sections"] if s["code"] == section_code), None)
    if section is None:
        abort(404)
    form = SectionForm()
    if request.method == "GET":
        form.title.fill(section["title"])
        form.intro.fill(section.get("intro"))
    elif form.validate_on_submit():
        if "nb" not in form.title.value():
            attach_error(form, None, _("Give the page a title in Bokmål."))
        else:
            try:
                builder.update_section(survey, section_code, form.title.value(), form.intro.value())
            except BuilderError as error:
                db.session.rollback()
                attach_error(form, None, error.message)
            else:
                db.session.commit()
                flash(_("The page is saved."), "info")
                return _back_to_builder(survey, f"page-{section_code}")
    return render_template("builder/section.html", survey=survey, form=form, section=section), (
        400 if form.errors else 200
    )


@bp.route("/build/pages/<section_code>/move", methods=["POST"])
@EDIT
def move_section(org_id: int, survey_id: int, section_code: str):
    survey = survey_in_use(survey_id)
    return _apply(
        survey,
        lambda: builder.move_section(survey, section_code, _offset()),
        _("The page is moved."),
        f"page-{section_code}",
    )


@bp.route("/build/pages/<section_code>/delete", methods=["GET", "POST"])
@EDIT
def delete_section(org_id: int, survey_id: int, section_code: str):
    """A page and its questions go together, so a confirmation page asks first."""
    survey, definition = _draft(survey_id)
    if definition is None:
        return _overview(survey)
    section = next((s for s in definition["sections"] if s["code"] == section_code), None)
    if section is None:
        abort(404)
    if request.method == "POST":
        return _apply(survey, lambda: builder.delete_section(survey, section_code), _("The page is removed."))
    return render_template("builder/delete_section.html", survey=survey, section=section)


# --- The question bank ------------------------------------------------------------------------


@bp.route("/build/bank")
@EDIT
def bank(org_id: int, survey_id: int):
    survey, definition = _draft(survey_id)
    if definition is None:
        return _overview(survey)
    query = request.args.get("q", "").strip()[:200]
    found = builder.search_bank(query, str(get_locale()))
    present = builder.question_codes(definition)
    form = BankQuestionForm()
    form.section.choices = _section_choices(definition)
    if request.args.get("section") in {s["code"] for s in definition["sections"]}:
        form.section.data = request.args["section"]
    return render_template(
        "builder/bank.html",
        survey=survey,
        query=query,
        found=found,
        present=present,
        form=form,
        type_names=QUESTION_TYPE_NAMES,
    )


@bp.route("/build/bank/questions", methods=["POST"])
@EDIT
def add_bank_question(org_id: int, survey_id: int):
    survey, definition = _draft(survey_id)
    if definition is None:
        return _overview(survey)
    form = BankQuestionForm()
    form.section.choices = _section_choices(definition)
    if not form.validate_on_submit():
        abort(400)
    try:
        builder.add_bank_question(survey, form.module.data, form.question.data, form.section.data)
    except BuilderError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(
            url_for("builder.bank", org_id=org_id, survey_id=survey_id, q=request.args.get("q", ""))
        )
    db.session.commit()
    flash(_("The question from the question bank is added."), "info")
    return _back_to_builder(survey, f"question-{form.question.data}")


@bp.route("/build/bank/modules", methods=["POST"])
@EDIT
def add_bank_module(org_id: int, survey_id: int):
    survey = survey_in_use(survey_id)
    form = BankModuleForm()
    form.module.choices = [SelectChoice(module.code, module.code) for module in latest_bank_modules()]
    if not form.validate_on_submit():
        abort(400)
    try:
        builder.add_bank_module(survey, form.module.data)
    except BuilderError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back_to_builder(survey, "add-module")
    db.session.commit()
    flash(_("The module is added at the end of the survey."), "info")
    return _back_to_builder(survey)


# --- Languages and texts ----------------------------------------------------------------------


@bp.route("/build/languages", methods=["POST"])
@EDIT
def languages(org_id: int, survey_id: int):
    survey = survey_in_use(survey_id)
    form = LanguagesForm()
    if not form.validate_on_submit():
        abort(400)
    return _apply(
        survey, lambda: builder.set_languages(survey, form.languages.data), _("The languages are saved.")
    )


@bp.route("/build/texts", methods=["GET", "POST"])
@EDIT
def texts(org_id: int, survey_id: int):
    survey, definition = _draft(survey_id)
    if definition is None:
        return _overview(survey)
    form = TextsForm()
    if request.method == "GET":
        for key in ("title", "intro", "thank_you", "privacy_notice"):
            form[key].fill(definition.get(key))
    elif form.validate_on_submit():
        try:
            builder.update_texts(
                survey, {key: form[key].value() for key in ("title", "intro", "thank_you", "privacy_notice")}
            )
        except BuilderError as error:
            db.session.rollback()
            attach_error(form, None, error.message)
        else:
            db.session.commit()
            flash(_("The texts are saved."), "info")
            return _back_to_builder(survey)
    return render_template(
        "builder/texts.html", survey=survey, form=form, organisation=g.organisation
    ), 400 if form.errors else 200
