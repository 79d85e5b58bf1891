"""Formula injection: every text that leaves in an export (header, cell, label; codebook and SPSS
labels included) and starts with `=`, `+`, `-`, `@`, tab, CR or NUL is neutralised, in every format.
Numbers stay numbers."""

import copy
import io
import os
import tempfile

import pyreadstat
import pytest
from openpyxl import load_workbook

from app.core.formula_safety import neutralise, restore
from app.exports import writers
from app.exports.layout import Column, Kind
from app.exports.models import ExportFormat, ExportScope
from app.extensions import db
from tests.export_support import DEFINITION, answer, csv_table, export_file, published_survey

DANGEROUS = ["=", "+", "-", "@", "\t", "\r", "\x00"]
PAYLOAD = 'HYPERLINK("http://evil.example","x")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(text) -> bool:
    """A text no spreadsheet program runs: no dangerous start and no NUL anywhere."""
    return not (isinstance(text, str) and (text.startswith(FORMULA_STARTS) or "\x00" in text))


def number_or_safe(cell: str) -> bool:
    """A CSV cell is a number (which stays a number, "-5" too) or a safe text."""
    try:
        float(cell.replace(",", "."))
    except ValueError:
        return safe(cell)
    return True


def hostile_definition(start: str) -> dict:
    definition = copy.deepcopy(DEFINITION)
    definition["version"] = f"9.{DANGEROUS.index(start)}"
    questions = definition["sections"][0]["questions"]
    first = questions[0]
    first["text"] = {language: start + PAYLOAD for language in ("nb", "nn", "en")}
    first["options"] = [
        {"code": "yes", "label": {language: start + "SUM(A1:A9)" for language in ("nb", "nn", "en")}},
        {"code": "no", "label": {"nb": "Nei", "nn": "Nei", "en": "No"}},
    ]
    definition["sections"][1]["questions"][0]["scale"]["labels"][1] = {
        language: start + "cmd|' /C calc'!A0" for language in ("nb", "nn", "en")
    }
    definition["sections"][1]["questions"].append(
        {
            "code": "temperature",
            "type": "number",
            "text": {"nb": "Temperatur", "nn": "Temperatur", "en": "Temperature"},
            "required": False,
            "min": -50,
            "max": 50,
        }
    )
    return definition


@pytest.fixture(params=DANGEROUS, ids=[repr(start) for start in DANGEROUS])
def hostile_survey(request, app, app_context):
    start = request.param
    if start == "\x00" and app.config["TEST_BACKEND"] == "postgresql":
        pytest.skip("PostgreSQL text cannot hold NUL; the writers' NUL handling is tested on its own below")
    survey, revision, collector = published_survey(definition=hostile_definition(start))
    collector.name = start + "2+5"
    collector.event_tag = start + "tag"
    answer(
        revision,
        {"first_visit": "yes", "recommend": 9, "overall": 1, "temperature": -5, "comment": start + PAYLOAD},
        collector=collector,
    )
    db.session.commit()
    return survey, start


def test_csv_cells_and_headers_are_neutralised_in_both_variants(hostile_survey):
    survey, start = hostile_survey
    for format, delimiter in ((ExportFormat.CSV, ","), (ExportFormat.CSV_EXCEL_NB, ";")):
        header, row = csv_table(export_file(survey, format, ExportScope.ALL), delimiter)
        cells = dict(zip(header, row, strict=True))
        assert all(safe(cell) for cell in header) and all(number_or_safe(cell) for cell in row)
        expected = "'" + start + PAYLOAD if start != "\x00" else PAYLOAD
        assert cells["comment"] == expected
        assert cells["collector_name"] == ("'" + start + "2+5" if start != "\x00" else "2+5")
        assert cells["temperature"] == "-5", "a negative number stays a number"


def test_xlsx_cells_and_codebook_labels_are_text_never_formulas(hostile_survey):
    survey, start = hostile_survey
    workbook = load_workbook(io.BytesIO(export_file(survey, ExportFormat.XLSX, ExportScope.ALL)))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                assert safe(cell.value), f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
    data = list(workbook.worksheets[0].iter_rows(values_only=True))
    cells = dict(zip(data[0], data[1], strict=True))
    assert cells["temperature"] == -5
    codebook = list(workbook.worksheets[1].iter_rows(values_only=True))
    labels = [value for row in codebook for value in row if isinstance(value, str)]
    # Texts in labels are shown as plain text: leading whitespace (tab, CR) goes with the Markdown.
    if start in "=+-@":
        assert "'" + start + PAYLOAD in labels, "the question's text, neutralised"
        assert "'" + start + "SUM(A1:A9)" in labels, "the option's label, neutralised"


def read_sav(content: bytes):
    handle, path = tempfile.mkstemp(suffix=".sav")
    os.close(handle)
    try:
        with open(path, "wb") as file:
            file.write(content)
        return pyreadstat.read_sav(path, user_missing=True)
    finally:
        os.remove(path)


def test_spss_labels_and_strings_are_neutralised(hostile_survey):
    survey, start = hostile_survey
    frame, meta = read_sav(export_file(survey, ExportFormat.SAV, ExportScope.ALL))
    assert all(safe(label) for label in meta.column_labels)
    for labels in meta.variable_value_labels.values():
        assert all(safe(label) for label in labels.values())
    row = frame.iloc[0]
    for name in ("comment", "collector_name", "event_tag"):
        assert safe(row[name])
    assert row["temperature"] == -5
    if start in "=+-@":
        assert meta.column_names_to_labels["first_visit"] == "'" + start + PAYLOAD
        assert meta.variable_value_labels["first_visit"][1] == "'" + start + "SUM(A1:A9)"
        assert meta.variable_value_labels["overall"][1] == "'" + start + "cmd|' /C calc'!A0"


@pytest.mark.parametrize("start", DANGEROUS, ids=[repr(start) for start in DANGEROUS])
def test_headers_are_neutralised_in_every_format(start, app):
    """Column names are codes and never start so; the writers neutralise them all the same."""
    columns = [
        Column(start + "name", Kind.TEXT, {"nb": start + "label"}),
        Column("amount", Kind.NUMBER, {"nb": "Amount"}, negative_allowed=True),
    ]
    rows = [[start + "cell", -3]]
    header, row = csv_table(writers.write_csv(columns, rows))
    assert safe(header[0]) and safe(row[0]) and row[1] == "-3"
    with app.app_context():
        workbook = load_workbook(io.BytesIO(writers.write_xlsx(columns, rows, "nb")))
        frame, meta = read_sav(writers.write_sav(columns, rows, "nb"))
    data = workbook.worksheets[0]
    assert safe(data["A1"].value) and data["A1"].data_type != "f"
    assert data["B2"].value == -3
    assert meta.column_names == ["v__name", "amount"], "SPSS names are letters, digits and underscores"
    assert all(safe(label) for label in meta.column_labels)


@pytest.mark.parametrize("text", ["=1+1", "+47", "-", "@home", "\tx", "\rx", "'quoted", "plain", ""])
def test_neutralising_is_undone_by_an_import(text):
    assert restore(neutralise(text)) == text


def test_nul_is_removed_everywhere():
    assert neutralise("\x00=1+1") == "'=1+1"
    assert neutralise("a\x00b") == "ab"
