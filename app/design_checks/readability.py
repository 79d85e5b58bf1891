"""Readability indices: LIX for Bokmål and Nynorsk, Flesch reading ease for English."""

import re

SENTENCE_END = re.compile(r"[.!?:;]+")
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
VOWEL_GROUPS = re.compile(r"[aeiouy]+")
LIX_LONG_WORD = 6  # letters; LIX counts words longer than this


def text_words(text: str) -> list[str]:
    return WORD.findall(text)


def sentence_count(text: str) -> int:
    return max(1, len([part for part in SENTENCE_END.split(text) if WORD.search(part)]))


def lix(text: str) -> float:
    """Words per sentence plus the percentage of words longer than six letters (Björnsson)."""
    found = text_words(text)
    if not found:
        return 0.0
    long_words = sum(1 for word in found if len(word.replace("-", "")) > LIX_LONG_WORD)
    return len(found) / sentence_count(text) + 100 * long_words / len(found)


def flesch_reading_ease(text: str) -> float:
    """206.835 − 1.015 × words per sentence − 84.6 × syllables per word; higher is easier."""
    found = text_words(text)
    if not found:
        return 100.0
    syllables = sum(syllable_count(word) for word in found)
    return 206.835 - 1.015 * len(found) / sentence_count(text) - 84.6 * syllables / len(found)


def syllable_count(word: str) -> int:
    """Vowel groups, less a silent final e: the usual estimate, close enough for an index."""
    word = word.lower().replace("’", "'").split("'")[0]
    count = len(VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(1, count)
