"""Every design check: its code, severity, title and advice (docs/design-checks.md has a section per code).

An error blocks submitting a survey for review and publishing it: the survey is broken, asks for
what an anonymous survey must not, or cannot be answered in a language it offers. Everything that
is a matter of judgement is a warning, for the member and the advisor to weigh.
"""

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Check:
    code: str
    severity: Severity
    title: str  # lazy
    advice: str  # lazy


E, W = Severity.ERROR, Severity.WARNING

CHECKS: dict[str, Check] = {
    check.code: check
    for check in (
        Check(
            "duration",
            W,
            _l("Completion time"),
            _l(
                "An audience survey should take under 10 minutes; the estimate weighs each question by "
                "how likely it is to be shown. Leave out the questions whose answers you will not act on."
            ),
        ),
        Check(
            "double_barrelled",
            W,
            _l("Two things in one question"),
            _l(
                "A question about two things (“the sound and the lighting”) cannot be answered by someone "
                "who would rate them differently. Ask about each in a question of its own."
            ),
        ),
        Check(
            "negation",
            W,
            _l("Negations"),
            _l(
                "Negative wording (“not”, “never”), and double negatives above all, is easily misread, "
                "especially with agree–disagree answers. Word the question positively."
            ),
        ),
        Check(
            "leading",
            W,
            _l("Leading or loaded wording"),
            _l(
                "Praise, assumptions and agree-with-us questions push answers one way. Ask neutrally, for "
                "example “How would you rate …” or “How much do you agree or disagree …”."
            ),
        ),
        Check(
            "readability",
            W,
            _l("Hard to read"),
            _l(
                "Long sentences and long words make a question hard to read, on a phone above all. "
                "Bokmål and Nynorsk are measured with LIX, English with the Flesch reading ease."
            ),
        ),
        Check(
            "scale_balance",
            W,
            _l("Unbalanced scale"),
            _l(
                "A scale needs as many positive as negative answers around a neutral middle; otherwise "
                "its results lean one way."
            ),
        ),
        Check(
            "scale_direction",
            W,
            _l("Scale direction"),
            _l(
                "The base questionnaire's scales run from the most negative to the most positive answer. "
                "A scale that runs the other way is misread by respondents who have just answered those."
            ),
        ),
        Check(
            "sensitive_without_opt_out",
            W,
            _l("Sensitive question without “Prefer not to say”"),
            _l(
                "A question about health, income, beliefs, origin, sexuality or politics needs an answer "
                "that lets the respondent decline."
            ),
        ),
        Check(
            "required_free_text",
            W,
            _l("Required open question"),
            _l("A required open question makes people give up or type anything. Make it optional."),
        ),
        Check(
            "too_many_free_text",
            W,
            _l("Many open questions"),
            _l(
                "Respondents should meet at most three open questions: they take long to answer and to "
                "analyse, and many are left empty."
            ),
        ),
        Check(
            "range_overlap",
            E,
            _l("Overlapping ranges"),
            _l(
                "Ranges such as “18–25” and “25–34” overlap, so some respondents fit two answers and the "
                "results cannot be told apart. Start each range after the previous one ends."
            ),
        ),
        Check(
            "range_gap",
            W,
            _l("Gaps between ranges"),
            _l(
                "Ranges such as “18–24” and “26–34” leave values out, so some respondents fit no answer. "
                "Start each range right after the previous one."
            ),
        ),
        Check(
            "long_option_list",
            W,
            _l("Long list of options"),
            _l(
                "More than 10 options to choose one from are hard to scan, on a phone above all. Group or "
                "shorten the list."
            ),
        ),
        Check(
            "nominal_without_other",
            W,
            _l("No “Other” option"),
            _l(
                "A list of categories rarely fits everyone. Add “Other”, and a text question shown to those "
                "who choose it if you need to know what."
            ),
        ),
        Check(
            "matrix_rows",
            W,
            _l("Large matrix"),
            _l(
                "A matrix of more than 7 statements is tiring, and on a phone each statement becomes a "
                "question of its own. Split it or leave some out."
            ),
        ),
        Check(
            "missing_translation",
            E,
            _l("Missing translation"),
            _l("Every text must be given in every language the survey offers."),
        ),
        Check(
            "condition_never_true",
            E,
            _l("Condition that can never be true"),
            _l("No answers satisfy the condition, so the question is never shown."),
        ),
        Check(
            "condition_unknown_option",
            E,
            _l("Condition on an unknown answer"),
            _l("The condition names an answer that the question it refers to does not offer (now)."),
        ),
        Check(
            "condition_on_optional",
            W,
            _l("Condition on an optional question"),
            _l(
                "Respondents who skip the question a condition refers to are treated as if they had "
                "answered something else, which may not be what you meant."
            ),
        ),
        Check("empty_page", E, _l("Empty page"), _l("Every page needs at least one question.")),
        Check(
            "duplicate_of_standard",
            W,
            _l("Duplicate of a standard question"),
            _l(
                "Only the questions of the base questionnaire and the question bank are compared with "
                "other members. Use the standard question instead of a version of your own."
            ),
        ),
        Check(
            "direct_identifier",
            E,
            _l("Direct identifier"),
            _l(
                "Surveys here are anonymous: do not ask for names, e-mail addresses, phone numbers, "
                "addresses or national identity numbers. For a newsletter or a prize draw, offer an "
                "opt-in on the thank-you page; it is stored apart from the answers."
            ),
        ),
        Check(
            "indirect_identifiers",
            W,
            _l("Several indirect identifiers"),
            _l(
                "Details such as postcode, exact age, occupation and gender can together single out a "
                "respondent. Ask for coarser categories, or leave some out."
            ),
        ),
    )
}

SEVERITY_NAMES = {Severity.ERROR: _l("Error"), Severity.WARNING: _l("Warning")}

# Language names as messages quote them.
LANGUAGE_NAMES = {"nb": _l("Bokmål"), "nn": _l("Nynorsk"), "en": _l("English")}
