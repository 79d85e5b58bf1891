"""Editing a survey's draft definition.

Every change goes through `save_definition`, whether it comes from the builder's forms, a YAML
import or a hand-made request: the definition must stay valid, the common (locked) questions stay
exactly as the base questionnaire has them, and questions from the question bank stay as the bank
has them (only where they stand, whether they are required and when they are shown are the
survey's own), so that both remain comparable with other organisations.
"""

import copy
import json
import re
import unicodedata
from collections.abc import Callable

from flask_babel import gettext as _

from app.answering.question_types import label
from app.core.types import utcnow
from app.questionnaires.definition import iter_questions, options_of
from app.questionnaires.models import BankModule
from app.questionnaires.services import latest_bank_modules
from app.questionnaires.validation import check_definition
from app.surveys.models import Survey, SurveyRevision, SurveyStatus

EDITABLE_STATUSES = (SurveyStatus.DRAFT, SurveyStatus.CHANGES_REQUESTED)
# What a survey may decide about a bank question: where it stands, whether it is required, when shown.
SURVEY_OWN_KEYS = ("required", "show_if")
MAX_CODE_LENGTH = 32
MAX_STEM_LENGTH = 28  # room for a number that makes the code unique


class BuilderError(Exception):
    """A change the builder refuses; the message says why, in the user's language."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def working_revision(survey: Survey) -> SurveyRevision | None:
    """The revision the builder edits: the newest, while it is unpublished and the survey a draft."""
    revision = survey.revisions[-1]
    if revision.published_at is None and survey.status in EDITABLE_STATUSES:
        return revision
    return None


def _draft_revision(survey: Survey) -> SurveyRevision:
    revision = working_revision(survey)
    if revision is None:
        raise BuilderError(
            _(
                "Only a draft can be changed. "
                "Start a new revision to change a survey that is in review or published."
            )
        )
    return revision


def save_definition(survey: Survey, definition: dict) -> dict:
    """Check a whole new definition against every rule and store it as the draft."""
    revision = _draft_revision(survey)
    result = check_definition(definition, draft=True)
    if not result.ok:
        raise BuilderError(
            _("The survey would not be valid: %(problem)s", problem=result.problems[0].message)
        )
    checked = result.definition
    if checked["kind"] != "survey":
        raise BuilderError(_("The definition must be a survey (kind: survey)."))
    _check_common_questions(survey, checked)
    _check_bank_questions(checked)
    revision.definition = checked
    survey.title = checked["title"]["nb"]
    survey.updated_at = utcnow()
    return checked


def _edit(survey: Survey, change: Callable[[dict], None]) -> dict:
    definition = copy.deepcopy(_draft_revision(survey).definition)
    change(definition)
    return save_definition(survey, definition)


# --- The rules that keep questions comparable -------------------------------------------------


def _comparable(definition: dict, question: dict, ignore: tuple = ()) -> dict:
    """A question with its options resolved, as it must match its source (in its stored JSON form:
    a freshly checked definition has number keys where a stored one has text keys)."""
    form = {key: value for key, value in question.items() if key not in ignore and key != "bank_module"}
    if "options" in form:
        form["options"] = options_of(definition, question)
    return json.loads(json.dumps(form, sort_keys=True))


def _check_common_questions(survey: Survey, definition: dict) -> None:
    # Through the same schema as the survey, so that defaults (e.g. exclusive: false) compare equal.
    base = check_definition(survey.base_version.definition).definition or survey.base_version.definition
    found = {ref.question["code"]: ref.question for ref in iter_questions(definition)}
    common = [ref.question for ref in iter_questions(base) if ref.question["locked"]]
    for question in common:
        mine = found.get(question["code"])
        if mine is None:
            raise BuilderError(
                _(
                    "“%(question)s” is a common question of the base questionnaire and cannot be removed.",
                    question=label(question["text"]),
                )
            )
        if _comparable(definition, mine) != _comparable(base, question):
            raise BuilderError(
                _(
                    "“%(question)s” is a common question of the base questionnaire and cannot be changed.",
                    question=label(question["text"]),
                )
            )
    order = [ref.question["code"] for ref in iter_questions(definition) if ref.question["locked"]]
    if order != [question["code"] for question in common]:
        raise BuilderError(_("The common questions must keep the order of the base questionnaire."))


def _check_bank_questions(definition: dict) -> None:
    modules = {module.code: module.definition for module in latest_bank_modules()}
    for ref in iter_questions(definition):
        question = ref.question
        if "bank_module" not in question:
            continue
        module = modules.get(question["bank_module"])
        source = (
            next((r.question for r in iter_questions(module) if r.question["code"] == question["code"]), None)
            if module
            else None
        )
        if source is None:
            raise BuilderError(
                _("“%(question)s” is not in the question bank.", question=label(question["text"]))
            )
        if _comparable(definition, question, SURVEY_OWN_KEYS) != _comparable(module, source, SURVEY_OWN_KEYS):
            raise BuilderError(
                _(
                    "“%(question)s” comes from the question bank and cannot be changed; "
                    "remove it and add a question of your own instead.",
                    question=label(question["text"]),
                )
            )


def is_from_bank(question: dict) -> bool:
    return "bank_module" in question


# --- Finding things in a definition ---------------------------------------------------------


def _section(definition: dict, section_code: str) -> dict:
    for section in definition["sections"]:
        if section["code"] == section_code:
            return section
    raise BuilderError(_("That page does not exist (any more)."))


def _locate(definition: dict, code: str) -> tuple[dict, int]:
    """The section holding question `code` and the question's index in it."""
    for section in definition["sections"]:
        for index, question in enumerate(section["questions"]):
            if question["code"] == code:
                return section, index
    raise BuilderError(_("That question does not exist (any more)."))


def question_codes(definition: dict) -> set[str]:
    return {
        code
        for ref in iter_questions(definition)
        for code in [ref.question["code"]] + [row["code"] for row in ref.question.get("rows", [])]
    }


def condition_targets(condition: dict | None) -> set[str]:
    if not condition:
        return set()
    if "question" in condition:
        return {condition["question"]}
    parts = condition.get("all") or condition.get("any") or [condition["not"]]
    return set().union(*(condition_targets(part) for part in parts))


def dependents(definition: dict, codes: set[str]) -> list[dict]:
    """Questions whose condition refers to any of `codes`."""
    return [
        ref.question
        for ref in iter_questions(definition)
        if ref.question["code"] not in codes and condition_targets(ref.question.get("show_if")) & codes
    ]


def _refuse_if_depended_on(definition: dict, codes: set[str]) -> None:
    depending = dependents(definition, codes)
    if depending:
        raise BuilderError(
            _(
                "Other questions are shown depending on this answer: %(questions)s. "
                "Change their conditions first.",
                questions=", ".join(f"“{label(question['text'])}”" for question in depending),
            )
        )


def _refuse_locked(question: dict) -> None:
    if question.get("locked"):
        raise BuilderError(
            _(
                "“%(question)s” is a common question of the base questionnaire and cannot be changed.",
                question=label(question["text"]),
            )
        )


def _refuse_conditions_before_their_questions(definition: dict) -> None:
    position = {}
    for index, ref in enumerate(iter_questions(definition)):
        for code in [ref.question["code"]] + [row["code"] for row in ref.question.get("rows", [])]:
            position[code] = index  # a matrix row stands where its matrix stands
    for ref in iter_questions(definition):
        targets = condition_targets(ref.question.get("show_if"))
        if any(position.get(target, -1) >= position[ref.question["code"]] for target in targets):
            raise BuilderError(
                _(
                    "“%(question)s” is shown depending on an answer that would then come after it.",
                    question=label(ref.question["text"]),
                )
            )


# --- Codes ------------------------------------------------------------------------------------

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "Æ": "ae", "Ø": "o", "Å": "aa"})


def make_code(text: str, taken: set[str], prefix: str = "q") -> str:
    """A readable, unused code from a text: "Hvor fornøyd er du?" → "hvor_fornoyd_er_du"."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_FOLD)).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    if len(stem) > MAX_STEM_LENGTH:
        stem = stem[:MAX_STEM_LENGTH]
        stem = stem[: stem.rfind("_")] if "_" in stem else stem  # whole words only
    if not stem or not stem[0].isalpha():
        stem = f"{prefix}_{stem}".rstrip("_")
    code, number = stem, 2
    while code in taken:
        code = f"{stem}_{number}"
        number += 1
    return code[:MAX_CODE_LENGTH]


# --- Sections ---------------------------------------------------------------------------------


def add_section(survey: Survey, title: dict, intro: dict | None = None) -> str:
    """A new, empty page at the end; returns its code. (A page needs questions before review.)"""
    revision = working_revision(survey)
    taken = {section["code"] for section in revision.definition["sections"]} if revision else set()
    code = make_code(title.get("nb", ""), taken, "page")

    def change(definition: dict) -> None:
        section = {"code": code, "title": title, "questions": []}
        if intro:
            section["intro"] = intro
        definition["sections"].append(section)

    _edit(survey, change)
    return code


def update_section(survey: Survey, section_code: str, title: dict, intro: dict | None) -> None:
    def change(definition: dict) -> None:
        section = _section(definition, section_code)
        section["title"] = title
        section.pop("intro", None)
        if intro:
            section["intro"] = intro

    _edit(survey, change)


def delete_section(survey: Survey, section_code: str) -> None:
    """Remove a page and its questions; refused while it holds common questions or answers others
    depend on."""

    def change(definition: dict) -> None:
        section = _section(definition, section_code)
        for question in section["questions"]:
            _refuse_locked(question)
        codes = {q["code"] for q in section["questions"]} | {
            row["code"] for q in section["questions"] for row in q.get("rows", [])
        }
        _refuse_if_depended_on(definition, codes)
        if len(definition["sections"]) == 1:
            raise BuilderError(_("A survey needs at least one page."))
        definition["sections"].remove(section)

    _edit(survey, change)


def move_section(survey: Survey, section_code: str, offset: int) -> None:
    def change(definition: dict) -> None:
        sections = definition["sections"]
        index = sections.index(_section(definition, section_code))
        target = index + offset
        if not 0 <= target < len(sections):
            return
        sections.insert(target, sections.pop(index))
        _refuse_conditions_before_their_questions(definition)

    _edit(survey, change)


# --- Questions --------------------------------------------------------------------------------


def add_question(survey: Survey, section_code: str, question: dict) -> str:
    """A question of the member's own at the end of a page; returns its code."""
    question = {key: value for key, value in question.items() if key not in ("locked", "bank_module")}
    revision = working_revision(survey)
    taken = question_codes(revision.definition) if revision else set()
    if question.get("code"):
        if question["code"] in taken:
            raise BuilderError(
                _("The code %(code)s is already used in this survey.", code=question["code"]), "code"
            )
    else:
        question["code"] = make_code(question["text"].get("nb", ""), taken)

    def change(definition: dict) -> None:
        _section(definition, section_code)["questions"].append(question)

    _edit(survey, change)
    return question["code"]


def update_question(survey: Survey, code: str, question: dict) -> None:
    """Replace a question of the member's own; its code stays (answers are stored by code)."""

    def change(definition: dict) -> None:
        section, index = _locate(definition, code)
        current = section["questions"][index]
        _refuse_locked(current)
        if is_from_bank(current):
            raise BuilderError(
                _(
                    "“%(question)s” comes from the question bank and cannot be changed; "
                    "remove it and add a question of your own instead.",
                    question=label(current["text"]),
                )
            )
        replacement = {k: v for k, v in question.items() if k not in ("locked", "bank_module")}
        replacement["code"] = code
        section["questions"][index] = replacement

    _edit(survey, change)


def set_question_rules(survey: Survey, code: str, *, required: bool, show_if: dict | None) -> None:
    """Whether a question must be answered and when it is shown: the survey's own, also for bank
    questions; common questions keep the base's."""

    def change(definition: dict) -> None:
        section, index = _locate(definition, code)
        question = section["questions"][index]
        _refuse_locked(question)
        question["required"] = required
        question.pop("show_if", None)
        if show_if:
            question["show_if"] = show_if
        _refuse_conditions_before_their_questions(definition)

    _edit(survey, change)


def delete_question(survey: Survey, code: str) -> None:
    def change(definition: dict) -> None:
        section, index = _locate(definition, code)
        question = section["questions"][index]
        if question.get("locked"):
            raise BuilderError(
                _(
                    "“%(question)s” is a common question of the base questionnaire and cannot be removed.",
                    question=label(question["text"]),
                )
            )
        _refuse_if_depended_on(definition, {code} | {row["code"] for row in question.get("rows", [])})
        del section["questions"][index]

    _edit(survey, change)


def move_question(survey: Survey, code: str, offset: int) -> None:
    """One step up or down; past the first or last question of a page it moves to the next page."""

    def change(definition: dict) -> None:
        section, index = _locate(definition, code)
        question = section["questions"][index]
        _refuse_locked(question)
        sections = definition["sections"]
        position = sections.index(section)
        target = index + offset
        del section["questions"][index]
        if 0 <= target <= len(section["questions"]):
            section["questions"].insert(target, question)
        elif target < 0 and position > 0:
            sections[position - 1]["questions"].append(question)
        elif target > len(section["questions"]) and position < len(sections) - 1:
            sections[position + 1]["questions"].insert(0, question)
        else:
            section["questions"].insert(index, question)
        _refuse_conditions_before_their_questions(definition)

    _edit(survey, change)


def reorder(survey: Survey, order: dict[str, list[str]]) -> None:
    """Put questions in the given order, page by page (drag and drop sends the whole layout)."""

    def change(definition: dict) -> None:
        everything = {ref.question["code"]: ref.question for ref in iter_questions(definition)}
        if sorted(code for codes in order.values() for code in codes) != sorted(everything):
            raise BuilderError(_("The new order must list every question once."))
        for section in definition["sections"]:
            section["questions"] = [everything[code] for code in order.get(section["code"], [])]
        _refuse_conditions_before_their_questions(definition)

    _edit(survey, change)


# --- The question bank ------------------------------------------------------------------------


def bank_module(code: str) -> BankModule:
    module = next((m for m in latest_bank_modules() if m.code == code), None)
    if module is None:
        raise BuilderError(_("That question bank module does not exist."))
    return module


def _bank_copy(module: BankModule, question: dict) -> dict:
    copied = copy.deepcopy(question)
    copied["bank_module"] = module.code
    if isinstance(copied.get("options"), str):
        copied["options"] = copy.deepcopy(options_of(module.definition, question))
    return copied


def add_bank_module(survey: Survey, module_code: str) -> None:
    """Every page of a bank module, added at the end of the survey."""
    module = bank_module(module_code)

    def change(definition: dict) -> None:
        present = question_codes(definition)
        section_codes = {section["code"] for section in definition["sections"]}
        for section in module.definition["sections"]:
            for question in section["questions"]:
                if question["code"] in present:
                    raise BuilderError(
                        _(
                            "“%(question)s” from this module is already in the survey. "
                            "Add the other questions one by one.",
                            question=label(question["text"]),
                        )
                    )
            copied = {key: copy.deepcopy(value) for key, value in section.items() if key != "questions"}
            copied["code"] = make_code(section["code"], section_codes, "page")
            section_codes.add(copied["code"])
            copied["questions"] = [_bank_copy(module, question) for question in section["questions"]]
            definition["sections"].append(copied)

    _edit(survey, change)


def add_bank_question(survey: Survey, module_code: str, question_code: str, section_code: str) -> None:
    """One bank question at the end of a page. Its condition comes along only when the question it
    depends on is in the survey already."""
    module = bank_module(module_code)
    source = next(
        (ref.question for ref in iter_questions(module.definition) if ref.question["code"] == question_code),
        None,
    )
    if source is None:
        raise BuilderError(_("That question is not in the question bank."))

    def change(definition: dict) -> None:
        if source["code"] in question_codes(definition):
            raise BuilderError(_("“%(question)s” is already in the survey.", question=label(source["text"])))
        copied = _bank_copy(module, source)
        if not condition_targets(copied.get("show_if")) <= question_codes(definition):
            copied.pop("show_if")
        _section(definition, section_code)["questions"].append(copied)

    _edit(survey, change)


def search_bank(query: str, language: str) -> list[tuple[BankModule, dict]]:
    """Bank questions whose text, help or module title contains every word of the query."""
    words = [word for word in query.casefold().split() if word]
    found = []
    for module in latest_bank_modules():
        module_title = label(module.definition["title"], language).casefold()
        for ref in iter_questions(module.definition):
            question = ref.question
            haystack = " ".join(
                [
                    module_title,
                    label(question["text"], language),
                    label(question.get("help") or {"nb": ""}, language),
                ]
            ).casefold()
            if all(word in haystack for word in words):
                found.append((module, question))
    return found


# --- Languages and texts ----------------------------------------------------------------------


def set_languages(survey: Survey, languages: list[str]) -> None:
    def change(definition: dict) -> None:
        definition["languages"] = ["nb"] + [lang for lang in ("nn", "en") if lang in languages]

    _edit(survey, change)


def update_texts(survey: Survey, texts: dict[str, dict]) -> None:
    """The survey's title and its texts for respondents (intro, thank-you, privacy notice)."""

    def change(definition: dict) -> None:
        for key in ("title", "intro", "thank_you", "privacy_notice"):
            given = {lang: value.strip() for lang, value in (texts.get(key) or {}).items() if value.strip()}
            if key == "title" and "nb" not in given:
                raise BuilderError(_("Give the survey a title in Bokmål."), "title_nb")
            definition.pop(key, None)
            if given:
                definition[key] = given

    _edit(survey, change)
