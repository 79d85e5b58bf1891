"""Wording checks on one question text in one language, driven by the word lists.

Each function returns what it found (the words to quote back to the member) or None. They read
no definition, so `benchmarks/wording_checks.py` measures them on the labelled corpus directly.
Precision comes first: a member who is warned about a good question stops reading warnings.
"""

import re
from dataclasses import dataclass
from functools import cache

from app.core.markdown import markdown_to_text
from app.design_checks import readability
from app.design_checks.wordlists import entry, patterns, search, words

TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
# A quoted span is a title ("Romeo og Julie"), not wording of the question's own.
QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"")
# Words skipped after a conjunction to reach the second thing ("the sound and *the* lighting").
MAX_SKIPPED_AFTER_CONJUNCTION = 3


@dataclass(frozen=True)
class Negation:
    words: str
    double: bool


@dataclass(frozen=True)
class Readability:
    score: float
    index: str  # "lix" or "flesch"
    threshold: float


def plain(text: str) -> str:
    """The text as the checks read it: Markdown and quoted titles removed, lowercase, straight
    apostrophes."""
    return QUOTED.sub("«»", markdown_to_text(text)).lower().replace("’", "'")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def double_barrelled(text: str, language: str) -> str | None:
    """Two things joined by a conjunction in a question that asks for a judgement of them."""
    text = plain(text)
    asked_twice = search(language, "double_barrelled.asks_twice", text)
    if asked_twice:
        return asked_twice.group(0)
    for pattern in patterns(language, "double_barrelled.one_thing"):
        text = pattern.sub(" ", text)
    found = tokens(text)
    evaluative = words(language, "double_barrelled.evaluative")
    if not any(evaluative.fullmatch(token) for token in found):
        return None
    conjunctions = words(language, "double_barrelled.conjunctions")
    for index, token in enumerate(found):
        if index == 0 or not conjunctions.fullmatch(token):
            continue
        left = found[index - 1]
        right_index = _next_content_word(found, index + 1, language)
        if not _is_content_word(left, language) or right_index is None:
            continue
        if _opposites(left, found[right_index], language):
            continue
        return " ".join(found[index - 1 : right_index + 1])
    return None


def negation(text: str, language: str) -> Negation | None:
    """Negations in the text; two of them, or one with a negative word ("not unlikely"), are double."""
    text = plain(text)
    for pattern in patterns(language, "negation.exempt"):
        text = pattern.sub(" ", text)
    found = tokens(text)
    negators = [token for token in found if words(language, "negation.negators").fullmatch(token)]
    if not negators:
        return None
    negative = [token for token in found if words(language, "negation.negative_words").fullmatch(token)]
    return Negation(" … ".join(negators + negative), double=len(negators) + len(negative) > 1)


def leading(text: str, language: str) -> str | None:
    """Wording that suggests an answer: agree-with-us questions, praise, appeals to the majority."""
    match = search(language, "leading.patterns", plain(text))
    return match.group(0).strip() if match else None


def hard_to_read(text: str, language: str) -> Readability | None:
    """The readability score when it is past the language's threshold (long enough texts only)."""
    settings = entry(language, "readability")
    text = markdown_to_text(text)
    if len(readability.text_words(text)) < settings["min_words"]:
        return None
    if settings["index"] == "lix":
        score = readability.lix(text)
        return Readability(score, "lix", settings["threshold"]) if score > settings["threshold"] else None
    score = readability.flesch_reading_ease(text)
    return Readability(score, "flesch", settings["threshold"]) if score < settings["threshold"] else None


def _is_content_word(token: str, language: str) -> bool:
    return _is_word(token) and not words(language, "stopwords").fullmatch(token)


def _is_word(token: str) -> bool:
    return token.replace("-", "").replace("'", "").isalpha()


def _next_content_word(found: list[str], start: int, language: str) -> int | None:
    for index in range(start, min(start + MAX_SKIPPED_AFTER_CONJUNCTION + 1, len(found))):
        if _is_content_word(found[index], language):
            return index
        if not _is_word(found[index]):
            return None  # punctuation or a number ends the phrase
    return None


def _opposites(left: str, right: str, language: str) -> bool:
    """The two ends of one scale ("easy or difficult", "agree or disagree") are one question."""
    for prefix in ("u", "mis", "dis", "un"):
        if right == prefix + left or left == prefix + right:
            return True
    return any(
        (a.fullmatch(left) and b.fullmatch(right)) or (b.fullmatch(left) and a.fullmatch(right))
        for a, b in _opposite_pairs(language)
    )


@cache
def _opposite_pairs(language: str) -> tuple[tuple[re.Pattern, re.Pattern], ...]:
    return tuple(
        (re.compile(first, re.IGNORECASE), re.compile(second, re.IGNORECASE))
        for first, second in entry(language, "double_barrelled.opposites")
    )


# The wording checks by code, as the question checks and the corpus benchmark call them.
TEXT_CHECKS = {
    "double_barrelled": double_barrelled,
    "negation": negation,
    "leading": leading,
    "readability": hard_to_read,
}
