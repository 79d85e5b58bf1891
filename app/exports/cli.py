"""`flask responses import SURVEY_ID FILE`: responses collected elsewhere, from the command line."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from app.exports.imports import MAX_IMPORT_BYTES, ResponseImportError, import_responses
from app.extensions import db
from app.surveys.models import Survey

responses_cli = AppGroup("responses", help="Survey responses.")


def fail(message: str) -> None:
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@responses_cli.command("import")
@click.argument("survey_id", type=int)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def import_command(survey_id: int, file: Path) -> None:
    """Import responses from a CSV or XLSX file in the export format into the survey's newest
    published revision: every row is checked, and nothing is stored unless all rows pass."""
    with force_locale("en"):
        survey = db.session.get(Survey, survey_id)
        if survey is None:
            fail(f"There is no survey {survey_id}.")
        try:
            with open(file, "rb") as handle:
                content = handle.read(MAX_IMPORT_BYTES + 1)
        except OSError as error:
            fail(f"{file}: cannot be read ({error.strerror or error}).")
        try:
            count = import_responses(survey, file.name, content)
        except ResponseImportError as refusal:
            db.session.rollback()
            for problem in refusal.problems:
                where = f"{file}:{problem.row}" if problem.row else str(file)
                click.echo(f"{where}: {problem.message}", err=True)
            click.echo(f"Error: nothing was imported ({len(refusal.problems)} problem(s)).", err=True)
            sys.exit(1)
        db.session.commit()
        click.echo(f"Imported {count} response(s) into survey {survey.id} ({survey.title}).")
