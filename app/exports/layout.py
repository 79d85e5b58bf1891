"""The columns of an export and the cells of one response, from definitions alone (no database).

Columns are named by stable codes: `code` for a question with one value, `code_option` (0/1) for
each option of a multiple choice, `code_row` for each row of a matrix. Every revision of a survey
contributes its columns, in the order of the newest revision first, so exports made before and
after a new revision line up.
"""

import enum
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l

from app.core.markdown import markdown_to_text
from app.questionnaires.definition import iter_questions, options_of
from app.reference.services import reference_list


class Kind(enum.StrEnum):
    CHOICE = "choice"  # an option code
    FLAG = "flag"  # 0/1: was this option of a multiple choice chosen
    NUMBER = "number"
    TEXT = "text"


# A cell of a question the response's revision did not have (told apart from "not answered" in SPSS).
NOT_ASKED = object()


class ExportError(Exception):
    """The survey's codes cannot be laid out as columns (two of them would share a name)."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    # The variable's label as a text mapping ({nb, nn, en}); metadata columns use a lazy UI string.
    label: dict
    question_code: str | None = None  # the code answers are stored under (a matrix: the row's code)
    option_code: str | None = None  # multiple choice: the option this column counts
    # Choice columns: (option code, label mapping); numbers: (value, label mapping) for labelled points.
    values: tuple = ()
    # Numbers: whether the question accepts negative values (then no negative missing-value codes).
    negative_allowed: bool = False
    meta: bool = False

    def label_in(self, language: str) -> str:
        return text_in(self.label, language)


def text_in(texts, language: str) -> str:
    if isinstance(texts, dict):
        return markdown_to_text(texts.get(language) or texts["nb"])
    return str(texts)


META_COLUMNS = (
    Column("response_id", Kind.NUMBER, _l("Response id"), meta=True),
    Column(
        "response_status",
        Kind.CHOICE,
        _l("Status"),
        values=(
            ("complete", _l("Complete")),
            ("partial", _l("Partial")),
            ("screened_out", _l("Screened out")),
        ),
        meta=True,
    ),
    Column("submitted_at", Kind.TEXT, _l("Submitted (UTC)"), meta=True),
    Column("response_language", Kind.TEXT, _l("Language of the answers"), meta=True),
    Column("collector_name", Kind.TEXT, _l("Link"), meta=True),
    Column("event_tag", Kind.TEXT, _l("Event tag"), meta=True),
    Column("is_imported", Kind.FLAG, _l("Imported"), meta=True),
    Column("duration_seconds", Kind.NUMBER, _l("Time taken (seconds)"), meta=True),
)
META_NAMES = tuple(column.name for column in META_COLUMNS)


def _joined(first: dict, second: dict) -> dict:
    languages = set(first) | set(second)
    return {
        language: f"{text_in(first, language)}: {text_in(second, language)}" for language in sorted(languages)
    }


def _option_values(options) -> tuple:
    return tuple((option["code"], option["label"]) for option in options or [])


def _point_labels(question: dict) -> tuple:
    if question["type"] == "rating":
        labels = question["scale"].get("labels", {})
        return tuple(sorted((int(point), texts) for point, texts in labels.items()))
    ends = {"nps": (0, 10), "slider": (0, 100)}.get(question["type"])
    labels = question.get("labels") or {}
    if ends is None:
        return ()
    return tuple((end, labels[key]) for end, key in zip(ends, ("low", "high"), strict=True) if key in labels)


SPREAD_TYPES = ("multiple_choice", "matrix")


def single_column_codes(definition: dict) -> set[str]:
    """Codes that are column names as they stand (questions with one column)."""
    return {
        ref.question["code"] for ref in iter_questions(definition) if ref.question["type"] not in SPREAD_TYPES
    }


def _part_name(code: str, part: str, taken: set[str]) -> str:
    """`code_part`; `code__part` when a question or metadata column already has that name (a
    multiple choice `visit_reasons` with the option `other` beside a text question
    `visit_reasons_other`, say)."""
    name = f"{code}_{part}"
    return f"{code}__{part}" if name in taken else name


def question_columns(definition: dict, taken: set[str] = frozenset()) -> list[Column]:
    """The columns of one definition, in its order; `taken` holds the names that derived columns
    (options, matrix rows) must not use."""
    taken = set(taken) | single_column_codes(definition) | set(META_NAMES)
    columns = []
    for ref in iter_questions(definition):
        question = ref.question
        code, kind = question["code"], question["type"]
        if kind == "multiple_choice":
            for option in options_of(definition, question) or []:
                columns.append(
                    Column(
                        _part_name(code, option["code"], taken),
                        Kind.FLAG,
                        _joined(question["text"], option["label"]),
                        question_code=code,
                        option_code=option["code"],
                    )
                )
        elif kind == "matrix":
            values = _option_values(options_of(definition, question))
            for row in question["rows"]:
                label = _joined(question["text"], row["text"])
                columns.append(
                    Column(f"{code}_{row['code']}", Kind.CHOICE, label, row["code"], values=values)
                )
        elif kind == "single_choice":
            values = _option_values(options_of(definition, question))
            columns.append(Column(code, Kind.CHOICE, question["text"], code, values=values))
        elif kind == "reference_choice":
            items = tuple((item["code"], item["labels"]) for item in reference_list(question["reference"]))
            values = _option_values(question.get("extra_options")) + items
            columns.append(Column(code, Kind.CHOICE, question["text"], code, values=values))
        elif kind in ("rating", "nps", "slider", "number"):
            low = question.get("min") if kind == "number" else 0
            columns.append(
                Column(
                    code,
                    Kind.NUMBER,
                    question["text"],
                    code,
                    values=_point_labels(question),
                    negative_allowed=low is None or low < 0,
                )
            )
        else:
            columns.append(Column(code, Kind.TEXT, question["text"], code))
    return columns


@dataclass
class Layout:
    columns: list[Column]
    # Per revision id: the names of the question columns that revision has.
    asked: dict[int, frozenset[str]] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]


def layout(revisions: list[tuple[int, dict]]) -> Layout:
    """Columns for responses to the given revisions (id, definition), newest revision first."""
    found: dict[str, Column] = {column.name: column for column in META_COLUMNS}
    taken = set().union(*(single_column_codes(definition) for _, definition in revisions))
    asked = {}
    for revision_id, definition in revisions:
        names = []
        for column in question_columns(definition, taken):
            known = found.get(column.name)
            if known is None:
                found[column.name] = column
            elif known.meta or (known.question_code, known.option_code) != (
                column.question_code,
                column.option_code,
            ):
                raise ExportError(f"two columns would be named {column.name!r}")
            elif known.kind == Kind.CHOICE:
                # Options a former revision had are added after the newest revision's options.
                codes = {code for code, _ in known.values}
                extra = tuple(value for value in column.values if value[0] not in codes)
                found[column.name] = replace(known, values=known.values + extra)
            names.append(column.name)
        asked[revision_id] = frozenset(names)
    return Layout(list(found.values()), asked)


@dataclass(frozen=True)
class ResponseRecord:
    """What the export needs of one stored response."""

    id: int
    revision_id: int
    status: str
    submitted_at: datetime | None
    language: str
    collector_name: str | None
    event_tag: str | None
    is_imported: bool
    duration_seconds: int | None
    # (question code, option code, number, text) per stored answer row.
    answers: list[tuple] = field(default_factory=list)


def timestamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _number(value: float | None):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def cells(table: Layout, record: ResponseRecord) -> list:
    """One row: metadata, then a value, None (not answered) or NOT_ASKED per question column."""
    by_code: dict[str, list[tuple]] = {}
    for answer in record.answers:
        by_code.setdefault(answer[0], []).append(answer)
    asked = table.asked.get(record.revision_id, frozenset())
    meta = {
        "response_id": record.id,
        "response_status": record.status,
        "submitted_at": timestamp(record.submitted_at),
        "response_language": record.language,
        "collector_name": record.collector_name,
        "event_tag": record.event_tag,
        "is_imported": int(record.is_imported),
        "duration_seconds": record.duration_seconds,
    }
    row = []
    for column in table.columns:
        if column.meta:
            row.append(meta[column.name])
            continue
        if column.name not in asked:
            row.append(NOT_ASKED)
            continue
        given = by_code.get(column.question_code, [])
        if column.kind == Kind.FLAG:
            row.append(int(any(answer[1] == column.option_code for answer in given)) if given else None)
        elif not given:
            row.append(None)
        elif column.kind == Kind.CHOICE:
            row.append(given[0][1])
        elif column.kind == Kind.NUMBER:
            row.append(_number(given[0][2]))
        else:
            row.append(given[0][3])
    return row
