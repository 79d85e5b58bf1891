"""Imports of responses collected elsewhere: round trips with the exports, row-numbered problems,
all or nothing, the command and the upload page."""

import io

import pytest
from flask_babel import force_locale
from openpyxl import Workbook
from sqlalchemy import func, select

from app.accounts.models import OrgRole
from app.exports.imports import ResponseImportError, import_responses
from app.exports.models import ExportFormat, ExportScope
from app.extensions import db
from app.responses.models import Response, ResponseStatus
from app.surveys.services import new_survey_from_base
from tests.export_support import (
    FULL_ANSWER,
    answer,
    base_version,
    csv_dicts,
    export_file,
    log_in,
    member,
    published_survey,
)
from tests.support import csrf_token

# What an import cannot carry over: new ids, the link (imports come through none), the import mark.
NOT_CARRIED = {"response_id", "collector_name", "event_tag", "is_imported"}
HEADER = "first_visit,visits,came_with_alone,came_with_friends,came_with_family,recommend,comment"


def response_count(survey_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Response).where(Response.survey_id == survey_id)
    )


def comparable(rows: list[dict]) -> list[dict]:
    return [{key: value for key, value in row.items() if key not in NOT_CARRIED} for row in rows]


@pytest.fixture
def source(app_context):
    """A survey with complete and partial responses with answers of every kind, and an empty survey
    with the same questions to import into."""
    survey, revision, collector = published_survey()
    full = answer(revision, FULL_ANSWER, collector=collector)
    full.duration_seconds = 240
    answer(revision, {"first_visit": "yes", "recommend": 0, "came_with": {"alone"}}, language="en")
    answer(revision, {"first_visit": "no", "visits": 12, "recommend": 5, "comment": "=1+1 og 'sitat'"})
    answer(revision, {"first_visit": "yes"}, status=ResponseStatus.PARTIAL)
    target, _, _ = published_survey(survey.organisation, title="Papirskjema")
    db.session.commit()
    return survey, target


@pytest.mark.parametrize(
    ("format", "delimiter"),
    [(ExportFormat.CSV, ","), (ExportFormat.CSV_EXCEL_NB, ";")],
)
def test_a_csv_export_imports_and_exports_again_identically(source, format, delimiter):
    survey, target = source
    exported = export_file(survey, format, ExportScope.ALL)
    assert import_responses(target, "export.csv", exported) == 4
    db.session.commit()
    again = export_file(target, format, ExportScope.ALL)
    before, after = csv_dicts(exported, delimiter), csv_dicts(again, delimiter)
    assert comparable(after) == comparable(before)
    assert {row["is_imported"] for row in after} == {"1"}
    assert after[2]["comment"] == "'=1+1 og 'sitat'", "neutralised on the way out, restored on the way in"
    stored = db.session.scalar(
        select(Response).where(Response.survey_id == target.id).order_by(Response.id.desc())
    )
    assert stored.status == ResponseStatus.PARTIAL and stored.is_imported


def test_an_xlsx_export_imports_too(source):
    survey, target = source
    exported = export_file(survey, ExportFormat.XLSX, ExportScope.ALL)
    assert import_responses(target, "export.xlsx", exported) == 4
    db.session.commit()
    before = csv_dicts(export_file(survey, ExportFormat.CSV, ExportScope.ALL))
    after = csv_dicts(export_file(target, ExportFormat.CSV, ExportScope.ALL))
    assert comparable(after) == comparable(before)


def test_imported_responses_count_like_any_other(source):
    from app.responses.summary import refresh_response_summary

    survey, target = source
    import_responses(target, "export.csv", export_file(survey, ExportFormat.CSV))
    db.session.commit()
    assert refresh_response_summary(target.id).complete_count == 3


def test_every_problem_is_listed_by_row_and_nothing_is_stored(source):
    _, target = source
    content = "\n".join(
        [
            HEADER,
            "yes,,,1,,9,Fint",  # row 2: fine
            "maybe,,,,,9,",  # row 3: not an option
            "yes,,,,,,",  # row 4: a required question unanswered
            "yes,4,,,,9,",  # row 5: "visits" is shown only to returning visitors
            "no,many,,,,11,",  # row 6: not a number; out of range
            "no,2,1,1,,8,",  # row 7: "alone" cannot be combined
            "yes,,,2,,8,",  # row 8: a flag is 0 or 1
        ]
    ).encode()
    with pytest.raises(ResponseImportError) as refused:
        import_responses(target, "paper.csv", content)
    problems = [(problem.row, problem.message) for problem in refused.value.problems]
    rows = [row for row, _ in problems]
    assert 2 not in rows
    assert set(rows) == {3, 4, 5, 6, 7, 8}
    assert any(row == 5 and "visits" in message for row, message in problems)
    assert any(row == 6 and message.startswith("visits:") for row, message in problems)
    assert any(row == 6 and message.startswith("recommend:") for row, message in problems)
    assert any(row == 8 and "came_with_friends" in message for row, message in problems)
    db.session.rollback()
    assert response_count(target.id) == 0


def test_unknown_columns_and_statuses_are_refused(source):
    _, target = source
    with pytest.raises(ResponseImportError) as refused, force_locale("en"):
        import_responses(target, "x.csv", b"first_visit,shoe_size\nyes,44\n")
    assert [(p.row, p.message) for p in refused.value.problems] == [
        (1, "The column shoe_size is not a question of the survey.")
    ]
    with pytest.raises(ResponseImportError) as refused:
        import_responses(target, "x.csv", b"first_visit,recommend,response_status\nyes,5,done\n")
    assert refused.value.problems[0].row == 2


def test_files_that_cannot_be_read_are_refused(source):
    _, target = source
    for content in (b"\xff\xfe\x00n\x00o", b"PK\x03\x04 not really a zip", b""):
        with pytest.raises(ResponseImportError):
            import_responses(target, "x.csv", content)


def test_a_zip_bomb_is_refused(source, monkeypatch):
    from app.exports import imports

    _, target = source
    workbook = Workbook()
    workbook.active.append(["first_visit", "recommend"])
    workbook.active.append(["yes", 9])
    buffer = io.BytesIO()
    workbook.save(buffer)
    monkeypatch.setattr(imports, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(ResponseImportError) as refused, force_locale("en"):
        import_responses(target, "x.xlsx", buffer.getvalue())
    assert "unpacked" in refused.value.problems[0].message


# The command


def test_the_command_imports_and_reports(app, runner, tmp_path):
    with app.app_context():
        survey, _, _ = published_survey()
        db.session.commit()
        survey_id = survey.id
    good = tmp_path / "paper.csv"
    good.write_text(HEADER + "\nyes,,,1,,9,Fint\nno,2,,,1,7,\n", encoding="utf-8")
    result = runner.invoke(args=["responses", "import", str(survey_id), str(good)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 response(s)" in result.output
    with app.app_context():
        assert response_count(survey_id) == 2
        assert all(db.session.scalars(select(Response.is_imported).where(Response.survey_id == survey_id)))


def test_the_command_fails_clearly(app, runner, tmp_path):
    with app.app_context():
        survey, _, _ = published_survey()
        draft, _ = new_survey_from_base(survey.organisation, "Utkast", base_version())
        db.session.commit()
        survey_id, draft_id = survey.id, draft.id
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\nmaybe,,,,,9,\n", encoding="utf-8")

    result = runner.invoke(args=["responses", "import", "999999", str(bad)])
    assert result.exit_code == 1 and "There is no survey 999999." in result.output
    result = runner.invoke(args=["responses", "import", str(survey_id), str(tmp_path / "missing.csv")])
    assert result.exit_code == 1 and "cannot be read" in result.output
    result = runner.invoke(args=["responses", "import", str(draft_id), str(bad)])
    assert result.exit_code == 1 and "no published revision" in result.output
    result = runner.invoke(args=["responses", "import", str(survey_id), str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:2: first_visit:" in result.output
    assert "nothing was imported" in result.output
    with app.app_context():
        assert response_count(survey_id) == 0


# The upload page


@pytest.fixture
def page_ids(app):
    with app.app_context():
        survey, _, _ = published_survey()
        users = {role: member(survey.organisation, role).email for role in OrgRole}
        db.session.commit()
        return {"org": survey.organisation_id, "survey": survey.id, **users}


def upload(client, ids, content: bytes, name: str = "paper.csv"):
    url = f"/org/{ids['org']}/surveys/{ids['survey']}/responses/import"
    token = csrf_token(client.get(url).text)
    return client.post(
        url,
        data={"csrf_token": token, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_an_editor_uploads_responses(app, client, page_ids):
    log_in(client, page_ids[OrgRole.EDITOR])
    reply = upload(client, page_ids, (HEADER + "\nyes,,,1,,9,Fint\n").encode())
    assert reply.status_code == 302
    with app.app_context():
        assert response_count(page_ids["survey"]) == 1


def test_the_page_lists_problems_by_row(app, client, page_ids):
    log_in(client, page_ids[OrgRole.OWNER])
    reply = upload(client, page_ids, (HEADER + "\nyes,,,1,,9,\nmaybe,,,,,9,\n").encode())
    assert reply.status_code == 400
    assert "Row 3: first_visit:" in reply.text or "Rad 3: first_visit:" in reply.text
    with app.app_context():
        assert response_count(page_ids["survey"]) == 0


def test_viewers_cannot_import(client, page_ids):
    log_in(client, page_ids[OrgRole.VIEWER])
    assert (
        client.get(f"/org/{page_ids['org']}/surveys/{page_ids['survey']}/responses/import").status_code == 403
    )
