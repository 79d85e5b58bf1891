"""Which questions are benchmarkable, under which key they aggregate, and how they are summarised.

Benchmarkable are the locked questions of the base questionnaire and every question copied from the
question bank; a member's own questions never are. Codes declared `comparable_with` older codes in a
newer base version aggregate under the newest code.
"""

import enum
from collections.abc import Iterator
from dataclasses import dataclass

from app.extensions import db
from app.questionnaires.definition import iter_questions, options_of
from app.questionnaires.models import QuestionnaireVersion
from app.questionnaires.services import current_base_version, latest_bank_modules
from app.reference.services import reference_list


class Kind(enum.StrEnum):
    CHOICE = "choice"  # one option per response: shares of each option
    MULTIPLE = "multiple"  # any number of options: share of responses choosing each
    MEAN = "mean"  # a number: mean with an interval
    NPS = "nps"  # 0–10 likelihood to recommend: promoters, passives, detractors


KIND_OF_TYPE = {
    "single_choice": Kind.CHOICE,
    "reference_choice": Kind.CHOICE,
    "matrix": Kind.CHOICE,
    "multiple_choice": Kind.MULTIPLE,
    "rating": Kind.MEAN,
    "slider": Kind.MEAN,
    "number": Kind.MEAN,
    "nps": Kind.NPS,
}

NPS_GROUPS = ("promoter", "passive", "detractor")


@dataclass(frozen=True)
class BenchmarkQuestion:
    answer_code: str  # the question code stored with each answer
    key: str  # the code it aggregates under across revisions and base versions
    kind: Kind


def is_benchmarkable(question: dict) -> bool:
    return question["type"] in KIND_OF_TYPE and bool(question.get("locked") or question.get("bank_module"))


def newest_codes() -> dict[str, str]:
    """Old code → newest code, following `comparable_with` declarations through every base version."""
    renamed: dict[str, str] = {}
    for definition in db.session.scalars(
        db.select(QuestionnaireVersion.definition).order_by(QuestionnaireVersion.sort_key)
    ):
        for ref in iter_questions(definition):
            for old in ref.question.get("comparable_with", []):
                renamed[old] = ref.question["code"]
    return {old: _follow(renamed, new) for old, new in renamed.items()}


def _follow(renamed: dict[str, str], code: str) -> str:
    seen = {code}
    while code in renamed and renamed[code] not in seen:
        code = renamed[code]
        seen.add(code)
    return code


def benchmark_questions(definition: dict, renamed: dict[str, str]) -> Iterator[BenchmarkQuestion]:
    for ref in iter_questions(definition):
        question = ref.question
        if not is_benchmarkable(question):
            continue
        kind = KIND_OF_TYPE[question["type"]]
        codes = (
            [row["code"] for row in question["rows"]] if question["type"] == "matrix" else [question["code"]]
        )
        for code in codes:
            yield BenchmarkQuestion(code, renamed.get(code, code), kind)


@dataclass(frozen=True)
class CatalogueEntry:
    """How to present one benchmark key: its question text and its options, from the newest source."""

    key: str
    kind: Kind
    text: dict
    options: list[dict]  # [{"code": ..., "label": {...}}]; empty for means
    order: int


def catalogue() -> dict[str, CatalogueEntry]:
    """Every benchmark key of the current base questionnaire and the question bank, in questionnaire order."""
    sources = []
    base = current_base_version()
    if base is not None:
        sources.append(base.definition)
    sources.extend(module.definition for module in latest_bank_modules())
    entries: dict[str, CatalogueEntry] = {}
    for definition in sources:
        for ref in iter_questions(definition):
            question = ref.question
            in_bank = definition.get("kind") == "bank_module"
            if question["type"] not in KIND_OF_TYPE or not (in_bank or question.get("locked")):
                continue
            for key, text in _keys_and_texts(question):
                entries.setdefault(
                    key,
                    CatalogueEntry(
                        key,
                        KIND_OF_TYPE[question["type"]],
                        text,
                        _presented_options(definition, question),
                        len(entries),
                    ),
                )
    return entries


def _keys_and_texts(question: dict) -> list[tuple[str, dict]]:
    if question["type"] == "matrix":
        return [
            (
                row["code"],
                {lang: f"{question['text'].get(lang, '')}: {label}" for lang, label in row["text"].items()},
            )
            for row in question["rows"]
        ]
    return [(question["code"], question["text"])]


def _presented_options(definition: dict, question: dict) -> list[dict]:
    kind = KIND_OF_TYPE[question["type"]]
    if kind == Kind.MEAN:
        return []
    if kind == Kind.NPS:
        return [{"code": code, "label": None} for code in NPS_GROUPS]
    if question["type"] == "reference_choice":
        return [
            {"code": item["code"], "label": item["labels"]} for item in reference_list(question["reference"])
        ] + list(question.get("extra_options", []))
    return [
        {"code": option["code"], "label": option["label"]}
        for option in options_of(definition, question) or []
    ]
