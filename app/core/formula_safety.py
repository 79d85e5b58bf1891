"""Texts in downloads (CSV, XLSX, SPSS) that no spreadsheet program runs as a formula.

A text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets an apostrophe in front.
So does a text that already starts with an apostrophe, which makes the rule reversible: an import
removes exactly one leading apostrophe. Control characters other than tab, line feed and carriage
return (NUL first of all) are removed from every text: XLSX cannot hold them, and a NUL in front
would hide a formula from the check. Numbers are never texts here and stay numbers.
"""

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(text: str) -> str:
    text = CONTROL_CHARACTERS.sub("", text)
    if text.startswith(FORMULA_STARTS) or text.startswith(ESCAPE):
        return ESCAPE + text
    return text


def restore(text: str) -> str:
    """The text as it was before `neutralise` (an import reads an export)."""
    return text[1:] if text.startswith(ESCAPE) else text
