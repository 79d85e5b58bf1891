"""CSV downloads that open safely in spreadsheet programs."""

import csv
import io
from collections.abc import Iterable

from app.core.formula_safety import neutralise


def neutralised(value) -> str:
    return neutralise("" if value is None else str(value))


def csv_bytes(header: list[str], rows: Iterable[Iterable]) -> bytes:
    """RFC 4180 CSV in UTF-8 with a byte order mark, so that Excel reads æøå correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralised(cell) for cell in header])
    writer.writerows([_cell(cell) for cell in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value):
    # Numbers are figures, not text a spreadsheet could run: a negative one must stay a number.
    return value if isinstance(value, int | float) else neutralised(value)
