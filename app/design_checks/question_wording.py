"""Wording checks on the member's own questions: double-barrelled, negations, leading, readability.

Each offered language is checked; a question gets at most one finding per check, for the first
language in which the check fires.
"""

from collections.abc import Iterator

from flask_babel import gettext as _

from app.design_checks.catalogue import LANGUAGE_NAMES
from app.design_checks.design import FREE_TEXT_TYPES, Design, Finding
from app.design_checks.wording import TEXT_CHECKS


def check_wording(design: Design) -> Iterator[Finding]:
    for ref in design.own_questions():
        texts = _question_texts(design, ref.question)
        for code, function in TEXT_CHECKS.items():
            # Open questions ask for the respondent's own words: "What did you not like?" is fine.
            if code == "negation" and ref.question["type"] in FREE_TEXT_TYPES:
                continue
            found = next(
                ((language, result) for language, text in texts if (result := function(text, language))),
                None,
            )
            if found:
                yield design.finding(code, _message(code, *found), ref)


def _question_texts(design: Design, question: dict) -> list[tuple[str, str]]:
    """The question's text and its matrix statements, each in every offered language."""
    texts = design.texts(question["text"])
    for row in question.get("rows", []):
        texts += design.texts(row["text"])
    return texts


def _message(code: str, language: str, result) -> str:
    """`result` is what the wording function returned: the words, a Negation or a Readability."""
    name = LANGUAGE_NAMES[language]
    if code == "double_barrelled":
        return _(
            "Asks about two things at once (“%(words)s”, %(language)s): ask about each in a question "
            "of its own.",
            words=result,
            language=name,
        )
    if code == "negation":
        if result.double:
            return _(
                "A double negation (“%(words)s”, %(language)s) is easily misread: word the question "
                "positively.",
                words=result.words,
                language=name,
            )
        return _(
            "A negation (“%(words)s”, %(language)s) is easily misread: word the question positively.",
            words=result.words,
            language=name,
        )
    if code == "leading":
        return _(
            "The wording may lead the respondent (“%(words)s”, %(language)s): ask neutrally.",
            words=result,
            language=name,
        )
    if result.index == "lix":
        return _(
            "Hard to read (LIX %(score)d in %(language)s, aim for %(limit)d or less): use shorter "
            "sentences and shorter words.",
            score=round(result.score),
            limit=result.threshold,
            language=name,
        )
    return _(
        "Hard to read (Flesch reading ease %(score)d in %(language)s, aim for %(limit)d or more): use "
        "shorter sentences and shorter words.",
        score=round(result.score),
        limit=result.threshold,
        language=name,
    )
