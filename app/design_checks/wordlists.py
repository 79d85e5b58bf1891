"""The word lists and patterns of the design checks, one YAML file per language in `wordlists/`.

Lists are data so that advisors can tune them without touching code (docs/design-checks.md,
"Word lists"). Entries are regular expressions: a "words" list matches whole words, a "patterns"
list is searched in the text. Both are matched against lowercased text.
"""

import re
from functools import cache
from pathlib import Path

import yaml

WORDLIST_DIR = Path(__file__).parent / "wordlists"
NEVER = re.compile(r"(?!)")


@cache
def wordlist(language: str) -> dict:
    with open(WORDLIST_DIR / f"{language}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def has_wordlist(language: str) -> bool:
    return (WORDLIST_DIR / f"{language}.yaml").is_file()


def entry(language: str, key: str):
    """The entry at a dotted key, e.g. "negation.negators"."""
    node = wordlist(language)
    for part in key.split("."):
        node = node[part]
    return node


@cache
def words(language: str, key: str) -> re.Pattern:
    """One pattern that matches a whole word of the list (use `fullmatch` on a word)."""
    entries = entry(language, key)
    if not entries:
        return NEVER
    return re.compile("|".join(f"(?:{item})" for item in entries), re.IGNORECASE)


@cache
def patterns(language: str, key: str) -> tuple[re.Pattern, ...]:
    """The list's patterns, each to be searched in a text."""
    return tuple(re.compile(item, re.IGNORECASE) for item in entry(language, key))


def search(language: str, key: str, text: str) -> re.Match | None:
    """The first match of any of the list's patterns in the text."""
    for pattern in patterns(language, key):
        match = pattern.search(text)
        if match:
            return match
    return None
