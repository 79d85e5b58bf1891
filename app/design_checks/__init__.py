"""Automated survey design checks (docs/design-checks.md): pure functions on a definition that
report findings with a code, a severity, a message in the user's language and a guidance anchor."""

from app.design_checks.catalogue import CHECKS, Severity
from app.design_checks.design import Finding, findings_by_question
from app.design_checks.runner import findings_for_survey, run_checks

__all__ = ["CHECKS", "Finding", "Severity", "findings_by_question", "findings_for_survey", "run_checks"]
