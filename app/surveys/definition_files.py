"""A survey's definition as a YAML file: written for people to read and edit, read back with every
check the builder applies (docs/questionnaire-format.md describes the format)."""

import re
import unicodedata
from dataclasses import dataclass

import yaml
from flask_babel import gettext as _

from app.questionnaires.validation import check_text
from app.questionnaires.yaml_source import SourceError, read_yaml
from app.surveys import builder
from app.surveys.models import Survey

MAX_IMPORT_BYTES = 512 * 1024
# Keys in the order a reader expects them, whatever mapping they are in; other keys (option-list
# names, scale points) keep their own order after these.
KEY_ORDER = (
    "kind",
    "code",
    "version",
    "date",
    "base_version",
    "topic",
    "type",
    "bank_module",
    "locked",
    "required",
    "title",
    "description",
    "languages",
    "intro",
    "thank_you",
    "privacy_notice",
    "question",
    "text",
    "label",
    "help",
    "show_if",
    "exclusive",
    "screen_out",
    "options",
    "max_selections",
    "reference",
    "extra_options",
    "scale",
    "points",
    "labels",
    "midpoint",
    "min",
    "max",
    "unit",
    "max_length",
    "rows",
    "comparable_with",
    "changelog",
    "option_lists",
    "sections",
    "questions",
    "opt_ins",
    "nb",
    "nn",
    "en",
)
# Left out when false: the format's default, so the file shows only what is switched on.
FALSE_BY_DEFAULT = ("required", "locked", "exclusive")


def newest_definition(survey: Survey) -> dict:
    """What the builder shows, previews and exports: the draft if there is one, else the published one."""
    return survey.revisions[-1].definition


def survey_yaml(definition: dict) -> str:
    """The definition as block-style YAML in UTF-8, keys in a readable order."""
    return yaml.dump(_ordered(definition), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def _ordered(value):
    if isinstance(value, list):
        return [_ordered(item) for item in value]
    if not isinstance(value, dict):
        return value
    kept = {key: item for key, item in value.items() if not (key in FALSE_BY_DEFAULT and item is False)}
    if kept and all(isinstance(key, int) or str(key).isdigit() for key in kept):
        # Scale labels: stored as JSON, their point numbers come back as text; the format has numbers.
        return {int(key): _ordered(kept[key]) for key in sorted(kept, key=int)}
    rank = {key: index for index, key in enumerate(KEY_ORDER)}
    keys = sorted(kept, key=lambda key: rank.get(key, len(KEY_ORDER)))
    return {key: _ordered(kept[key]) for key in keys}


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # List items indented under their key, as in the files in questionnaires/.
        return super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, text: str):
    style = "|" if "\n" in text else None  # several lines stay lines, not escaped "\n"
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _list(dumper: yaml.SafeDumper, items: list):
    # Short lists of codes on one line, as people write them: `languages: [nb, nn, en]`.
    flow = bool(items) and all(isinstance(item, str | int) and not isinstance(item, bool) for item in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(list, _list)


_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "Æ": "Ae", "Ø": "O", "Å": "Aa"})


def yaml_filename(title: str) -> str:
    """A file name from the survey's title that is safe on every system: "Publikum 2026.yaml"."""
    ascii_title = unicodedata.normalize("NFKD", title.translate(_FOLD)).encode("ascii", "ignore").decode()
    stem = "-".join(re.findall(r"[A-Za-z0-9]+", ascii_title))[:60].strip("-")
    return f"{stem or 'survey'}.yaml"


@dataclass(frozen=True)
class FileProblem:
    line: int | None  # None for a problem with the survey as a whole
    message: str


class DefinitionFileError(Exception):
    """A file that cannot replace the survey's draft; every problem found, in file order."""

    def __init__(self, problems: list[FileProblem]):
        super().__init__(problems)
        self.problems = problems


def import_survey_yaml(survey: Survey, text: str) -> dict:
    """Replace the survey's draft by the definition in `text`, checked as the builder checks its own
    changes; nothing changes when any check fails."""
    result = check_text(text, draft=True)
    if not result.ok:
        raise DefinitionFileError([FileProblem(problem.line, problem.message) for problem in result.problems])
    definition = result.definition
    problems = []
    if definition["kind"] != "survey":
        problems.append(
            FileProblem(
                _line(text, "kind"),
                _("The file must describe a survey (kind: survey), not “%(kind)s”.", kind=definition["kind"]),
            )
        )
    elif survey.base_version is not None and definition["base_version"] != survey.base_version.version:
        problems.append(
            FileProblem(
                _line(text, "base_version"),
                _(
                    "The file is based on version %(found)s of the base questionnaire; "
                    "this survey is based on version %(expected)s.",
                    found=definition["base_version"],
                    expected=survey.base_version.version,
                ),
            )
        )
    if problems:
        raise DefinitionFileError(problems)
    try:
        return builder.save_definition(survey, definition)
    except builder.BuilderError as error:
        raise DefinitionFileError([FileProblem(None, error.message)]) from None


def _line(text: str, key: str) -> int:
    try:
        return read_yaml(text).line_of((key,))
    except SourceError:
        return 1
