"""A member's question that repeats a standard one (base questionnaire or question bank).

Only standard questions are compared with peers, so a look-alike of one's own loses the comparison.
Texts are compared word by word in each language both have; questions of unlike kinds (a choice
and a free text, say) are never duplicates. A matrix is left out: its text is a stem ("How much do
you agree with these statements?") that says nothing of what is asked.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

from flask_babel import gettext as _

from app.core.markdown import markdown_to_text
from app.design_checks.design import Design, Finding
from app.design_checks.wording import tokens
from app.questionnaires.definition import iter_questions

# "Hvordan vil du helst få programmet?" and "… få informasjon om programmet vårt?" score 0.8 and
# ask different things; a reworded copy of a question scores 0.9 and more.
SIMILARITY = 0.85
MIN_WORDS = 3
KINDS = {
    "single_choice": "choice",
    "multiple_choice": "choice",
    "reference_choice": "choice",
    "rating": "scale",
    "nps": "scale",
    "slider": "scale",
    "number": "number",
    "short_text": "text",
    "long_text": "text",
}


@dataclass(frozen=True)
class Standard:
    code: str
    kind: str
    words: dict[str, list[str]]  # per language
    text: dict


def check_duplicates(design: Design) -> Iterator[Finding]:
    standards = _standards(design)
    for ref in design.own_questions():
        question = ref.question
        if question["type"] not in KINDS:
            continue
        own = _words(question["text"])
        match = next(
            (
                standard
                for standard in standards
                if standard.code != question["code"]
                and standard.kind == KINDS[question["type"]]
                and _similar(own, standard.words)
            ),
            None,
        )
        if match:
            yield design.finding(
                "duplicate_of_standard",
                _(
                    "Much like the standard question %(code)s (“%(text)s”): use that one instead, since only "
                    "standard questions are compared with other members.",
                    code=match.code,
                    text=markdown_to_text(match.text["nb"]),
                ),
                ref,
            )


def _standards(design: Design) -> list[Standard]:
    definitions = ([design.base] if design.base else []) + design.bank
    return [
        Standard(
            ref.question["code"],
            KINDS[ref.question["type"]],
            _words(ref.question["text"]),
            ref.question["text"],
        )
        for definition in definitions
        for ref in iter_questions(definition)
        if ref.question["type"] in KINDS
    ]


def _words(text: dict) -> dict[str, list[str]]:
    return {
        language: [token for token in tokens(markdown_to_text(value).lower()) if token.isalnum()]
        for language, value in text.items()
    }


def _similar(own: dict[str, list[str]], standard: dict[str, list[str]]) -> bool:
    return any(
        len(words) >= MIN_WORDS and SequenceMatcher(None, words, standard[language]).ratio() >= SIMILARITY
        for language, words in own.items()
        if language in standard
    )
