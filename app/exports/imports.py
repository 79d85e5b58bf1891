"""Imports of responses collected elsewhere (paper forms keyed in, an earlier tool).

The file has the export's format: CSV (comma or semicolon separated) or XLSX (its first sheet).
Every row is checked as the answering pages check a respondent's pages, page by page with the
survey's conditions, against the survey's newest published revision. All rows are stored, or
none: the caller commits only when no row has a problem.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.answering.flow import page, read_page
from app.answering.question_types import TYPES
from app.core.formula_safety import restore
from app.core.types import utcnow
from app.exports.layout import META_NAMES, Column, ExportError, Kind, layout
from app.questionnaires.conditions import condition_holds
from app.responses.models import ResponseStatus
from app.responses.services import store_response
from app.surveys.lifecycle import live_revision
from app.surveys.models import Survey

MAX_IMPORT_BYTES = 20 * 1024 * 1024
# An XLSX file is a zip archive: its unpacked size is bounded too (a zip bomb is refused).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 50_000
MAX_PROBLEMS_SHOWN = 100
STATUSES = {status.value: status for status in ResponseStatus}


@dataclass(frozen=True)
class Problem:
    row: int | None  # the line in the file (the header is line 1); None for the file as a whole
    message: str


class ResponseImportError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(problem.message for problem in problems[:3]))
        self.problems = problems


def _refuse(message: str, row: int | None = None):
    raise ResponseImportError([Problem(row, message)])


def read_table(file_name: str, content: bytes) -> tuple[list[str], list[list]]:
    """The header and the rows of a CSV or XLSX file."""
    if len(content) > MAX_IMPORT_BYTES:
        _refuse(_("The file is larger than %(size)d MB.", size=MAX_IMPORT_BYTES // (1024 * 1024)))
    if content.startswith(b"PK") or file_name.lower().endswith(".xlsx"):
        table = _read_xlsx(content)
    else:
        table = _read_csv(content)
    table = [row for row in table if any(cell not in (None, "") for cell in row)]
    if not table:
        _refuse(_("The file is empty."))
    if len(table) - 1 > MAX_ROWS:
        _refuse(_("The file has more than %(count)d responses.", count=MAX_ROWS))
    header = [restore(str(cell or "")).strip() for cell in table[0]]
    return header, table[1:]


def _read_csv(content: bytes) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        _refuse(_("The file must be CSV in UTF-8 or an XLSX workbook."))
    first_line = text.split("\n", 1)[0]
    # The Norwegian Excel variant separates fields with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error:
        _refuse(_("The file could not be read as CSV."))


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(item.file_size for item in archive.infolist()) > MAX_UNPACKED_BYTES:
                _refuse(_("The workbook is too large when unpacked."))
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        _refuse(_("The file could not be read as an XLSX workbook."))
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _text(cell) -> str:
    """A cell as the text a form field would have sent."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.isoformat()
    return restore(str(cell)).strip()


@dataclass
class Row:
    number: int
    cells: dict[str, str]


def import_responses(survey: Survey, file_name: str, content: bytes) -> int:
    """Check every row and store them all as imported responses; raises ResponseImportError listing the
    problems by row, and then stores nothing."""
    revision = live_revision(survey)
    if revision is None:
        _refuse(_("The survey has no published revision to import responses into."))
    header, rows = read_table(file_name, content)
    definition = revision.definition
    revisions = [(item.id, item.definition) for item in reversed(survey.revisions) if item.published_at]
    try:
        table = layout(revisions)
    except ExportError as error:
        _refuse(str(error))
    columns = {column.name: column for column in table.columns if not column.meta}
    current = table.asked[revision.id]
    problems = _header_problems(header, columns)
    if problems:
        raise ResponseImportError(problems)
    checked = []
    for index, cells in enumerate(rows, start=2):
        row = Row(index, {name: _text(cell) for name, cell in zip(header, cells, strict=False) if name})
        found, row_problems = _check_row(definition, columns, current, row)
        problems += row_problems
        if not row_problems:
            checked.append(found)
    if problems:
        raise ResponseImportError(problems)
    for found in checked:
        response = store_response(
            revision,
            found.answers,
            found.language,
            status=found.status,
            submitted_at=found.submitted_at,
        )
        response.is_imported = True
        response.duration_seconds = found.duration
        response.started_at = found.submitted_at or response.started_at
    return len(checked)


def _header_problems(header: list[str], columns: dict[str, Column]) -> list[Problem]:
    problems = []
    seen = set()
    for name in header:
        if not name:
            continue
        if name in seen:
            problems.append(Problem(1, _("The column %(column)s appears twice.", column=name)))
        elif name not in columns and name not in META_NAMES:
            problems.append(
                Problem(1, _("The column %(column)s is not a question of the survey.", column=name))
            )
        seen.add(name)
    if not seen & set(columns):
        problems.append(Problem(1, _("The file has no column of the survey's questions.")))
    return problems


@dataclass
class Checked:
    answers: list
    language: str
    status: ResponseStatus
    submitted_at: datetime | None
    duration: int | None


def _check_row(definition: dict, columns: dict[str, Column], current: set[str], row: Row):
    problems = []

    def problem(message: str) -> None:
        problems.append(Problem(row.number, message))

    form = MultiDict()
    filled = set()
    for name, value in row.cells.items():
        column = columns.get(name)
        if column is None or value == "":
            continue
        if name not in current:
            problem(_("%(column)s: not a question of the published revision; leave it empty.", column=name))
            continue
        if column.kind == Kind.FLAG:
            if value not in ("0", "1"):
                problem(_("%(column)s: write 1 (chosen) or 0 (not chosen).", column=name))
            elif value == "1":
                form.add(column.question_code, column.option_code)
            filled.add(column.question_code)
            continue
        if column.kind == Kind.NUMBER:
            value = value.replace(",", ".")
            value = value.removesuffix(".0") if value.endswith(".0") else value
        form.add(column.question_code, value)
        filled.add(column.question_code)

    meta = {name: row.cells.get(name, "") for name in META_NAMES}
    status = STATUSES.get(meta["response_status"] or "complete")
    if status is None:
        problem(_("response_status: write complete, partial or screened_out."))
    language = meta["response_language"] or definition["languages"][0]
    if language not in definition["languages"]:
        problem(_("response_language: the survey is not offered in %(language)s.", language=language))
    submitted_at = _moment(meta["submitted_at"], problem)
    duration = _whole_number(meta["duration_seconds"], "duration_seconds", problem)

    answers, screened_out = _walk_pages(definition, form, filled, status, problem)
    if status is not None and screened_out != (status == ResponseStatus.SCREENED_OUT):
        if screened_out:
            problem(_("An answer ends the survey (screen-out): write screened_out as the status."))
        else:
            problem(_("No answer ends the survey, so the status cannot be screened_out."))
    if submitted_at is None and status == ResponseStatus.COMPLETE:
        submitted_at = utcnow()
    return Checked(answers, language, status, submitted_at, duration), problems


def _walk_pages(definition: dict, form: MultiDict, filled: set[str], status, problem) -> tuple[list, bool]:
    """Read the row as a respondent's pages are read: conditions decide what is shown, and an answer
    to a question that was not shown is a problem."""
    given: dict = {}
    answers = []
    shown_codes = set()
    screened_out = False
    for index in range(len(definition["sections"])):
        shown = page(definition, index, given)
        result = read_page(definition, shown, given, form)
        for item in shown.questions:
            question = item.question
            if item.depends_on_same_page and not condition_holds(question.get("show_if"), given):
                continue  # its condition, on an earlier question of this page, does not hold
            codes = {row["code"] for row in question.get("rows", [])} | {question["code"]}
            shown_codes |= codes
            error = result.errors.get(question["code"])
            # Partial responses stop somewhere: unanswered required questions are no problem there.
            if error and (status == ResponseStatus.COMPLETE or codes & filled):
                problem(f"{question['code']}: {error}")
            value = result.values.get(question["code"])
            if value is not None:
                given[question["code"]] = value
                if question["type"] == "matrix":
                    given.update(value)
                answers += TYPES[question["type"]].to_answers(question, value)
        if result.screened_out_by is not None:
            screened_out = True
            break
    for code in sorted(filled - shown_codes):
        problem(
            _("%(column)s: answered, but the question is not shown after the earlier answers.", column=code)
        )
    return answers, screened_out


def _moment(text: str, problem) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        problem(_("submitted_at: write a time such as 2026-03-01T19:30:00Z."))
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _whole_number(text: str, name: str, problem) -> int | None:
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        problem(_("%(column)s: write a whole number of 0 or more.", column=name))
        return None
    return value
