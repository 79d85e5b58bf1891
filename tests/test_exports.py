"""Exports of a survey's responses: columns, formats, options, the background job, the page, the
audit log and who may export."""

import copy
import csv
import io
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.accounts.models import OrgRole
from app.core.types import utcnow
from app.exports import services
from app.exports.models import ExportFormat, ExportRequest, ExportScope, ExportState
from app.extensions import db
from app.responses.models import ResponseStatus
from app.surveys.models import Survey
from tests import factories
from tests.export_support import (
    DEFINITION,
    FULL_ANSWER,
    answer,
    csv_dicts,
    csv_table,
    export_file,
    log_in,
    member,
    new_revision,
    published_survey,
    run_export_jobs,
)
from tests.support import csrf_token

META = [
    "response_id",
    "response_status",
    "submitted_at",
    "response_language",
    "collector_name",
    "event_tag",
    "is_imported",
    "duration_seconds",
]
QUESTIONS = [
    "first_visit",
    "visits",
    "came_with_alone",
    "came_with_friends",
    "came_with_family",
    "recommend",
    "overall",
    "aspects_aspect_sound",
    "aspects_aspect_seats",
    "comment",
]


@pytest.fixture
def survey_with_answers(app_context):
    survey, revision, collector = published_survey()
    collector.event_tag = "premiere"
    full = answer(revision, FULL_ANSWER, collector=collector)
    full.duration_seconds = 184
    answer(revision, {"first_visit": "yes", "recommend": 10}, language="en")
    answer(revision, {"first_visit": "yes"}, status=ResponseStatus.PARTIAL)
    answer(revision, {"first_visit": "no", "recommend": 0}, is_test=True)
    db.session.commit()
    return survey


def test_csv_columns_are_codes_and_cells_are_the_answers(survey_with_answers):
    header, *rows = csv_table(export_file(survey_with_answers, ExportFormat.CSV))
    assert header == META + QUESTIONS
    assert len(rows) == 2, "complete responses only; the partial and the test response are left out"
    full, short = (dict(zip(header, row, strict=True)) for row in rows)
    assert full["response_status"] == "complete"
    assert full["collector_name"] == "Nettside" and full["event_tag"] == "premiere"
    assert full["duration_seconds"] == "184" and full["is_imported"] == "0"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", full["submitted_at"])
    assert [full[code] for code in QUESTIONS] == [
        "no", "3", "0", "1", "1", "9", "4", "yes", "no", "Fin kveld, men trangt; «æøå»"
    ]  # fmt: skip
    assert short["response_language"] == "en"
    assert short["first_visit"] == "yes" and short["recommend"] == "10"
    # Not answered is an empty cell, for a multiple choice too (not 0: nobody said "not chosen").
    assert [short[code] for code in ("visits", "came_with_friends", "overall", "comment")] == [""] * 4


def test_the_norwegian_excel_variant_uses_semicolons(app_context):
    survey, revision, _ = published_survey()
    answer(revision, {**FULL_ANSWER, "comment": "Ja; nei, kanskje"})
    db.session.commit()
    content = export_file(survey, ExportFormat.CSV_EXCEL_NB)
    assert content.splitlines()[0].decode("utf-8-sig").startswith("response_id;response_status;")
    (row,) = csv_dicts(content, delimiter=";")
    assert row["recommend"] == "9" and row["comment"] == "Ja; nei, kanskje"


def test_unfinished_and_test_responses_are_included_on_request(survey_with_answers):
    rows = csv_dicts(export_file(survey_with_answers, ExportFormat.CSV, ExportScope.ALL))
    assert [row["response_status"] for row in rows] == ["complete", "complete", "partial"]
    rows = csv_dicts(export_file(survey_with_answers, ExportFormat.CSV, ExportScope.ALL, include_test=True))
    assert len(rows) == 4 and rows[-1]["first_visit"] == "no"


def test_exports_of_two_revisions_line_up_by_code(app_context):
    survey, first, _ = published_survey()
    answer(first, FULL_ANSWER)

    def change(definition):
        questions = definition["sections"][0]["questions"]
        questions.insert(0, {**questions[-1], "code": "mood", "type": "rating", "scale": {"points": 3}})
        questions[0]["text"] = {"nb": "Humør", "nn": "Humør", "en": "Mood"}
        questions[0].pop("labels")
        # The comment question goes; an option is added to "came with".
        definition["sections"][1]["questions"].pop()
        came_with = next(q for q in questions if q["code"] == "came_with")
        came_with["options"].insert(
            0, {"code": "school", "label": {"nb": "Skole", "nn": "Skule", "en": "School"}}
        )

    second = new_revision(survey, change)
    answer(second, {"first_visit": "yes", "recommend": 7, "mood": 2, "came_with": {"school"}})
    db.session.commit()

    header, *rows = csv_table(export_file(survey, ExportFormat.CSV))
    # The newest revision's order, then what only the older one had.
    assert header[len(META) :] == [
        "mood", "first_visit", "visits", "came_with_school", "came_with_alone", "came_with_friends",
        "came_with_family", "recommend", "overall", "aspects_aspect_sound", "aspects_aspect_seats", "comment",
    ]  # fmt: skip
    old, new = (dict(zip(header, row, strict=True)) for row in rows)
    assert (old["mood"], old["came_with_school"], old["came_with_friends"]) == ("", "", "1")
    assert old["comment"] == FULL_ANSWER["comment"]
    assert (new["mood"], new["came_with_school"], new["came_with_friends"], new["comment"]) == (
        "2",
        "1",
        "0",
        "",
    )


def test_xlsx_has_a_data_sheet_and_a_codebook_in_the_chosen_language(survey_with_answers):
    content = export_file(survey_with_answers, ExportFormat.XLSX, language="en")
    workbook = load_workbook(io.BytesIO(content))
    data, codebook = workbook.worksheets
    rows = list(data.iter_rows(values_only=True))
    assert list(rows[0]) == META + QUESTIONS
    full = dict(zip(rows[0], rows[1], strict=True))
    assert full["recommend"] == 9 and full["visits"] == 3, "numbers are numbers"
    assert full["came_with_friends"] == 1 and full["first_visit"] == "no"
    assert full["comment"] == FULL_ANSWER["comment"]
    entries = list(codebook.iter_rows(values_only=True))
    assert entries[0] == ("Column", "Label", "Type", "Value", "Value label")
    labels = {row[0]: row[1] for row in entries[1:] if row[0]}
    assert labels["first_visit"] == "First visit?"
    assert labels["came_with_friends"] == "Who came with you?: Friends"
    assert labels["aspects_aspect_seats"] == "What did you think of: the seats"
    assert labels["response_status"] == "Status"
    values = [(row[3], row[4]) for row in entries[1:] if row[3] is not None]
    assert ("yes", "Yes") in values and (1, "Very poor") in values and (10, "Extremely likely") in values


def test_xlsx_codebook_in_nynorsk(survey_with_answers):
    workbook = load_workbook(io.BytesIO(export_file(survey_with_answers, ExportFormat.XLSX, language="nn")))
    entries = list(workbook.worksheets[1].iter_rows(values_only=True))
    labels = {row[0]: row[1] for row in entries[1:] if row[0]}
    assert labels["came_with_friends"] == "Kven kom du med?: Vener"


def pspp_dictionary(content: bytes, tmp_path: Path) -> str:
    sav = tmp_path / "export.sav"
    sav.write_bytes(content)
    syntax = tmp_path / "dictionary.sps"
    syntax.write_text(f'GET FILE="{sav}".\nDISPLAY DICTIONARY.\nLIST.\n', encoding="utf-8")
    result = subprocess.run(
        ["pspp", "-O", "format=csv", "-o", str(tmp_path / "out.csv"), str(syntax)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return (tmp_path / "out.csv").read_text(encoding="utf-8")


def csv_section(output: str, title: str) -> list[list[str]]:
    """One table of PSPP's CSV output: the lines after its title up to the next blank line."""
    lines = output.splitlines()
    start = lines.index(f"Table: {title}") + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return list(csv.reader(lines[start:end]))


def test_the_sav_file_opens_in_pspp_with_variable_and_value_labels(survey_with_answers, tmp_path):
    assert shutil.which("pspp"), "GNU PSPP is needed for this test (apt-get install pspp)"
    output = pspp_dictionary(export_file(survey_with_answers, ExportFormat.SAV, language="en"), tmp_path)

    variables = csv_section(output, "Variables")
    labels = {row[0]: row[2] for row in variables[1:]}
    assert list(labels) == META + QUESTIONS
    assert labels["first_visit"] == "First visit?"
    assert labels["came_with_friends"] == "Who came with you?: Friends"
    assert labels["aspects_aspect_sound"] == "What did you think of: the sound"

    current, found = None, {}
    for row in csv_section(output, "Value Labels")[1:]:
        if row[0].startswith("Footnote:"):
            continue
        variable, value, label = row
        current = variable or current
        found.setdefault(current, {})[value.removesuffix("[a]")] = label
    assert found["First visit?"] == {"-99": "Not answered", "-98": "Not asked", "1": "Yes", "2": "No"}
    assert found["Recommend?"]["10"] == "Extremely likely"
    assert found["Overall impression"]["1"] == "Very poor"
    assert found["Who came with you?: Friends"]["1"] == "Chosen"
    assert found["Status"]["2"] == "Partial"
    assert "Comment" not in found, "texts have no value labels"

    missing = {row[0]: row[-1] for row in variables[1:]}
    assert missing["first_visit"] == "-99; -98"
    assert missing["comment"] == "", "texts have no missing-value codes"

    data = csv_section(output, "Data List")
    full, short = (dict(zip(data[0], row, strict=True)) for row in data[1:])
    assert (full["first_visit"], full["recommend"], full["came_with_friends"], full["came_with_alone"]) == (
        "2", "9", "1", "0"
    )  # fmt: skip
    assert full["comment"] == FULL_ANSWER["comment"]
    assert (short["visits"], short["came_with_friends"]) == ("-99", "-99"), "not answered: user-missing"


def test_progress_is_reported_while_the_job_runs(app_context, monkeypatch):
    survey, revision, _ = published_survey()
    for _ in range(4):
        answer(revision, FULL_ANSWER)
    db.session.commit()
    seen = []
    report = services._report
    monkeypatch.setattr(services, "BATCH_SIZE", 1)
    monkeypatch.setattr(
        services, "_report", lambda export_id, **values: (seen.append(values), report(export_id, **values))
    )
    export_file(survey, ExportFormat.CSV)
    assert [values["progress"] for values in seen] == [0, 25, 50, 75, 99]
    export = db.session.scalar(select(ExportRequest))
    assert (export.state, export.progress, export.response_count) == (ExportState.DONE, 100, 4)


def test_a_failed_export_is_recorded_as_failed(app_context, monkeypatch):
    survey, revision, _ = published_survey()
    db.session.commit()

    def broken(export, progress):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "build_file", broken)
    assert export_file(survey, ExportFormat.CSV) is None
    export = db.session.scalar(select(ExportRequest))
    assert export.state == ExportState.FAILED and "disk full" in export.error
    assert export.finished_at is not None


# The pages: start, follow, download; who may.


@pytest.fixture
def members(app):
    with app.app_context():
        survey, revision, _ = published_survey()
        answer(revision, FULL_ANSWER)
        organisation = survey.organisation
        users = {role: member(organisation, role).email for role in OrgRole}
        other = factories.organisation(name="Annen scene")
        users["stranger"] = member(other, OrgRole.OWNER).email
        db.session.commit()
        return {"survey": survey.id, "org": organisation.id, "other_org": other.id, **users}


def exports_url(ids) -> str:
    return f"/org/{ids['org']}/surveys/{ids['survey']}/exports"


def start_export(client, ids, **choices):
    page = client.get(exports_url(ids))
    form = {"format": "csv", "scope": "complete", "language": "nb", "csrf_token": csrf_token(page.text)}
    return client.post(exports_url(ids), data={**form, **choices})


@pytest.mark.parametrize("role", [OrgRole.OWNER, OrgRole.EDITOR])
def test_owners_and_editors_export_and_download(app, client, members, role):
    log_in(client, members[role])
    assert start_export(client, members).status_code == 302
    page = client.get(exports_url(members)).text
    assert "Venter på å starte" in page or "Waiting to start" in page
    assert "data-poll" in page
    with app.app_context():
        run_export_jobs()
        export = db.session.scalar(select(ExportRequest))
        assert export.requested_by.email == members[role]
        export_id = export.id
    page = client.get(exports_url(members)).text
    assert "data-poll" not in page
    link = f"/org/{members['org']}/exports/{export_id}/download"
    assert link in page
    download = client.get(link)
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    assert download.headers["Content-Disposition"] == f'attachment; filename="Publikum-2026-{export_id}.csv"'
    assert csv_dicts(download.data)[0]["comment"] == FULL_ANSWER["comment"]


def test_viewers_cannot_export(app, client, members):
    log_in(client, members[OrgRole.VIEWER])
    assert client.get(exports_url(members)).status_code == 403
    token = csrf_token(client.get("/account").text)
    assert client.post(exports_url(members), data={"format": "csv", "csrf_token": token}).status_code == 403
    with app.app_context():
        export = services.request_export(
            db.session.get(Survey, members["survey"]),
            None,
            ExportFormat.CSV,
            ExportScope.COMPLETE,
            "nb",
        )
        db.session.commit()
        run_export_jobs()
        export_id = export.id
        assert (
            db.session.scalar(select(ExportRequest.id).where(ExportRequest.requested_by_id.is_not(None)))
            is None
        )
    assert client.get(f"/org/{members['org']}/exports/{export_id}/download").status_code == 403
    page = client.get(f"/org/{members['org']}/surveys/{members['survey']}").text
    assert exports_url(members) not in page


def test_another_organisation_cannot_download(app, client, members):
    log_in(client, members[OrgRole.OWNER])
    start_export(client, members)
    with app.app_context():
        run_export_jobs()
        export_id = db.session.scalar(select(ExportRequest.id))
    stranger = app.test_client()
    log_in(stranger, members["stranger"])
    assert stranger.get(f"/org/{members['org']}/exports/{export_id}/download").status_code == 404
    # The export's id under the stranger's own organisation does not exist either.
    assert stranger.get(f"/org/{members['other_org']}/exports/{export_id}/download").status_code == 404
    assert stranger.get(exports_url(members)).status_code == 404


def test_the_record_outlives_the_file(app, client, members):
    log_in(client, members[OrgRole.EDITOR])
    start_export(client, members, format="xlsx", scope="all", language="en")
    with app.app_context():
        run_export_jobs()
        export = db.session.scalar(select(ExportRequest))
        export.finished_at = utcnow() - timedelta(days=services.FILE_DAYS + 1)
        db.session.commit()
        assert services.delete_expired_files() == 1
        db.session.commit()
        export_id = export.id
    assert client.get(f"/org/{members['org']}/exports/{export_id}/download").status_code == 404
    page = client.get(exports_url(members)).text
    assert members[OrgRole.EDITOR] in page, "who exported stays on record"
    with app.app_context():
        export = db.session.get(ExportRequest, export_id)
        assert export.content is None and export.file_deleted_at is not None
        assert (export.format, export.scope, export.language) == (ExportFormat.XLSX, ExportScope.ALL, "en")


def test_an_invalid_choice_is_refused(client, members):
    log_in(client, members[OrgRole.OWNER])
    reply = start_export(client, members, format="pdf")
    assert reply.status_code == 400
    assert 'class="error-summary"' in reply.text


def test_the_survey_page_links_to_exports_and_imports(client, members):
    log_in(client, members[OrgRole.EDITOR])
    page = client.get(f"/org/{members['org']}/surveys/{members['survey']}").text
    assert exports_url(members) in page
    assert f"/org/{members['org']}/surveys/{members['survey']}/responses/import" in page


def test_the_privacy_page_says_the_organisation_receives_the_answers(app, client):
    with app.app_context():
        survey, _, collector = published_survey()
        token, name = collector.token, survey.organisation.name
        db.session.commit()
    page = client.get(f"/s/{token}/privacy").text
    assert f"{name} får svarene og kan laste dem ned" in page


def test_an_option_column_that_would_take_a_questions_name_gets_a_double_underscore(app_context):
    definition = copy.deepcopy(DEFINITION)
    definition["version"] = "1.1"
    questions = definition["sections"][0]["questions"]
    came_with = next(question for question in questions if question["code"] == "came_with")
    came_with["options"].append({"code": "other", "label": {"nb": "Andre", "nn": "Andre", "en": "Others"}})
    questions.append(
        {
            "code": "came_with_other",
            "type": "short_text",
            "text": {"nb": "Hvem?", "nn": "Kven?", "en": "Who?"},
        }
    )
    questions[-1]["required"] = False
    survey, revision, _ = published_survey(definition=definition)
    answer(
        revision, {"first_visit": "yes", "recommend": 8, "came_with": {"other"}, "came_with_other": "Naboen"}
    )
    db.session.commit()
    (row,) = csv_dicts(export_file(survey, ExportFormat.CSV))
    assert (row["came_with__other"], row["came_with_other"]) == ("1", "Naboen")
