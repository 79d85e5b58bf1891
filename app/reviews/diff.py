"""What changed between two definitions, question by question: pure data in, pure data out.

Used for a survey resubmitted after a review (the definition the advisor decided on against the
new one) and for two versions of the base questionnaire. Questions are matched by their stable
code, so a reworded question is a change, not a removal and an addition.
"""

import difflib
import json
from dataclasses import dataclass, field

from app.questionnaires.definition import iter_questions, options_of

# Properties a change of which is reported by name; text, options, conditions and order have their own.
OTHER_PROPERTIES = ("type", "required", "help", "scale", "min", "max", "max_selections", "rows", "locked")


@dataclass
class QuestionChange:
    code: str
    kind: str  # added | removed | changed
    before: dict | None
    after: dict | None
    reworded: bool = False
    options_added: list[dict] = field(default_factory=list)
    options_removed: list[dict] = field(default_factory=list)
    options_relabelled: list[tuple[dict, dict]] = field(default_factory=list)
    moved: bool = False
    condition_changed: bool = False
    other_changed: list[str] = field(default_factory=list)
    # Codes of the earlier definition whose answers this question continues (`comparable_with`).
    comparable_with: list[str] = field(default_factory=list)


@dataclass
class DefinitionDiff:
    questions: list[QuestionChange]
    pages_added: list[dict]
    pages_removed: list[dict]
    texts_changed: list[str]  # survey texts: title, intro, thank_you, privacy_notice

    @property
    def empty(self) -> bool:
        return not (self.questions or self.pages_added or self.pages_removed or self.texts_changed)


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _questions(definition: dict) -> dict[str, dict]:
    return {ref.question["code"]: ref.question for ref in iter_questions(definition)}


def _option_changes(change: QuestionChange, before_def: dict, after_def: dict) -> None:
    before = {option["code"]: option for option in options_of(before_def, change.before) or []}
    after = {option["code"]: option for option in options_of(after_def, change.after) or []}
    change.options_added = [option for code, option in after.items() if code not in before]
    change.options_removed = [option for code, option in before.items() if code not in after]
    change.options_relabelled = [
        (before[code], option)
        for code, option in after.items()
        if code in before and _canonical(before[code]) != _canonical(option)
    ]


def _moved_codes(before: dict, after: dict) -> set[str]:
    """Questions whose place changed: not in the longest common order of the questions both keep,
    or on another page."""
    pages_before = {ref.question["code"]: ref.section_code for ref in iter_questions(before)}
    pages_after = {ref.question["code"]: ref.section_code for ref in iter_questions(after)}
    kept = [code for code in pages_before if code in pages_after]
    order_after = [code for code in pages_after if code in pages_before]
    matcher = difflib.SequenceMatcher(a=kept, b=order_after, autojunk=False)
    in_place = {
        code for block in matcher.get_matching_blocks() for code in kept[block.a : block.a + block.size]
    }
    return {code for code in kept if code not in in_place or pages_before[code] != pages_after[code]}


def diff_definitions(before: dict, after: dict) -> DefinitionDiff:
    old, new = _questions(before), _questions(after)
    moved = _moved_codes(before, after)
    changes: list[QuestionChange] = []
    for code, question in new.items():
        if code not in old:
            changes.append(
                QuestionChange(
                    code, "added", None, question, comparable_with=list(question.get("comparable_with", []))
                )
            )
            continue
        change = QuestionChange(code, "changed", old[code], question, moved=code in moved)
        earlier = old[code]
        change.reworded = _canonical(earlier.get("text")) != _canonical(question.get("text"))
        _option_changes(change, before, after)
        change.condition_changed = _canonical(earlier.get("show_if")) != _canonical(question.get("show_if"))
        change.other_changed = [
            name
            for name in OTHER_PROPERTIES
            if _canonical(earlier.get(name)) != _canonical(question.get(name))
        ]
        if (
            change.reworded
            or change.options_added
            or change.options_removed
            or change.options_relabelled
            or change.moved
            or change.condition_changed
            or change.other_changed
        ):
            changes.append(change)
    changes += [
        QuestionChange(code, "removed", question, None) for code, question in old.items() if code not in new
    ]
    pages_before = {section["code"]: section for section in before.get("sections", [])}
    pages_after = {section["code"]: section for section in after.get("sections", [])}
    return DefinitionDiff(
        questions=changes,
        pages_added=[section for code, section in pages_after.items() if code not in pages_before],
        pages_removed=[section for code, section in pages_before.items() if code not in pages_after],
        texts_changed=[
            name
            for name in ("title", "intro", "thank_you", "privacy_notice")
            if _canonical(before.get(name)) != _canonical(after.get(name))
        ],
    )


def continued_by(diff: DefinitionDiff) -> dict[str, list[str]]:
    """For each removed code, the added questions that say they are comparable with it."""
    found: dict[str, list[str]] = {}
    for change in diff.questions:
        for earlier in change.comparable_with:
            found.setdefault(earlier, []).append(change.code)
    return found
