import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from app.extensions import db
from app.questionnaires.services import DefinitionError, load_definitions
from app.questionnaires.validation import check_file

questionnaire_cli = AppGroup("questionnaire", help="Check and load questionnaire definitions.")


@questionnaire_cli.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def check_command(paths: tuple[Path, ...]) -> None:
    """Validate definition files; print PATH:LINE: message per problem, exit 1 if any."""
    failed = False
    for path in paths:
        for problem in check_file(path).problems:
            failed = True
            click.echo(f"{path}:{problem.line}: {problem.message}")
    if failed:
        sys.exit(1)
    click.echo(f"{len(paths)} file(s) valid.", err=True)


@questionnaire_cli.command("load")
def load_command() -> None:
    """Load every base questionnaire version and question-bank module (idempotent)."""
    from app.reference.services import load_reference_data

    load_reference_data()
    try:
        report = load_definitions()
    except DefinitionError as error:
        db.session.rollback()
        for line in error.problems:
            click.echo(line, err=True)
        sys.exit(1)
    db.session.commit()
    for outcome in ("added", "updated", "unchanged"):
        for label in getattr(report, outcome):
            click.echo(f"{outcome}: {label}")
