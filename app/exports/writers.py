"""Export files from columns and rows: CSV (two dialects), XLSX with a codebook, SPSS `.sav`.

Every text goes through `neutralise` on its way out (headers, cells, labels); numbers are written
as numbers. Labels are read in the export's language; the caller sets the UI language to it too
(`force_locale`), which translates the metadata labels and the sheet names.
"""

import csv
import io
import math
import os
import re
import tempfile
from collections.abc import Iterable

from flask_babel import gettext as _

from app.core.formula_safety import neutralise
from app.exports.layout import NOT_ASKED, Column, Kind

# SPSS user-missing codes for numeric variables: not answered, and not in the revision answered.
MISSING_NOT_ANSWERED = -99
MISSING_NOT_ASKED = -98
SPSS_NAME_BYTES = 64


class CsvDialect:
    def __init__(self, delimiter: str, decimal: str):
        self.delimiter = delimiter
        self.decimal = decimal

    def number(self, value) -> str:
        text = repr(value) if isinstance(value, float) else str(value)
        return text.replace(".", self.decimal)


COMMA = CsvDialect(",", ".")
# What Excel set up for Norway reads: semicolons between fields and a decimal comma.
EXCEL_NB = CsvDialect(";", ",")


def _csv_cell(value, dialect: CsvDialect) -> str:
    if value is None or value is NOT_ASKED:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return dialect.number(value)
    return neutralise(str(value))


def write_csv(columns: list[Column], rows: Iterable[list], dialect: CsvDialect = COMMA) -> bytes:
    """RFC 4180 quoting, CRLF line ends, UTF-8 with a byte order mark (Excel then reads æøå right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(column.name) for column in columns])
    for row in rows:
        writer.writerow([_csv_cell(value, dialect) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _kind_name(kind: Kind) -> str:
    return {
        Kind.CHOICE: _("Choice (option code)"),
        Kind.FLAG: _("Chosen (1) or not (0)"),
        Kind.NUMBER: _("Number"),
        Kind.TEXT: _("Text"),
    }[kind]


def codebook_rows(columns: list[Column], language: str) -> list[list]:
    """One line per column (name, label, type), then one per labelled value (value, label)."""
    rows = []
    for column in columns:
        rows.append([column.name, column.label_in(language), _kind_name(column.kind), None, None])
        for value, label in column.values:
            rows.append([None, None, None, value, _label(label, language)])
        if column.kind == Kind.FLAG:
            rows += [[None, None, None, value, label] for value, label in _flag_labels(column).items()]
    return rows


def _flag_labels(column: Column) -> dict:
    if column.meta:
        return {0: _("No"), 1: _("Yes")}
    return {0: _("Not chosen"), 1: _("Chosen")}


def _label(texts, language: str) -> str:
    if isinstance(texts, dict):
        return Column("", Kind.TEXT, texts).label_in(language)
    return str(texts)


def _xlsx_cell(value):
    if value is None or value is NOT_ASKED:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return neutralise(str(value))


def write_xlsx(columns: list[Column], rows: Iterable[list], language: str) -> bytes:
    """A data sheet (one line per response) and a codebook sheet with the labels."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    data = workbook.create_sheet(_("Data"))
    data.append([neutralise(column.name) for column in columns])
    for row in rows:
        data.append([_xlsx_cell(value) for value in row])
    codebook = workbook.create_sheet(_("Codebook"))
    codebook.append([_("Column"), _("Label"), _("Type"), _("Value"), _("Value label")])
    for row in codebook_rows(columns, language):
        codebook.append([_xlsx_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def spss_names(columns: list[Column]) -> list[str]:
    """Variable names SPSS accepts: a letter first, then letters, digits and underscores, at most
    64 bytes, unique without regard to case. Codes already are such names but for the length."""
    names, taken = [], set()
    for column in columns:
        wanted = re.sub(r"[^A-Za-z0-9_]", "_", column.name)
        wanted = wanted if wanted[:1].isalpha() else "v_" + wanted
        name = wanted[:SPSS_NAME_BYTES]
        number = 1
        while name.lower() in taken:
            suffix = f"_{number}"
            name = wanted[: SPSS_NAME_BYTES - len(suffix)] + suffix
            number += 1
        taken.add(name.lower())
        names.append(name)
    return names


def _missing_codes(column: Column) -> bool:
    return column.kind != Kind.TEXT and not column.meta and not column.negative_allowed


def _spss_value(column: Column, value, codes: dict):
    if column.kind == Kind.TEXT:
        return "" if value is None or value is NOT_ASKED else neutralise(str(value))
    if value is None or value is NOT_ASKED:
        if not _missing_codes(column):
            return math.nan
        return MISSING_NOT_ASKED if value is NOT_ASKED else MISSING_NOT_ANSWERED
    if column.kind == Kind.CHOICE:
        return codes[value]
    return float(value)


def write_sav(columns: list[Column], rows: Iterable[list], language: str) -> bytes:
    """SPSS: choices become numbers 1, 2, … in the codebook's order, each with its option's label;
    multiple-choice flags 0/1; user-missing codes -99 (not answered) and -98 (not asked: the question
    was not in the revision answered) for numeric variables that cannot take negative values."""
    import pandas as pd
    import pyreadstat

    names = spss_names(columns)
    codes = [
        {value: number for number, (value, _label_) in enumerate(column.values, 1)} for column in columns
    ]
    table = {name: [] for name in names}
    for row in rows:
        for name, column, value, column_codes in zip(names, columns, row, codes, strict=True):
            table[name].append(_spss_value(column, value, column_codes))
    frame = pd.DataFrame(
        {
            name: pd.Series(values, dtype="object" if column.kind == Kind.TEXT else "float64")
            for name, column, values in zip(names, columns, table.values(), strict=True)
        }
    )
    value_labels, missing, formats, measures = {}, {}, {}, {}
    for name, column, column_codes in zip(names, columns, codes, strict=True):
        if column.kind != Kind.TEXT:
            # Every number in an export is whole: shown without decimals.
            formats[name] = "F10.0"
            measures[name] = "scale" if column.kind == Kind.NUMBER else "nominal"
        labels = {}
        if column.kind == Kind.CHOICE:
            labels = {column_codes[value]: _label(text, language) for value, text in column.values}
        elif column.kind == Kind.FLAG:
            labels = _flag_labels(column)
        elif column.kind == Kind.NUMBER:
            labels = {point: _label(text, language) for point, text in column.values}
        if _missing_codes(column):
            labels[MISSING_NOT_ANSWERED] = _("Not answered")
            labels[MISSING_NOT_ASKED] = _("Not asked")
            missing[name] = [MISSING_NOT_ANSWERED, MISSING_NOT_ASKED]
        if labels:
            value_labels[name] = {value: neutralise(text) for value, text in labels.items()}
    handle, path = tempfile.mkstemp(suffix=".sav")
    os.close(handle)
    try:
        pyreadstat.write_sav(
            frame,
            path,
            column_labels=[neutralise(column.label_in(language)) for column in columns],
            variable_value_labels=value_labels,
            missing_ranges=missing,
            variable_format=formats,
            variable_measure=measures,
        )
        with open(path, "rb") as written:
            return written.read()
    finally:
        os.remove(path)
