"""Validate questionnaire definition files and report problems as (line, message)."""

from dataclasses import dataclass, field
from pathlib import Path

from marshmallow import ValidationError

from app.core.languages import LANGUAGES
from app.questionnaires.definition import iter_questions, options_of
from app.questionnaires.schemas import NUMERIC_TYPES, DefinitionSchema, DraftDefinitionSchema
from app.questionnaires.yaml_source import SourceDocument, SourceError, read_yaml
from app.reference.services import reference_codes

MARSHMALLOW_REQUIRED = "Missing data for required field."
MARSHMALLOW_UNKNOWN = "Unknown field."
DICT_ENTRY_PARTS = ("key", "value")


@dataclass(frozen=True, order=True)
class Problem:
    line: int
    message: str
    # Where in the definition (e.g. ("sections", 0, "questions", 2)); lets the builder point at it.
    path: tuple = field(default=(), compare=False)


@dataclass
class CheckResult:
    definition: dict | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def format_path(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def check_text(text: str | bytes, draft: bool = False) -> CheckResult:
    """Check YAML text; a `draft` is checked as `check_definition` checks one."""
    try:
        document = read_yaml(text)
    except SourceError as problem:
        return CheckResult(None, [Problem(problem.line, problem.message)])
    return _check_document(document, draft)


def check_definition(data: dict, draft: bool = False) -> CheckResult:
    """Check a definition held in memory; problems carry paths, not lines. A `draft` (a survey being
    built) may have empty pages and lack translations: the builder lists those apart, and they
    must be fixed before the survey goes to review."""
    return _check_document(SourceDocument(data), draft)


def translation_gaps(definition: dict) -> list[Problem]:
    """Texts missing in a language the (valid) definition offers, each with its path."""
    rules = DefinitionRules(definition, SourceDocument(definition))
    rules._check_languages(definition, ())
    return rules.problems


def _check_document(document: SourceDocument, draft: bool) -> CheckResult:
    if not isinstance(document.data, dict):
        return CheckResult(
            None, [Problem(1, "the file must be a mapping with kind, code, version and sections")]
        )
    try:
        definition = (DraftDefinitionSchema if draft else DefinitionSchema)().load(document.data)
    except ValidationError as error:
        return CheckResult(None, sorted(_schema_problems(error.messages, (), document)))
    problems = sorted(DefinitionRules(definition, document).check(require_translations=not draft))
    return CheckResult(definition if not problems else None, problems)


def check_file(path: Path) -> CheckResult:
    try:
        data = path.read_bytes()
    except OSError as error:
        return CheckResult(None, [Problem(1, f"cannot read file: {error.strerror}")])
    return check_text(data)


def _schema_problems(messages, path: tuple, document: SourceDocument) -> list[Problem]:
    if path and path[-1] in DICT_ENTRY_PARTS and not _has_key(document.data, path[:-1], path[-1]):
        # marshmallow reports dict entries as .key / .value; the entry itself is what the author wrote.
        path = path[:-1]
    if isinstance(messages, dict):
        problems = []
        for key, nested in messages.items():
            problems += _schema_problems(nested, path + (key,), document)
        return problems
    problems = []
    for message in messages if isinstance(messages, list) else [messages]:
        if isinstance(message, dict):
            problems += _schema_problems(message, path, document)
            continue
        parent, key = path[:-1], path[-1] if path else None
        if message == MARSHMALLOW_REQUIRED:
            problems.append(
                Problem(document.line_of(parent), f"{_where(parent)}missing required key '{key}'", parent)
            )
        elif message == MARSHMALLOW_UNKNOWN:
            problems.append(Problem(document.line_of(path), f"{_where(parent)}unknown key '{key}'", path))
        else:
            problems.append(Problem(document.line_of(path), f"{_where(path)}{message}", path))
    return problems


def _has_key(data, path: tuple, key: str) -> bool:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return False
    return isinstance(data, dict) and key in data


def _where(path: tuple) -> str:
    return f"{format_path(path)}: " if path else ""


class DefinitionRules:
    """Rules that need the whole definition: unique codes, option lists, conditions, opt-ins, languages."""

    def __init__(self, definition: dict, document: SourceDocument):
        self.definition = definition
        self.document = document
        self.problems: list[Problem] = []

    def problem(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.document.line_of(path), f"{_where(path)}{message}", path))

    def check(self, require_translations: bool = True) -> list[Problem]:
        self._check_option_lists()
        self._check_sections_and_questions()
        self._check_opt_ins()
        if require_translations:
            self._check_languages(self.definition, ())
        return self.problems

    def _check_option_lists(self) -> None:
        for name, options in self.definition.get("option_lists", {}).items():
            self._check_unique_options(options, ("option_lists", name))

    def _check_unique_options(self, options: list[dict], path: tuple) -> None:
        seen: dict[str, int] = {}
        for index, option in enumerate(options):
            code = option["code"]
            if code in seen:
                first = self.document.line_of(path + (seen[code],))
                self.problem(path + (index,), f"duplicate option code '{code}' (first used on line {first})")
            seen.setdefault(code, index)

    def _check_sections_and_questions(self) -> None:
        section_lines: dict[str, int] = {}
        for index, section in enumerate(self.definition["sections"]):
            code = section["code"]
            if code in section_lines:
                self.problem(
                    ("sections", index),
                    f"duplicate section code '{code}' (first used on line {section_lines[code]})",
                )
            section_lines.setdefault(code, self.document.line_of(("sections", index)))

        earlier: dict[str, dict] = {}
        code_lines: dict[str, int] = {}
        later = {
            code: ref.path
            for ref in iter_questions(self.definition)
            for code in [ref.question["code"]] + [row["code"] for row in ref.question.get("rows", [])]
        }
        is_module = self.definition["kind"] == "bank_module"
        for ref in iter_questions(self.definition):
            question, path = ref.question, ref.path
            self._check_question_options(question, path)
            if question["locked"] and is_module:
                # Locked questions come from a base questionnaire (and are copied into surveys).
                self.problem(path, "a bank module cannot lock questions")
            if "show_if" in question:
                self._check_condition(
                    question["show_if"], path + ("show_if",), question["code"], earlier, later
                )
            codes = [(question["code"], path)] + [
                (row["code"], path + ("rows", i)) for i, row in enumerate(question.get("rows", []))
            ]
            for code, code_path in codes:
                if code in code_lines:
                    self.problem(
                        code_path, f"duplicate question code '{code}' (first used on line {code_lines[code]})"
                    )
                else:
                    code_lines[code] = self.document.line_of(code_path)
            earlier[question["code"]] = question
            for row in question.get("rows", []):
                # A matrix row is answered like a single choice among the matrix's options.
                earlier[row["code"]] = dict(question, code=row["code"], type="single_choice")

    def _check_opt_ins(self) -> None:
        if "opt_ins" not in self.definition:
            return
        if self.definition["kind"] == "bank_module":
            # A module is added to surveys; what a survey offers after the answers is the survey's choice.
            self.problem(("opt_ins",), "only a base questionnaire or a survey can offer opt-ins")
        seen: dict[str, int] = {}
        for index, opt_in in enumerate(self.definition["opt_ins"]):
            code = opt_in["code"]
            if code in seen:
                self.problem(
                    ("opt_ins", index), f"duplicate opt-in code '{code}' (first used on line {seen[code]})"
                )
            seen.setdefault(code, self.document.line_of(("opt_ins", index)))

    def _check_question_options(self, question: dict, path: tuple) -> None:
        options = question.get("options")
        if isinstance(options, str):
            if options not in self.definition.get("option_lists", {}):
                self.problem(path + ("options",), f"unknown option list '{options}'")
            resolved = options_of(self.definition, question) or []
        elif options is not None:
            self._check_unique_options(options, path + ("options",))
            resolved = options
        else:
            resolved = question.get("extra_options", [])
            self._check_unique_options(resolved, path + ("extra_options",))
        maximum = question.get("max_selections")
        if maximum is not None and resolved and maximum > len(resolved):
            self.problem(
                path + ("max_selections",),
                f"max_selections is {maximum} but there are only {len(resolved)} options",
            )

    def _check_condition(
        self, condition: dict, path: tuple, own_code: str, earlier: dict, later: dict
    ) -> None:
        for key in ("all", "any"):
            if key in condition:
                for index, item in enumerate(condition[key]):
                    self._check_condition(item, path + (key, index), own_code, earlier, later)
                return
        if "not" in condition:
            self._check_condition(condition["not"], path + ("not",), own_code, earlier, later)
            return
        code = condition["question"]
        if code == own_code:
            self.problem(path, f"refers to the question itself ('{code}')")
            return
        if code not in earlier:
            if code in later:
                self.problem(path, f"refers to question '{code}', which comes later")
            else:
                self.problem(path, f"refers to unknown question '{code}'")
            return
        self._check_operator(condition, path, earlier[code])

    def _check_operator(self, condition: dict, path: tuple, target: dict) -> None:
        operator = next(key for key in condition if key != "question")
        operand = condition[operator]
        target_type = target["type"]
        code = target["code"]
        if operator in ("gt", "gte", "lt", "lte") and target_type not in NUMERIC_TYPES:
            self.problem(path, f"'{operator}' needs a numeric question, but '{code}' is {target_type}")
            return
        if operator in ("equals", "not_equals", "in", "includes"):
            if operator == "includes" and target_type != "multiple_choice":
                self.problem(
                    path, f"'includes' needs a multiple choice question, but '{code}' is {target_type}"
                )
                return
            if operator != "includes" and target_type not in ("single_choice", "reference_choice"):
                self.problem(
                    path, f"'{operator}' needs a single choice question, but '{code}' is {target_type}"
                )
                return
            if target_type == "reference_choice":
                known = {option["code"] for option in target.get("extra_options", [])}
                self._check_reference_operand(operand, path, code, target["reference"], known)
                return
            known = {option["code"] for option in options_of(self.definition, target) or []}
            for value in operand if isinstance(operand, list) else [operand]:
                if value not in known:
                    self.problem(path, f"refers to unknown option '{value}' of question '{code}'")

    def _check_reference_operand(self, operand, path: tuple, code: str, reference: str, extra: set) -> None:
        known = extra | reference_codes(reference)
        for value in operand if isinstance(operand, list) else [operand]:
            if value not in known:
                self.problem(path, f"refers to unknown option '{value}' of question '{code}'")

    def _check_languages(self, node, path: tuple) -> None:
        """Every text must exist in every language the definition offers."""
        offered = self.definition["languages"]
        if isinstance(node, dict):
            if (
                "nb" in node
                and all(key in LANGUAGES for key in node)
                and all(isinstance(v, str) for v in node.values())
            ):
                for language in offered:
                    if language not in node:
                        self.problem(path, f"missing {language} text (the definition offers {language})")
                return
            for key, value in node.items():
                self._check_languages(value, path + (key,))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                self._check_languages(value, path + (index,))
