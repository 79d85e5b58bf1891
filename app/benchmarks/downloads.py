"""The comparison report as a table for spreadsheets: CSV and XLSX, safe against formula injection."""

import io

from flask_babel import gettext as _

from app.benchmarks.report import ComparisonReport
from app.core.csv_files import csv_bytes, neutralised


def header() -> list[str]:
    return [
        _("Period"),
        _("Question"),
        _("Answer"),
        _("Compared with"),
        _("Shown"),
        _("Organisations"),
        _("Responses"),
        _("Your result"),
        _("Your lower limit"),
        _("Your upper limit"),
        _("Peers"),
        _("Peers' lower limit"),
        _("Peers' upper limit"),
        _("Difference"),
        _("Adjusted p-value"),
        _("Typical organisation"),
    ]


def rows(report: ComparisonReport) -> list[list]:
    table = []
    for question in report.questions:
        own = {measure: estimate for measure, _label, estimate in question.own}
        for group in question.groups:
            if not group.shown:
                table.append([report.period, question.text, "", group.label, _("No")] + [None] * 11)
                continue
            for comparison in group.comparisons:
                mine = own.get(comparison.measure)
                table.append(
                    [
                        report.period,
                        question.text,
                        comparison.label,
                        group.label,
                        _("Yes"),
                        group.organisations,
                        group.responses,
                        *(_rounded(mine.value, mine.low, mine.high) if mine else [None] * 3),
                        *_rounded(comparison.peer.value, comparison.peer.low, comparison.peer.high),
                        _rounded(comparison.difference.value)[0] if comparison.difference else None,
                        _rounded(comparison.adjusted_p)[0] if comparison.adjusted_p is not None else None,
                        _rounded(comparison.typical.value)[0] if comparison.typical else None,
                    ]
                )
    return table


def _rounded(*values) -> list:
    return [None if value is None else round(value, 4) for value in values]


def report_csv(report: ComparisonReport) -> bytes:
    return csv_bytes(header(), rows(report))


def report_xlsx(report: ComparisonReport) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Comparison")[:31]
    sheet.append([neutralised(cell) for cell in header()])
    for row in rows(report):
        sheet.append([neutralised(cell) if isinstance(cell, str) else cell for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
