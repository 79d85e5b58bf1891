"""Every UI string goes through Babel, and every catalog is complete."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("nb", "nn", "en")
# Text that is the same in every language and needs no translation.
UNTRANSLATED_TEXT_ALLOWED = {"Grunnskjema"}


def catalog(language: str):
    with open(ROOT / "i18n" / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


def source_messages() -> set[str]:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"trimmed": "true"}}
    found = extract_from_dir(
        ROOT / "app",
        method_map=method_map,
        options_map=options,
        keywords={"_": None, "_l": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None},
    )
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_no_untranslated_or_fuzzy_entries(language):
    problems = [
        f"{'fuzzy' if message.fuzzy else 'untranslated'}: {message.id!r}"
        for message in catalog(language)
        if message.id and (message.fuzzy or not message.string or message.string == ("",) * 2)
    ]
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_holds_every_message_in_the_source(language):
    messages = source_messages()
    assert "Log in" in messages
    in_catalog = {
        message.id if isinstance(message.id, str) else message.id[0] for message in catalog(language)
    }
    missing = sorted(messages - in_catalog)
    assert missing == [], "run `make extract-messages` and translate the new messages"


def test_templates_have_no_text_outside_translation_calls():
    leftovers = {}
    for template in (ROOT / "app" / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
        text = re.sub(r"<[^>]*>", " ", text)
        words = set(re.findall(r"[A-Za-zÆØÅæøå]{2,}", text)) - UNTRANSLATED_TEXT_ALLOWED
        if words:
            leftovers[str(template.relative_to(ROOT))] = sorted(words)
    assert leftovers == {}
