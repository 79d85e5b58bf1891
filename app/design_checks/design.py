"""What every check works on: the design being checked, its standard questions, and its findings."""

from dataclasses import dataclass, field
from functools import cached_property

from app.design_checks.catalogue import CHECKS, SEVERITY_NAMES, Severity
from app.design_checks.wordlists import has_wordlist
from app.questionnaires.definition import QuestionRef, iter_questions

GUIDANCE_DOCUMENT = "docs/design-checks.md"
FREE_TEXT_TYPES = ("short_text", "long_text")


@dataclass(frozen=True)
class Finding:
    code: str
    message: str  # in the language of the request (or of `force_locale`)
    question: str | None = None  # question code, None for the survey or a page as a whole
    section: str | None = None
    # Where in the definition, e.g. ("sections", 0, "questions", 2, "show_if"): gives a file line.
    path: tuple = field(default=(), compare=False)

    @property
    def severity(self) -> Severity:
        return CHECKS[self.code].severity

    @property
    def severity_name(self) -> str:
        return str(SEVERITY_NAMES[self.severity])

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    @property
    def title(self) -> str:
        return str(CHECKS[self.code].title)

    @property
    def guidance(self) -> str:
        """The section of the guidance that explains the check."""
        return f"{GUIDANCE_DOCUMENT}#{self.code}"


def findings_by_question(findings: list[Finding]) -> dict[str | None, list[Finding]]:
    """Findings grouped by question code, to show beside each question (None: about no one question)."""
    grouped: dict[str | None, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.question, []).append(finding)
    return grouped


@dataclass
class Design:
    """A definition with the standard definitions it is compared with.

    A question is standard when it is a common (locked) question, comes from the question bank, or
    is a base questionnaire question left as the base words it: those are vetted, so their wording
    is not checked, though they count towards the time and the number of open questions.
    """

    definition: dict
    base: dict | None = None
    bank: list[dict] = field(default_factory=list)

    @cached_property
    def refs(self) -> list[QuestionRef]:
        return list(iter_questions(self.definition))

    @cached_property
    def languages(self) -> list[str]:
        """The offered languages the word lists cover, in the definition's order."""
        return [language for language in self.definition.get("languages", ["nb"]) if has_wordlist(language)]

    @cached_property
    def base_texts(self) -> dict[str, dict]:
        if not self.base:
            return {}
        return {ref.question["code"]: ref.question["text"] for ref in iter_questions(self.base)}

    def is_standard(self, question: dict) -> bool:
        return bool(
            question.get("locked")
            or question.get("bank_module")
            or self.base_texts.get(question["code"]) == question["text"]
        )

    def own_questions(self) -> list[QuestionRef]:
        """The questions the member wrote or changed: the ones whose wording is checked."""
        return [ref for ref in self.refs if not self.is_standard(ref.question)]

    def finding(self, code: str, message: str, ref: QuestionRef | None = None, path: tuple = ()) -> Finding:
        if ref is None:
            return Finding(code, message, path=path)
        return Finding(code, message, ref.question["code"], ref.section_code, path or ref.path)

    def texts(self, text: dict) -> list[tuple[str, str]]:
        """(language, text) for each offered language the text is given in."""
        return [(language, text[language]) for language in self.languages if text.get(language)]
