"""`flask survey lint`: the format check and the design checks on definition files."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from app.core.languages import LANGUAGES
from app.design_checks.runner import run_checks, standard_definitions
from app.questionnaires.validation import check_text
from app.questionnaires.yaml_source import read_yaml

survey_cli = AppGroup("survey", help="Check survey definitions.")


@survey_cli.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the messages.",
)
def lint_command(paths: tuple[Path, ...], language: str) -> None:
    """Check definition files, then their design; print PATH:LINE: SEVERITY CODE message per
    finding. Exit 1 if a file has a format problem or an error finding."""
    base, bank = standard_definitions()
    failed = False
    with force_locale(language):
        for path in paths:
            failed |= _lint(path, base, bank)
    sys.exit(1 if failed else 0)


def _lint(path: Path, base: dict | None, bank: list[dict]) -> bool:
    """Print the file's problems and findings; True when any of them is an error."""
    try:
        text = path.read_bytes()
    except OSError as error:
        click.echo(f"{path}:1: cannot read file: {error.strerror}")
        return True
    # A survey being built may have empty pages and missing translations: the design checks
    # report those with their own codes, as errors.
    result = check_text(text, draft=True)
    for problem in result.problems:
        click.echo(f"{path}:{problem.line}: {problem.message}")
    if not result.ok:
        return True
    document = read_yaml(text)  # read again for the lines: check_text keeps only the definition
    failed = False
    for finding in run_checks(result.definition, base=base, bank=bank):
        failed |= finding.is_error
        click.echo(
            f"{path}:{document.line_of(finding.path)}: {finding.severity} {finding.code} {finding.message}"
        )
    return failed
