"""Privacy checks: direct identifiers, sensitive questions without a way out, indirect identifiers.

Every survey here is anonymous (no IP address, no login, opt-ins stored apart), so a question that
asks who the respondent is undoes that for the whole response.
"""

from collections.abc import Iterator

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.design_checks.answer_labels import declines
from app.design_checks.design import Design, Finding
from app.design_checks.wording import plain
from app.design_checks.wordlists import entry, search
from app.questionnaires.definition import QuestionRef, options_of

# Types in which a respondent can write who they are.
WRITTEN_TYPES = ("short_text", "long_text", "number")
DIRECT_IDENTIFIERS = {
    "name": _l("a name"),
    "email": _l("an e-mail address"),
    "phone": _l("a phone number"),
    "address": _l("an address"),
    "national_id": _l("a national identity number"),
}
# Fine-grained details narrow a respondent down to a few people; coarse ones only help them do it.
FINE = {
    "postcode": _l("postcode"),
    "exact_age": _l("exact age"),
    "place": _l("place of residence"),
    "occupation": _l("occupation"),
}
COARSE = {
    "gender": _l("gender"),
    "age_group": _l("age group"),
    "region": _l("county or country"),
    "education": _l("education"),
}
# Two fine-grained details, or one with two others, can single someone out; the base
# questionnaire's coarse ones (gender, age group, county, education) alone cannot.
FINE_ENOUGH = 2
TOGETHER = 3
CHOICE_TYPES = ("single_choice", "multiple_choice")


def check_privacy(design: Design) -> Iterator[Finding]:
    for ref in design.own_questions():
        question = ref.question
        texts = design.texts(question["text"])
        if question["type"] in WRITTEN_TYPES:
            kind = next(
                (kind for kind in DIRECT_IDENTIFIERS if _mentions(texts, f"privacy.direct.{kind}")), None
            )
            if kind:
                yield design.finding(
                    "direct_identifier",
                    _(
                        "Asks for %(what)s, which identifies the respondent in an anonymous survey: remove "
                        "the question (for a newsletter or a prize draw, offer an opt-in on the thank-you "
                        "page).",
                        what=DIRECT_IDENTIFIERS[kind],
                    ),
                    ref,
                )
        if _mentions(texts, "privacy.sensitive") and not _has_way_out(design, question):
            yield design.finding(
                "sensitive_without_opt_out",
                _(
                    "A personal or sensitive question without an answer such as “Prefer not to say”: add "
                    "one, so that nobody has to answer it."
                ),
                ref,
            )
    yield from _indirect(design)


def _mentions(texts: list[tuple[str, str]], key: str) -> bool:
    return any(search(language, key, plain(text)) for language, text in texts)


def _has_way_out(design: Design, question: dict) -> bool:
    """A choice with "Prefer not to say", or any other question left optional."""
    if question["type"] in CHOICE_TYPES:
        return any(declines(option) for option in options_of(design.definition, question) or [])
    return not question.get("required")


def _indirect(design: Design) -> Iterator[Finding]:
    """Indirect identifiers in the whole survey, standard questions included."""
    found: dict[str, QuestionRef] = {}
    for ref in design.refs:
        for category in _categories(design, ref.question):
            found.setdefault(category, ref)
    fine = [category for category in FINE if category in found]
    if not (len(fine) >= FINE_ENOUGH or (fine and len(found) >= TOGETHER)):
        return
    coarse = [category for category in COARSE if category in found]
    names = ", ".join(
        [str(FINE[category]) for category in fine] + [str(COARSE[category]) for category in coarse]
    )
    first_own = next(
        (found[category] for category in fine if not design.is_standard(found[category].question)), None
    )
    yield design.finding(
        "indirect_identifiers",
        _(
            "Together, %(details)s may single out a respondent: ask for coarser categories, or leave some "
            "out.",
            details=names,
        ),
        first_own,
    )


def _categories(design: Design, question: dict) -> set[str]:
    if question["type"] == "reference_choice":
        return {"region"} if question["reference"] in ("fylke", "country") else set()
    texts = [(language, plain(text)) for language, text in design.texts(question["text"])]
    categories = {
        category
        for category in entry("nb", "privacy.indirect")
        if any(search(language, f"privacy.indirect.{category}", text) for language, text in texts)
    }
    if "age" in categories:
        categories.remove("age")
        categories.add("age_group" if question["type"] in CHOICE_TYPES else "exact_age")
    return categories
