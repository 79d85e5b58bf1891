"""Reading answer labels with the word lists: ways out ("Prefer not to say") and scale polarity."""

from app.design_checks.wording import plain
from app.design_checks.wordlists import has_wordlist, search


def option_labels(option: dict) -> list[tuple[str, str]]:
    """(language, label) for every language the label is given in that the word lists cover."""
    return [(language, label) for language, label in option["label"].items() if has_wordlist(language)]


def is_opt_out(option: dict) -> bool:
    """ "Prefer not to say", "Don't know", "Not applicable": a way out, not an answer."""
    return any(search(language, "options.opt_out", plain(label)) for language, label in option_labels(option))


def declines(option: dict) -> bool:
    """An answer that lets the respondent decline: "Prefer not to say"."""
    return option["code"].startswith("prefer_not") or any(
        search(language, "options.decline", plain(label)) for language, label in option_labels(option)
    )


def polarity(label: str, language: str) -> int | None:
    """-1 for a negative answer ("Very poor"), 0 for a neutral middle, 1 for a positive one, None
    when the word lists cannot tell."""
    text = plain(label)
    if search(language, "scales.neutral", text):
        return 0
    if search(language, "scales.negative", text):
        return -1
    if search(language, "scales.positive", text):
        return 1
    return None
