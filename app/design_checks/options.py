"""Checks on answer options: numeric ranges, long lists, a missing "Other", large matrices."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import gettext as _

from app.design_checks.answer_labels import is_opt_out, option_labels, polarity
from app.design_checks.design import Design, Finding
from app.design_checks.wording import plain
from app.design_checks.wordlists import search
from app.questionnaires.definition import QuestionRef, options_of

MAX_SINGLE_CHOICE_OPTIONS = 10
MAX_MATRIX_ROWS = 7
# A shorter list of categories is often complete as it stands ("Bil, buss, tog").
MIN_NOMINAL_OPTIONS = 4
NUMBER = r"\d{1,3}(?:[ \u00a0.]\d{3})*(?!\d)"
RANGE = re.compile(rf"({NUMBER})\s*(?:[-–—]|\b(?:til|to)\b)\s*({NUMBER})")
SINGLE_NUMBER = re.compile(NUMBER)
DECIMAL = re.compile(r"\d[.,]\d(?!\d{2})")


@dataclass(frozen=True)
class Band:
    label: str
    low: float
    high: float
    is_range: bool  # written as "a–b", not as one number or an open end


def check_options(design: Design) -> Iterator[Finding]:
    for ref in design.own_questions():
        question = ref.question
        options = options_of(design.definition, question) or []
        if question["type"] == "single_choice":
            yield from _ranges(design, ref, options)
            answers = [option for option in options if not is_opt_out(option)]
            if len(answers) > MAX_SINGLE_CHOICE_OPTIONS:
                yield design.finding(
                    "long_option_list",
                    _(
                        "%(count)d options to choose one from: group or shorten the list (up to 10 are easy "
                        "to scan).",
                        count=len(answers),
                    ),
                    ref,
                )
        if question["type"] in ("single_choice", "multiple_choice") and _nominal_without_other(options):
            yield design.finding(
                "nominal_without_other",
                _("The list has no “Other” option: add one, so that everyone can answer."),
                ref,
            )
        if question["type"] == "matrix" and len(question["rows"]) > MAX_MATRIX_ROWS:
            yield design.finding(
                "matrix_rows",
                _(
                    "%(count)d statements in one matrix: split it or leave some out (up to 7 work well on "
                    "phones).",
                    count=len(question["rows"]),
                ),
                ref,
            )


def _ranges(design: Design, ref: QuestionRef, options: list[dict]) -> Iterator[Finding]:
    bands = [band for option in options if (band := _band(option["label"]["nb"]))]
    # Numbered options ("Sal 1", "Sal 3") are names, not bands: a list of bands has a range in it.
    if len(bands) < 2 or not any(band.is_range for band in bands):
        return
    if bands[0].low > bands[-1].low:
        bands.reverse()
    for previous, following in zip(bands, bands[1:], strict=False):
        if following.low <= previous.high:
            yield design.finding(
                "range_overlap",
                _(
                    "The ranges “%(first)s” and “%(second)s” overlap: start each range after the previous "
                    "one ends.",
                    first=previous.label,
                    second=following.label,
                ),
                ref,
            )
            return
        if following.low > previous.high + 1:
            yield design.finding(
                "range_gap",
                _(
                    "The ranges “%(first)s” and “%(second)s” leave a gap: start each range right after the "
                    "previous one.",
                    first=previous.label,
                    second=following.label,
                ),
                ref,
            )
            return


def _band(label: str) -> Band | None:
    """The whole numbers a Bokmål option label covers: "16–19 år", "Under 16", "80 år eller eldre",
    "3". Numbers are the same in every language, so the Bokmål label (always given) is enough."""
    text = plain(label)
    if DECIMAL.search(text):
        return None  # half hours and the like: not whole-number bands
    match = RANGE.search(text)
    if match:
        low, high = (_number(part) for part in match.groups())
        return Band(label, low, high, True) if low <= high else None
    match = SINGLE_NUMBER.search(text)
    if not match:
        return None
    number = _number(match.group(0))
    if search("nb", "options.below", text):
        return Band(label, float("-inf"), number - 1, False)
    if search("nb", "options.above", text):
        return Band(label, number + 1, float("inf"), False)
    if search("nb", "options.at_least", text):
        return Band(label, number, float("inf"), False)
    return Band(label, number, number, False)


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _nominal_without_other(options: list[dict]) -> bool:
    """Four or more categories without "Other": not a scale, not numbers, not yes and no."""
    answers = [option for option in options if not is_opt_out(option)]
    if len(answers) < MIN_NOMINAL_OPTIONS:
        return False
    for option in options:
        if option["code"].startswith("other"):
            return False
        for language, label in option_labels(option):
            text = plain(label)
            if re.search(r"\d", text) or search(language, "options.other", text):
                return False
            if search(language, "options.ordered", text) or polarity(label, language) is not None:
                return False
    return True
