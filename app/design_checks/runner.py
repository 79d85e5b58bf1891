"""Running every design check on a definition, a stored survey, or a file's definition."""

from sqlalchemy.exc import SQLAlchemyError

from app.design_checks.design import Design, Finding
from app.design_checks.duplicates import check_duplicates
from app.design_checks.logic import check_logic
from app.design_checks.options import check_options
from app.design_checks.privacy import check_privacy
from app.design_checks.question_wording import check_wording
from app.design_checks.scales import check_scales
from app.design_checks.survey import check_survey
from app.extensions import db
from app.questionnaires.services import (
    BANK_DIR,
    BASE_DIR,
    current_base_version,
    latest_bank_modules,
    version_sort_key,
)
from app.questionnaires.validation import check_file

CHECK_GROUPS = (
    check_survey,
    check_logic,
    check_wording,
    check_scales,
    check_options,
    check_privacy,
    check_duplicates,
)


def run_checks(definition: dict, *, base: dict | None, bank: list[dict]) -> list[Finding]:
    """Every finding on a definition that passed the format check (as a draft at least), errors
    first, then in the order of the questions."""
    design = Design(definition, base, bank)
    findings = [finding for group in CHECK_GROUPS for finding in group(design)]
    order = {ref.question["code"]: index for index, ref in enumerate(design.refs)}
    return sorted(findings, key=lambda finding: (not finding.is_error, order.get(finding.question, -1)))


def findings_for_survey(survey) -> list[Finding]:
    """The findings on a survey's newest revision, compared with the base version it was made from
    and the newest question bank."""
    base = survey.base_version.definition if survey.base_version else None
    bank = [module.definition for module in latest_bank_modules()]
    return run_checks(survey.revisions[-1].definition, base=base, bank=bank)


def standard_definitions() -> tuple[dict | None, list[dict]]:
    """The current base questionnaire and bank modules: from the database when they are loaded,
    else from the repository's files (a fresh checkout, or a machine without the database)."""
    try:
        base = current_base_version()
        modules = latest_bank_modules()
    except SQLAlchemyError:
        db.session.rollback()
        base, modules = None, []
    if base is not None:
        return base.definition, [module.definition for module in modules]
    return _newest(BASE_DIR), _newest_per_code(BANK_DIR)


def _checked(directory) -> list[dict]:
    return [result.definition for result in map(check_file, sorted(directory.glob("*.yaml"))) if result.ok]


def _newest(directory) -> dict | None:
    definitions = _checked(directory)
    return max(definitions, key=lambda item: version_sort_key(item["version"]), default=None)


def _newest_per_code(directory) -> list[dict]:
    newest: dict[str, dict] = {}
    for definition in sorted(_checked(directory), key=lambda item: version_sort_key(item["version"])):
        newest[definition["code"]] = definition
    return list(newest.values())
