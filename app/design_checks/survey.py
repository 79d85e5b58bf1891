"""Checks on the survey as a whole: time, open questions, pages and translations."""

from collections.abc import Iterator

from flask_babel import gettext as _

from app.design_checks.catalogue import LANGUAGE_NAMES
from app.design_checks.design import FREE_TEXT_TYPES, Design, Finding
from app.questionnaires.validation import translation_gaps
from app.surveys.estimate import count_questions, estimate_seconds, estimated_minutes, show_chances

MAX_SECONDS = 10 * 60
MAX_FREE_TEXT = 3


def check_survey(design: Design) -> Iterator[Finding]:
    definition = design.definition
    if estimate_seconds(definition) > MAX_SECONDS:
        yield design.finding(
            "duration",
            _(
                "About %(minutes)d minutes to answer, with %(count)d questions: an audience survey should "
                "take under 10 minutes. Leave out the questions you can do without.",
                minutes=estimated_minutes(definition),
                count=count_questions(definition),
            ),
        )
    yield from _free_text(design)
    for index, section in enumerate(definition["sections"]):
        if not section["questions"]:
            yield Finding(
                "empty_page",
                _(
                    "The page “%(page)s” has no questions: add questions or remove the page.",
                    page=section["title"]["nb"],
                ),
                section=section["code"],
                path=("sections", index),
            )
    yield from _translations(design)


def _free_text(design: Design) -> Iterator[Finding]:
    """Open questions as respondents meet them: a follow-up shown to one in ten counts a tenth."""
    chances = show_chances(design.definition)
    met = sum(chances[ref.question["code"]] for ref in design.refs if ref.question["type"] in FREE_TEXT_TYPES)
    if round(met) > MAX_FREE_TEXT:
        yield design.finding(
            "too_many_free_text",
            _(
                "Respondents meet about %(count)d open questions: ask at most three, since open questions "
                "take long to answer and to analyse.",
                count=round(met),
            ),
        )
    for ref in design.refs:
        question = ref.question
        # Whether a question is required is the survey's own choice, even for a standard question.
        if question["type"] in FREE_TEXT_TYPES and question.get("required") and not question.get("locked"):
            yield design.finding(
                "required_free_text",
                _(
                    "An open question is required: make it optional, since people with nothing to say give "
                    "up or type anything."
                ),
                ref,
            )


def _translations(design: Design) -> Iterator[Finding]:
    """One finding per question, page or survey text that lacks a language the survey offers."""
    owners = {ref.path: ref for ref in design.refs}
    missing: dict[tuple, set[str]] = {}
    paths: dict[tuple, tuple] = {}
    for problem in translation_gaps(design.definition):
        owner = next((path for path in owners if problem.path[: len(path)] == path), None)
        if owner is None:
            # A page's title or intro, or a text of the survey as a whole.
            owner = problem.path[:2] if problem.path[:1] == ("sections",) else ()
        missing.setdefault(owner, set()).update(_missing_languages(design.definition, problem.path))
        paths.setdefault(owner, problem.path)
    for owner, languages in missing.items():
        names = ", ".join(str(LANGUAGE_NAMES[language]) for language in sorted(languages))
        message = _(
            "Missing text in %(languages)s: translate it, or stop offering the language.", languages=names
        )
        if owner in owners:
            yield design.finding("missing_translation", message, owners[owner], paths[owner])
        elif owner:
            section = design.definition["sections"][owner[1]]["code"]
            yield Finding("missing_translation", message, section=section, path=paths[owner])
        else:
            yield Finding("missing_translation", message, path=paths[owner])


def _missing_languages(definition: dict, path: tuple) -> set[str]:
    text = definition
    for part in path:
        text = text[part]
    return set(definition["languages"]) - set(text)
