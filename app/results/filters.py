"""The filters of a results view: what they are, how they travel in a URL, and how they are checked.

Filters come from a GET query string, so a filtered page can be bookmarked, printed and downloaded
with the same URL parameters. Every value is checked against the survey; an unknown one is refused
(the view answers 400) rather than silently ignored.
"""

from dataclasses import dataclass, field
from datetime import date

from werkzeug.datastructures import MultiDict

from app.core.languages import LANGUAGES

INTERVALS = ("day", "week")


class FilterError(ValueError):
    """A query parameter that does not fit the survey."""


@dataclass(frozen=True)
class ResultFilters:
    collector_ids: tuple[int, ...] = ()
    event_tag: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    language: str | None = None
    # Question code → option codes: a respondent matches when they chose any of them.
    answers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude_speeders: bool = False

    @property
    def narrowing(self) -> bool:
        """Whether these filters select a subset of the survey's respondents."""
        return bool(
            self.collector_ids
            or self.event_tag
            or self.date_from
            or self.date_to
            or self.language
            or self.answers
            or self.exclude_speeders
        )

    def query_args(self) -> MultiDict:
        """The filters as URL parameters, the inverse of `parse_filters`."""
        args = MultiDict()
        for collector_id in self.collector_ids:
            args.add("collector", str(collector_id))
        for name, value in (
            ("event_tag", self.event_tag),
            ("from", self.date_from.isoformat() if self.date_from else None),
            ("to", self.date_to.isoformat() if self.date_to else None),
            ("language", self.language),
        ):
            if value:
                args.add(name, value)
        for code, options in self.answers:
            for option in options:
                args.add("answer", f"{code}:{option}")
        if self.exclude_speeders:
            args.add("exclude_speeders", "y")
        return args

    def to_json(self) -> dict:
        return {
            "collector_ids": list(self.collector_ids),
            "event_tag": self.event_tag,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "language": self.language,
            "answers": {code: list(options) for code, options in self.answers},
            "exclude_speeders": self.exclude_speeders,
        }


@dataclass(frozen=True)
class FilterChoices:
    """What the survey offers to filter on; parsed values must come from here."""

    collector_ids: frozenset[int]
    event_tags: frozenset[str]
    # Choice question code → its option codes.
    options: dict[str, frozenset[str]] = field(default_factory=dict)


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"{name} is not a date (YYYY-MM-DD)") from None


def parse_filters(args: MultiDict, choices: FilterChoices) -> ResultFilters:
    """Filters from URL parameters; empty values mean "no filter". Raises FilterError."""
    collector_ids = []
    for value in args.getlist("collector"):
        if not value:
            continue
        if not value.isdigit() or int(value) not in choices.collector_ids:
            raise FilterError("unknown collector")
        collector_ids.append(int(value))
    event_tag = args.get("event_tag") or None
    if event_tag is not None and event_tag not in choices.event_tags:
        raise FilterError("unknown event tag")
    language = args.get("language") or None
    if language is not None and language not in LANGUAGES:
        raise FilterError("unknown language")
    date_from = _date(args["from"], "from") if args.get("from") else None
    date_to = _date(args["to"], "to") if args.get("to") else None
    if date_from and date_to and date_from > date_to:
        raise FilterError("the period ends before it starts")
    answers: dict[str, list[str]] = {}
    for value in args.getlist("answer"):
        if not value:
            continue
        code, _, option = value.partition(":")
        if option not in choices.options.get(code, ()):
            raise FilterError("unknown answer filter")
        if option not in answers.setdefault(code, []):
            answers[code].append(option)
    return ResultFilters(
        collector_ids=tuple(sorted(set(collector_ids))),
        event_tag=event_tag,
        date_from=date_from,
        date_to=date_to,
        language=language,
        answers=tuple((code, tuple(options)) for code, options in sorted(answers.items())),
        exclude_speeders=args.get("exclude_speeders") in ("y", "1", "on", "true"),
    )


def parse_interval(args: MultiDict) -> str:
    interval = args.get("interval") or "day"
    if interval not in INTERVALS:
        raise FilterError("unknown interval")
    return interval
