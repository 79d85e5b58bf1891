"""Versions of the base questionnaire: listing, comparing, and moving a draft to the newest one."""

import copy

from flask_babel import gettext as _
from sqlalchemy import select

from app.answering.question_types import label
from app.extensions import db
from app.questionnaires.definition import iter_questions
from app.questionnaires.models import QuestionnaireVersion
from app.questionnaires.services import current_base_version
from app.reviews.diff import DefinitionDiff, diff_definitions
from app.surveys import builder
from app.surveys.models import Survey


class BaseVersionError(Exception):
    """The survey cannot move to another base version; the message says why."""


def versions() -> list[QuestionnaireVersion]:
    """Newest first."""
    return list(
        db.session.scalars(select(QuestionnaireVersion).order_by(QuestionnaireVersion.sort_key.desc()))
    )


def pair(
    before_id: int | None, after_id: int | None
) -> tuple[QuestionnaireVersion, QuestionnaireVersion] | None:
    """The two versions to compare; by default the newest and the one before it. None if an id is unknown."""
    found = versions()
    if not found:
        return None
    by_id = {version.id: version for version in found}
    after = by_id.get(after_id) if after_id is not None else found[0]
    default_before = found[1] if len(found) > 1 else found[0]
    before = by_id.get(before_id) if before_id is not None else default_before
    if before is None or after is None:
        return None
    return before, after


def compare(before: QuestionnaireVersion, after: QuestionnaireVersion) -> DefinitionDiff:
    return diff_definitions(before.definition, after.definition)


def newer_base(survey: Survey) -> QuestionnaireVersion | None:
    """The newest base version when the survey was made from an older one."""
    newest = current_base_version()
    if newest is None or survey.base_version is None or newest.id == survey.base_version_id:
        return None
    if newest.sort_key <= survey.base_version.sort_key:
        return None
    return newest


def _own_questions_by_anchor(section: dict, base_codes: set[str]) -> dict[str | None, list[dict]]:
    """A page's own and bank questions, each under the base question before it (None: the start)."""
    anchored: dict[str | None, list[dict]] = {}
    anchor = None
    for question in section["questions"]:
        if question["code"] in base_codes:
            anchor = question["code"]
        else:
            anchored.setdefault(anchor, []).append(question)
    return anchored


def _codes(definition: dict) -> set[str]:
    return {ref.question["code"] for ref in iter_questions(definition)}


def _merged(definition: dict, old_base: dict, base: dict) -> dict:
    """The new base's pages and questions (its common ones; its optional ones the survey kept or
    that are new), with the survey's own and bank questions kept where they were (after the same
    base question, on the same page) and its own pages kept."""
    merged = copy.deepcopy(definition)
    old_codes, kept_codes = _codes(old_base), _codes(definition)
    base_sections = {section["code"]: section for section in base["sections"]}
    own_sections = {section["code"]: section for section in definition["sections"]}
    sections = []
    for base_section in base["sections"]:
        section = copy.deepcopy(base_section)
        anchored = _own_questions_by_anchor(own_sections.get(section["code"], {"questions": []}), old_codes)
        questions = list(anchored.pop(None, []))
        for question in section["questions"]:
            code = question["code"]
            if question.get("locked") or code in kept_codes or code not in old_codes:
                questions.append(question)
            questions += anchored.pop(code, [])
        # Own questions whose base question is gone stay at the end of the page.
        for rest in anchored.values():
            questions += rest
        section["questions"] = questions
        sections.append(section)
    for code, section in own_sections.items():
        kept = [question for question in section["questions"] if question["code"] not in old_codes]
        # A page of the old base that the new one drops goes, unless the member added to it.
        if code not in base_sections and (kept or not section["questions"]):
            sections.append({**copy.deepcopy(section), "questions": copy.deepcopy(kept)})
    merged["sections"] = sections
    option_lists = dict(base.get("option_lists", {}))
    option_lists.update(definition.get("option_lists", {}))
    if option_lists:
        merged["option_lists"] = option_lists
    return merged


def move_to_newest_base(survey: Survey) -> QuestionnaireVersion:
    """Replace the draft's common questions with those of the newest base version, keeping the
    member's own and bank questions; refused when one of theirs depends on a common question the
    new version removes."""
    newest = newer_base(survey)
    if newest is None:
        raise BaseVersionError(_("The survey already uses the newest base questionnaire."))
    if builder.working_revision(survey) is None:
        raise BaseVersionError(_("Only a draft can move to a new base questionnaire."))
    definition = survey.revisions[-1].definition
    new_codes = {ref.question["code"] for ref in iter_questions(newest.definition)}
    removed = {
        ref.question["code"]
        for ref in iter_questions(survey.base_version.definition)
        if ref.question.get("locked") and ref.question["code"] not in new_codes
    }
    for ref in iter_questions(definition):
        question = ref.question
        if question.get("locked"):
            continue
        gone = builder.condition_targets(question.get("show_if")) & removed
        if gone:
            raise BaseVersionError(
                _(
                    "“%(question)s” is shown depending on the common question %(code)s, which the new "
                    "base questionnaire no longer has. Change or remove that condition first.",
                    question=label(question["text"]),
                    code=sorted(gone)[0],
                )
            )
    previous = survey.base_version
    survey.base_version = newest
    try:
        builder.save_definition(survey, _merged(definition, previous.definition, newest.definition))
    except builder.BuilderError as error:
        survey.base_version = previous
        raise BaseVersionError(error.message) from error
    return newest
