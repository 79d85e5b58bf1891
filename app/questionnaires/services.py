"""Loading base questionnaires and question-bank modules from the repository into the database."""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.questionnaires.models import BankModule, QuestionnaireVersion
from app.questionnaires.validation import check_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
BASE_DIR = PROJECT_ROOT / "questionnaires"
BANK_DIR = PROJECT_ROOT / "question_bank"


class DefinitionError(Exception):
    """A definition file has problems; `problems` holds "PATH:LINE: message" lines."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class LoadReport:
    added: list[str]
    updated: list[str]
    unchanged: list[str]


def version_sort_key(version: str) -> str:
    return ".".join(f"{int(part):09d}" for part in version.split("."))


def definition_files() -> list[Path]:
    return sorted(BASE_DIR.glob("*.yaml")) + sorted(BANK_DIR.glob("*.yaml"))


def content_hash(definition: dict) -> str:
    return hashlib.sha256(json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def load_definitions(paths: list[Path] | None = None) -> LoadReport:
    """Upsert every base version and bank module; files whose content is unchanged are left alone."""
    report = LoadReport([], [], [])
    checked = []
    problems = []
    for path in paths if paths is not None else definition_files():
        result = check_file(path)
        problems += [f"{path}:{p.line}: {p.message}" for p in result.problems]
        checked.append((path, result.definition))
    if problems:
        raise DefinitionError(problems)
    for path, definition in checked:
        if definition["kind"] == "survey":
            raise DefinitionError([f"{path}:1: a member survey cannot be loaded as a shared definition"])
        model = QuestionnaireVersion if definition["kind"] == "base" else BankModule
        label = f"{definition['kind']} {definition['code']} {definition['version']}"
        outcome = _upsert(model, definition)
        getattr(report, outcome).append(label)
    db.session.flush()
    return report


def _upsert(model, definition: dict) -> str:
    digest = content_hash(definition)
    row = db.session.scalar(
        select(model).where(model.code == definition["code"], model.version == definition["version"])
    )
    if row is not None and row.content_hash == digest:
        return "unchanged"
    outcome = "updated" if row is not None else "added"
    if row is None:
        row = model(code=definition["code"], version=definition["version"])
        db.session.add(row)
    row.sort_key = version_sort_key(definition["version"])
    row.title = definition["title"]
    row.definition = definition
    row.content_hash = digest
    if model is BankModule:
        row.topic = definition["topic"]
    return outcome


def current_base_version() -> QuestionnaireVersion | None:
    return db.session.scalar(
        select(QuestionnaireVersion).order_by(QuestionnaireVersion.sort_key.desc()).limit(1)
    )


def latest_bank_modules() -> list[BankModule]:
    """The newest version of each bank module."""
    newest: dict[str, BankModule] = {}
    for module in db.session.scalars(select(BankModule).order_by(BankModule.code, BankModule.sort_key)):
        newest[module.code] = module
    return list(newest.values())
