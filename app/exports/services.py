"""Exports of a survey's responses, run as background jobs.

A request is recorded as an `ExportRequest` row together with its job; the job writes the file into
the row and reports progress as it goes. The row is kept after its file is deleted: it is the audit
log of who exported which survey's responses, when, in which format and with which options.
"""

from collections.abc import Callable, Iterator
from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.orm import defer

from app.core.types import utcnow
from app.exports import writers
from app.exports.layout import ExportError, ResponseRecord, cells, layout
from app.exports.models import ExportFormat, ExportRequest, ExportScope, ExportState
from app.extensions import db
from app.jobs.services import record_job
from app.responses.models import Answer, Response, ResponseStatus
from app.surveys.definition_files import yaml_filename
from app.surveys.models import Collector, Survey, SurveyRevision

# Files are kept this long after they are made; the request row stays as the audit log.
FILE_DAYS = 7
BATCH_SIZE = 500

FILE_TYPES = {
    ExportFormat.CSV: ("csv", "text/csv; charset=utf-8"),
    ExportFormat.CSV_EXCEL_NB: ("csv", "text/csv; charset=utf-8"),
    ExportFormat.XLSX: ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ExportFormat.SAV: ("sav", "application/x-spss-sav"),
}


def request_export(
    survey: Survey, user, format: ExportFormat, scope: ExportScope, language: str, include_test: bool = False
) -> ExportRequest:
    export = ExportRequest(
        organisation_id=survey.organisation_id,
        survey_id=survey.id,
        survey_title=survey.title,
        requested_by_id=user.id if user is not None else None,
        format=format,
        scope=scope,
        language=language,
        include_test=include_test,
        state=ExportState.PENDING,
        progress=0,
        created_at=utcnow(),
    )
    db.session.add(export)
    db.session.flush()
    record_job("run_export", export_id=export.id)
    return export


def exports_of(survey: Survey) -> list[ExportRequest]:
    """The survey's exports, newest first (the files themselves are not loaded)."""
    return list(
        db.session.scalars(
            select(ExportRequest)
            .options(defer(ExportRequest.content))
            .where(
                ExportRequest.survey_id == survey.id, ExportRequest.organisation_id == survey.organisation_id
            )
            .order_by(ExportRequest.id.desc())
        )
    )


def downloadable(export: ExportRequest) -> bool:
    return export.state == ExportState.DONE and export.file_deleted_at is None and not _expired(export)


def _expired(export: ExportRequest) -> bool:
    return export.finished_at is not None and utcnow() - export.finished_at > timedelta(days=FILE_DAYS)


def expires_at(export: ExportRequest):
    return export.finished_at + timedelta(days=FILE_DAYS) if export.finished_at else None


def delete_expired_files() -> int:
    """Drop the files of exports older than FILE_DAYS; their rows stay as the audit log."""
    now = utcnow()
    return db.session.execute(
        update(ExportRequest)
        .where(
            ExportRequest.finished_at < now - timedelta(days=FILE_DAYS),
            ExportRequest.file_deleted_at.is_(None),
            ExportRequest.state == ExportState.DONE,
        )
        .values(content=None, file_deleted_at=now)
    ).rowcount


def _report(export_id: int, **values) -> None:
    """Progress and failure are written in their own short transaction, so the page sees them
    while the job's own transaction is still open (or after it is rolled back)."""
    with db.engine.begin() as connection:
        connection.execute(update(ExportRequest).where(ExportRequest.id == export_id).values(**values))


def run_export(export_id: int) -> None:
    """The background job: build the file and store it in the request; older files are dropped."""
    export = db.session.get(ExportRequest, export_id)
    if export is None or export.survey_id is None or export.state == ExportState.DONE:
        return
    _report(export_id, state=ExportState.RUNNING, progress=0, error=None)
    try:
        content, count = build_file(export, lambda percent: _report(export_id, progress=percent))
    except Exception as error:
        _report(
            export_id,
            state=ExportState.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=utcnow(),
        )
        raise
    extension, _content_type = FILE_TYPES[export.format]
    db.session.refresh(export)
    export.content = content
    export.response_count = count
    export.file_name = f"{yaml_filename(export.survey_title).removesuffix('.yaml')}-{export.id}.{extension}"
    export.state = ExportState.DONE
    export.progress = 100
    export.finished_at = utcnow()
    # After the progress reports: on SQLite a write in this transaction would lock them out.
    delete_expired_files()
    db.session.flush()


def build_file(export: ExportRequest, progress: Callable[[int], None] = lambda percent: None) -> tuple:
    """The export's file as bytes, and the number of responses in it."""
    revisions = db.session.execute(
        select(SurveyRevision.id, SurveyRevision.definition)
        .where(SurveyRevision.survey_id == export.survey_id, SurveyRevision.published_at.is_not(None))
        .order_by(SurveyRevision.number.desc())
    ).all()
    table = layout([(revision_id, definition) for revision_id, definition in revisions])
    ids = response_ids(export)
    rows = (cells(table, record) for record in records(ids, progress))
    with force_locale(export.language):
        if export.format == ExportFormat.CSV:
            content = writers.write_csv(table.columns, rows)
        elif export.format == ExportFormat.CSV_EXCEL_NB:
            content = writers.write_csv(table.columns, rows, writers.EXCEL_NB)
        elif export.format == ExportFormat.XLSX:
            content = writers.write_xlsx(table.columns, rows, export.language)
        elif export.format == ExportFormat.SAV:
            content = writers.write_sav(table.columns, rows, export.language)
        else:
            raise ExportError(f"unknown format {export.format!r}")
    return content, len(ids)


def response_ids(export: ExportRequest) -> list[int]:
    query = select(Response.id).where(
        Response.survey_id == export.survey_id, Response.organisation_id == export.organisation_id
    )
    if export.scope == ExportScope.COMPLETE:
        query = query.where(Response.status == ResponseStatus.COMPLETE)
    if not export.include_test:
        query = query.where(Response.is_test.is_(False))
    return list(db.session.scalars(query.order_by(Response.id)))


def records(ids: list[int], progress: Callable[[int], None]) -> Iterator[ResponseRecord]:
    """The responses with their answers, a batch at a time; progress is reported after each batch."""
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        answers: dict[int, list[tuple]] = {}
        for response_id, *values in db.session.execute(
            select(
                Answer.response_id,
                Answer.question_code,
                Answer.option_code,
                Answer.number_value,
                Answer.text_value,
            )
            .where(Answer.response_id.in_(batch))
            .order_by(Answer.id)
        ):
            answers.setdefault(response_id, []).append(tuple(values))
        # Columns rather than entities: a large export must not fill the session's identity map.
        rows = db.session.execute(
            select(
                Response.id,
                Response.survey_revision_id,
                Response.status,
                Response.submitted_at,
                Response.language,
                Collector.name,
                Collector.event_tag,
                Response.is_imported,
                Response.duration_seconds,
            )
            .outerjoin(Collector, Collector.id == Response.collector_id)
            .where(Response.id.in_(batch))
            .order_by(Response.id)
        )
        for response_id, revision_id, status, *rest in rows:
            yield ResponseRecord(
                response_id, revision_id, status.value, *rest, answers=answers.get(response_id, [])
            )
        progress(min(99, (start + len(batch)) * 100 // len(ids)))
