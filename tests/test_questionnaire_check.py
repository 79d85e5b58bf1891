"""`flask questionnaire check`: every class of error is reported with its exact line and message.

Each broken file is a small valid definition with exactly one error introduced, so the expected
line numbers can be read off the snippets below: the first question always starts on line 10.
"""

import random
import re
import textwrap
from pathlib import Path

import pytest

from app.questionnaires.definition import iter_questions
from app.questionnaires.schemas import LANGUAGES
from app.questionnaires.validation import Problem, check_file, check_text
from app.questionnaires.yaml_source import MAX_FILE_BYTES
from tests.support import make_test_app

ROOT = Path(__file__).resolve().parents[1]
BASE_FILE = ROOT / "questionnaires" / "grunnskjema-2026.yaml"
BANK_FILES = sorted((ROOT / "question_bank").glob("*.yaml"))
REAL_FILES = sorted((ROOT / "questionnaires").glob("*.yaml")) + BANK_FILES

HEADER = """\
kind: {kind}
code: demo
version: "1"
title: {{nb: Demo, nn: Demo, en: Demo}}
languages: {languages}
sections:
  - code: visit
    title: {{nb: Besøket, nn: Besøket, en: The visit}}
    questions:
"""

VISITED = """\
- code: visited
  type: single_choice
  text: {nb: Første besøk}
  options:
    - {code: "yes", label: {nb: Ja}}
    - {code: "no", label: {nb: Nei}}
"""

CAME_WITH = """\
- code: came_with
  type: multiple_choice
  text: {nb: Hvem kom du med}
  options: [{code: alone, label: {nb: Alene}}, {code: children, label: {nb: Barn}}]
  max_selections: 2
"""

SATISFACTION = """\
- code: satisfaction
  type: rating
  text: {nb: Hvor fornøyd}
  scale:
    points: 5
    labels: {1: {nb: Lite}, 5: {nb: Svært}}
    midpoint: {nb: Midt}
"""

HOME = """\
- code: home
  type: reference_choice
  text: {nb: Hjemfylke}
  reference: fylke
  extra_options: [{code: abroad, label: {nb: Utlandet}}]
"""

ASPECTS = """\
- code: aspects
  type: matrix
  text: {nb: Vurder}
  options: [{code: poor, label: {nb: Dårlig}}, {code: good, label: {nb: Bra}}]
  rows:
    - {code: staff, text: {nb: Personalet}}
    - {code: food, text: {nb: Maten}}
"""

WHY = """\
- code: why
  type: short_text
  text: {nb: Hvorfor}
  show_if: {question: visited, equals: "yes"}
"""

COMMENT = """\
- code: comment
  type: long_text
  text: {nb: Kommentar}
"""

RETURNING = """\
- code: returning
  type: single_choice
  text: {nb: Kommer du igjen}
  options: yes_no
"""

YES_NO_LIST = """\
option_lists:
  yes_no:
    - {code: "yes", label: {nb: Ja}}
    - {code: "no", label: {nb: Nei}}
"""

SECOND_SECTION = """\
  - code: more
    title: {nb: Mer}
    questions:
      - {code: more_comment, type: long_text, text: {nb: Mer å si}}
"""

OPT_INS = """\
opt_ins:
  - code: newsletter
    kind: newsletter
    text: {nb: Send meg nyhetsbrevet, nn: Send meg nyheitsbrevet, en: Send me the newsletter}
  - {code: prize_draw, kind: prize_draw, text: {nb: Trekning, nn: Trekning, en: Prize draw}}
"""

TRILINGUAL = """\
- code: visited
  type: single_choice
  text: {nb: Første besøk, nn: Fyrste besøk, en: First visit}
  options:
    - {code: "yes", label: {nb: Ja, nn: Ja, en: "Yes"}}
    - {code: "no", label: {nb: Nei, nn: Nei, en: "No"}}
"""


def definition(*questions: str, kind: str = "base", languages: str = "[nb]", tail: str = "") -> str:
    """A minimal valid definition whose first question starts on line 10.

    `questions` are YAML list items written from column 0 (VISITED by default); `tail` is appended
    after them, at the top level or as further sections, so it never moves a question's line.
    """
    body = "".join(textwrap.indent(question, " " * 6) for question in questions or (VISITED,))
    return HEADER.format(kind=kind, languages=languages) + body + tail


def broken(valid: str, edits: dict[str, str]) -> str:
    """`valid`, checked to pass, with each `old` text (occurring exactly once) replaced by its `new`.

    Replacing a key and its value by "" (newline kept) leaves a blank line, so no other line moves.
    """
    assert check_text(valid).problems == []
    text = valid
    for old, new in edits.items():
        assert text.count(old) == 1, f"{old!r} must occur exactly once"
        text = text.replace(old, new)
    return text


def problems(valid: str, edits: dict[str, str]) -> list[Problem]:
    return check_text(broken(valid, edits)).problems


CONDITIONS = definition(VISITED, CAME_WITH, SATISFACTION, HOME, WHY, COMMENT)
CONDITION = 'show_if: {question: visited, equals: "yes"}'


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(definition(), id="single choice"),
        pytest.param(CONDITIONS, id="every question used by the condition tests"),
        pytest.param(definition(ASPECTS), id="matrix"),
        pytest.param(definition(RETURNING, tail=YES_NO_LIST), id="shared option list"),
        pytest.param(definition(VISITED, tail=SECOND_SECTION), id="two sections"),
        pytest.param(definition(TRILINGUAL, languages="[nb, nn, en]"), id="three languages"),
        pytest.param(definition(kind="bank_module", tail="topic: visits\n"), id="bank module"),
        pytest.param(definition(kind="survey", tail='base_version: "2026.1"\n'), id="survey"),
        pytest.param(definition(VISITED + "  locked: true\n"), id="locked question in a base"),
        pytest.param(definition(tail=OPT_INS), id="opt-ins in a base"),
        pytest.param(
            definition(kind="survey", tail='base_version: "2026.1"\n' + OPT_INS), id="opt-ins in a survey"
        ),
        pytest.param(
            definition(TRILINGUAL, languages="[nb, nn, en]", tail=OPT_INS), id="opt-ins in three languages"
        ),
    ],
)
def test_minimal_definitions_are_valid(text):
    result = check_text(text)
    assert result.problems == []
    assert result.ok
    assert result.definition["code"] == "demo"


@pytest.mark.parametrize(
    ("valid", "edits", "line", "message"),
    [
        pytest.param(
            definition(VISITED, CAME_WITH),
            {"code: came_with": "code: visited"},
            16,
            "sections[0].questions[1]: duplicate question code 'visited' (first used on line 10)",
            id="question code",
        ),
        pytest.param(
            definition(VISITED, ASPECTS),
            {"code: staff": "code: visited"},
            21,
            "sections[0].questions[1].rows[0]: duplicate question code 'visited' (first used on line 10)",
            id="matrix row code repeating an earlier question code",
        ),
        pytest.param(
            definition(ASPECTS, COMMENT),
            {"code: comment": "code: food"},
            17,
            "sections[0].questions[1]: duplicate question code 'food' (first used on line 16)",
            id="question code repeating an earlier matrix row code",
        ),
        pytest.param(
            definition(ASPECTS),
            {"code: food": "code: staff"},
            16,
            "sections[0].questions[0].rows[1]: duplicate question code 'staff' (first used on line 15)",
            id="two rows of one matrix",
        ),
        pytest.param(
            definition(VISITED, tail=SECOND_SECTION),
            {"code: more_comment": "code: visited"},
            19,
            "sections[1].questions[0]: duplicate question code 'visited' (first used on line 10)",
            id="question code in another section",
        ),
        pytest.param(
            definition(),
            {'{code: "no"': '{code: "yes"'},
            15,
            "sections[0].questions[0].options[1]: duplicate option code 'yes' (first used on line 14)",
            id="option code in an inline list",
        ),
        pytest.param(
            definition(RETURNING, tail=YES_NO_LIST),
            {'{code: "no"': '{code: "yes"'},
            17,
            "option_lists.yes_no[1]: duplicate option code 'yes' (first used on line 16)",
            id="option code in a shared list",
        ),
        pytest.param(
            definition(VISITED, tail=SECOND_SECTION),
            {"- code: more\n": "- code: visit\n"},
            16,
            "sections[1]: duplicate section code 'visit' (first used on line 7)",
            id="section code",
        ),
    ],
)
def test_duplicate_codes(valid, edits, line, message):
    assert problems(valid, edits) == [Problem(line, message)]


INVALID_CODE = "use lowercase letters, digits and underscore, starting with a letter, at most 32 characters"


@pytest.mark.parametrize(
    ("edits", "line", "message"),
    [
        pytest.param(
            {"code: visited": "code: Visited"},
            10,
            f"sections[0].questions[0].code: invalid code 'Visited': {INVALID_CODE}",
            id="uppercase",
        ),
        pytest.param(
            {"code: visited": "code: 1st_visit"},
            10,
            f"sections[0].questions[0].code: invalid code '1st_visit': {INVALID_CODE}",
            id="starts with a digit",
        ),
        pytest.param(
            {"code: visited": "code: visited_" + "x" * 25},
            10,
            f"sections[0].questions[0].code: invalid code 'visited_{'x' * 25}': {INVALID_CODE}",
            id="33 characters",
        ),
        pytest.param(
            {"code: visited": "code: first-visit"},
            10,
            f"sections[0].questions[0].code: invalid code 'first-visit': {INVALID_CODE}",
            id="hyphen",
        ),
        pytest.param(
            {"code: visit\n": "code: Visit\n"},
            7,
            f"sections[0].code: invalid code 'Visit': {INVALID_CODE}",
            id="section code",
        ),
        pytest.param(
            {'{code: "yes"': "{code: yes"},
            14,
            "sections[0].questions[0].options[0].code: "
            'a code must be text, not a boolean (quote values such as "yes")',
            id="unquoted yes read as a boolean",
        ),
        pytest.param(
            {"code: visited": "code: 2026"},
            10,
            'sections[0].questions[0].code: a code must be text, not a number (quote values such as "yes")',
            id="number",
        ),
    ],
)
def test_invalid_code_syntax(edits, line, message):
    assert problems(definition(), edits) == [Problem(line, message)]


def test_a_code_of_exactly_32_characters_is_valid():
    text = broken(definition(), {"code: visited": "code: visited_" + "x" * 24})
    assert check_text(text).problems == []


def test_unknown_question_type():
    assert problems(definition(), {"type: single_choice": "type: dropdown"}) == [
        Problem(
            11,
            "sections[0].questions[0].type: unknown question type 'dropdown' (use one of single_choice, "
            "multiple_choice, reference_choice, rating, nps, slider, number, short_text, long_text, matrix)",
        )
    ]


@pytest.mark.parametrize(
    ("edits", "line", "message"),
    [
        pytest.param(
            {"text: {nb: Første besøk}": "text: {nn: Fyrste besøk}"},
            12,
            "sections[0].questions[0].text: missing nb text",
            id="question text in nn only",
        ),
        pytest.param(
            {"text: {nb: Første besøk}": 'text: {nb: ""}'},
            12,
            "sections[0].questions[0].text: missing nb text",
            id="empty nb question text",
        ),
        pytest.param(
            {"label: {nb: Nei}": "label: {en: 'No'}"},
            15,
            "sections[0].questions[0].options[1].label: missing nb text",
            id="option label",
        ),
        pytest.param(
            {"title: {nb: Demo, nn: Demo, en: Demo}": "title: {nn: Demo, en: Demo}"},
            4,
            "title: missing nb text",
            id="definition title",
        ),
    ],
)
def test_missing_nb_text(edits, line, message):
    assert problems(definition(), edits) == [Problem(line, message)]


@pytest.mark.parametrize(
    ("edits", "line", "message"),
    [
        pytest.param(
            {"text: {nb: Første besøk}": "text: {nb: Første besøk, se: Vuosttaš}"},
            12,
            "sections[0].questions[0].text: unknown language 'se' (use nb, nn or en)",
            id="unknown language",
        ),
        pytest.param(
            {"text: {nb: Første besøk}": "text: Første besøk"},
            12,
            "sections[0].questions[0].text: expected texts per language, e.g. {nb: ..., nn: ..., en: ...}",
            id="plain string instead of a text mapping",
        ),
    ],
)
def test_malformed_text(edits, line, message):
    assert problems(definition(), edits) == [Problem(line, message)]


@pytest.mark.parametrize(
    ("languages", "edits", "line", "message"),
    [
        pytest.param(
            "[nb, nn]",
            {"nn: Fyrste besøk, ": ""},
            12,
            "sections[0].questions[0].text: missing nn text (the definition offers nn)",
            id="nn question text",
        ),
        pytest.param(
            "[nb, nn, en]",
            {'label: {nb: Nei, nn: Nei, en: "No"}': "label: {nb: Nei, nn: Nei}"},
            15,
            "sections[0].questions[0].options[1].label: missing en text (the definition offers en)",
            id="en option label",
        ),
        pytest.param(
            "[nb, nn, en]",
            {"title: {nb: Demo, nn: Demo, en: Demo}": "title: {nb: Demo, nn: Demo}"},
            4,
            "title: missing en text (the definition offers en)",
            id="en definition title",
        ),
    ],
)
def test_missing_text_in_an_offered_language(languages, edits, line, message):
    assert problems(definition(TRILINGUAL, languages=languages), edits) == [Problem(line, message)]


def test_a_language_not_offered_may_be_missing():
    assert check_text(definition(TRILINGUAL.replace(", en: First visit", ""), languages="[nb, nn]")).ok


WHY_SHOW_IF = "sections[0].questions[4].show_if"


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        pytest.param(
            '{question: visitd, equals: "yes"}',
            f"{WHY_SHOW_IF}: refers to unknown question 'visitd'",
            id="unknown question",
        ),
        pytest.param(
            "{question: comment, answered: true}",
            f"{WHY_SHOW_IF}: refers to question 'comment', which comes later",
            id="later question",
        ),
        pytest.param(
            "{question: why, answered: true}",
            f"{WHY_SHOW_IF}: refers to the question itself ('why')",
            id="the question itself",
        ),
        pytest.param(
            "{question: visited, equals: maybe}",
            f"{WHY_SHOW_IF}: refers to unknown option 'maybe' of question 'visited'",
            id="unknown option of a single choice",
        ),
        pytest.param(
            '{question: visited, in: ["yes", maybe]}',
            f"{WHY_SHOW_IF}: refers to unknown option 'maybe' of question 'visited'",
            id="unknown option in an in list",
        ),
        pytest.param(
            "{question: home, equals: gotham}",
            f"{WHY_SHOW_IF}: refers to unknown option 'gotham' of question 'home'",
            id="unknown code of a reference choice",
        ),
        pytest.param(
            "{question: came_with, includes: friends}",
            f"{WHY_SHOW_IF}: refers to unknown option 'friends' of question 'came_with'",
            id="unknown option of a multiple choice",
        ),
        pytest.param(
            '{question: visited, includes: "yes"}',
            f"{WHY_SHOW_IF}: 'includes' needs a multiple choice question, but 'visited' is single_choice",
            id="includes on a single choice",
        ),
        pytest.param(
            "{question: visited, gt: 1}",
            f"{WHY_SHOW_IF}: 'gt' needs a numeric question, but 'visited' is single_choice",
            id="gt on a single choice",
        ),
        pytest.param(
            "{question: came_with, lte: 1}",
            f"{WHY_SHOW_IF}: 'lte' needs a numeric question, but 'came_with' is multiple_choice",
            id="lte on a multiple choice",
        ),
        pytest.param(
            "{question: came_with, equals: alone}",
            f"{WHY_SHOW_IF}: 'equals' needs a single choice question, but 'came_with' is multiple_choice",
            id="equals on a multiple choice",
        ),
        pytest.param(
            "{question: satisfaction, in: [good]}",
            f"{WHY_SHOW_IF}: 'in' needs a single choice question, but 'satisfaction' is rating",
            id="in on a rating",
        ),
        pytest.param(
            "{question: visited, equals: yes}",
            f"{WHY_SHOW_IF}: 'equals' needs an option code (quote values such as \"yes\")",
            id="unquoted yes",
        ),
        pytest.param(
            "{question: satisfaction, gt: high}",
            f"{WHY_SHOW_IF}: 'gt' needs a number",
            id="gt with text",
        ),
        pytest.param(
            '{question: visited, is: "yes"}',
            f"{WHY_SHOW_IF}: unknown condition operator 'is'",
            id="unknown operator",
        ),
        pytest.param(
            '{question: visited, equals: "yes", answered: true}',
            f"{WHY_SHOW_IF}: a condition compares one question with exactly one operator",
            id="two operators",
        ),
        pytest.param(
            '{visited: "yes"}',
            f"{WHY_SHOW_IF}: missing required key 'question' in condition",
            id="no question",
        ),
        pytest.param(
            '{all: [{question: visited, equals: "yes"}, {question: nobody, answered: true}]}',
            f"{WHY_SHOW_IF}.all[1]: refers to unknown question 'nobody'",
            id="unknown question inside all",
        ),
        pytest.param(
            '{any: [{question: visited, equals: "yes"}]}',
            f"{WHY_SHOW_IF}: 'any' needs a list of at least two conditions",
            id="any with one condition",
        ),
        pytest.param(
            "{not: {question: satisfaction, includes: good}}",
            f"{WHY_SHOW_IF}.not: 'includes' needs a multiple choice question, but 'satisfaction' is rating",
            id="wrong operator inside not",
        ),
    ],
)
def test_show_if_errors(condition, message):
    assert problems(CONDITIONS, {CONDITION: f"show_if: {condition}"}) == [Problem(36, message)]


def test_show_if_on_a_question_of_a_later_section():
    valid = definition(VISITED, WHY, tail=SECOND_SECTION)
    assert problems(valid, {CONDITION: "show_if: {question: more_comment, answered: true}"}) == [
        Problem(
            19,
            "sections[0].questions[1].show_if: refers to question 'more_comment', which comes later",
        )
    ]


def test_show_if_on_an_earlier_matrix_row_is_not_called_later():
    valid = definition(VISITED, ASPECTS, WHY)
    found = problems(valid, {CONDITION: "show_if: {question: staff, equals: good}"})
    assert not any("comes later" in problem.message for problem in found), found


def test_show_if_in_block_style_names_the_line_of_the_condition_mapping():
    block = "show_if:\n          question: visited\n          equals: maybe"
    assert problems(CONDITIONS, {CONDITION: block}) == [
        Problem(37, f"{WHY_SHOW_IF}: refers to unknown option 'maybe' of question 'visited'")
    ]


@pytest.mark.parametrize(
    "condition",
    [
        '{question: visited, not_equals: "no"}',
        '{question: visited, in: ["yes", "no"]}',
        "{question: came_with, includes: children}",
        "{question: satisfaction, gte: 4}",
        "{question: home, equals: abroad}",
        '{question: home, in: ["03", "46"]}',
        "{question: satisfaction, answered: true}",
        '{any: [{question: visited, equals: "yes"}, {not: {question: satisfaction, lt: 3}}]}',
    ],
)
def test_valid_conditions_pass(condition):
    assert check_text(CONDITIONS.replace(CONDITION, f"show_if: {condition}")).problems == []


OPTIONS_LINE = "options: [{code: alone, label: {nb: Alene}}, {code: children, label: {nb: Barn}}]"


@pytest.mark.parametrize(
    ("valid", "edits", "line", "message"),
    [
        pytest.param(
            definition(CAME_WITH),
            {OPTIONS_LINE: "", "max_selections: 2": ""},
            10,
            "sections[0].questions[0]: missing required key 'options'",
            id="options key missing",
        ),
        pytest.param(
            definition(CAME_WITH),
            {OPTIONS_LINE: "options: []", "max_selections: 2": ""},
            13,
            "sections[0].questions[0].options: a choice question needs at least one option",
            id="empty option list",
        ),
        pytest.param(
            definition(RETURNING, tail=YES_NO_LIST),
            {"options: yes_no": "options: yes_or_no"},
            13,
            "sections[0].questions[0].options: unknown option list 'yes_or_no'",
            id="unknown option list name",
        ),
        pytest.param(
            definition(ASPECTS),
            {"options: [{code: poor, label: {nb: Dårlig}}, {code: good, label: {nb: Bra}}]": ""},
            10,
            "sections[0].questions[0]: missing required key 'options'",
            id="matrix without options",
        ),
        pytest.param(
            definition(RETURNING, tail=YES_NO_LIST),
            {"options: yes_no": "options: {yes: Ja}"},
            13,
            "sections[0].questions[0].options: expected the name of an option list or a list of options",
            id="options as a mapping",
        ),
    ],
)
def test_choice_question_options(valid, edits, line, message):
    assert problems(valid, edits) == [Problem(line, message)]


@pytest.mark.parametrize(
    ("edits", "line", "message"),
    [
        pytest.param(
            {"max_selections: 2": "max_selections: 3"},
            14,
            "sections[0].questions[0].max_selections: max_selections is 3 but there are only 2 options",
            id="more than the options",
        ),
        pytest.param(
            {"max_selections: 2": "max_selections: 0"},
            14,
            "sections[0].questions[0].max_selections: max_selections must be at least 1",
            id="zero",
        ),
    ],
)
def test_max_selections(edits, line, message):
    assert problems(definition(CAME_WITH), edits) == [Problem(line, message)]


def test_max_selections_counts_the_options_of_a_shared_list():
    valid = definition(
        RETURNING.replace("single_choice", "multiple_choice") + "  max_selections: 2\n", tail=YES_NO_LIST
    )
    assert problems(valid, {"max_selections: 2": "max_selections: 5"}) == [
        Problem(
            14, "sections[0].questions[0].max_selections: max_selections is 5 but there are only 2 options"
        )
    ]


@pytest.mark.parametrize(
    ("edits", "line", "message"),
    [
        pytest.param(
            {"points: 5": "points: 7"},
            15,
            "sections[0].questions[0].scale.labels: label every point 1..7 or only the ends 1 and 7",
            id="end labels do not match the points",
        ),
        pytest.param(
            {"{1: {nb: Lite}, 5: {nb: Svært}}": "{1: {nb: Lite}, 3: {nb: Midt}, 5: {nb: Svært}}"},
            15,
            "sections[0].questions[0].scale.labels: label every point 1..5 or only the ends 1 and 5",
            id="some but not all points labelled",
        ),
        pytest.param(
            {"{1: {nb: Lite}, 5: {nb: Svært}}": "{0: {nb: Lite}, 5: {nb: Svært}}"},
            15,
            "sections[0].questions[0].scale.labels: label every point 1..5 or only the ends 1 and 5",
            id="label for point 0",
        ),
        pytest.param(
            {"5: {nb: Svært}": "high: {nb: Svært}"},
            15,
            "sections[0].questions[0].scale.labels.high: expected a whole number",
            id="label key not a number",
        ),
        pytest.param(
            {"5: {nb: Svært}": "5: {nn: Svært}"},
            15,
            "sections[0].questions[0].scale.labels[5]: missing nb text",
            id="label without nb",
        ),
        pytest.param(
            {"points: 5": "points: 4", "5: {nb: Svært}": "4: {nb: Svært}"},
            16,
            "sections[0].questions[0].scale.midpoint: a midpoint label needs an odd number of points",
            id="midpoint on an even scale",
        ),
        pytest.param(
            {"points: 5": "points: 12", "5: {nb: Svært}": "12: {nb: Svært}"},
            14,
            "sections[0].questions[0].scale.points: a scale has from 2 to 11 points",
            id="more than 11 points",
        ),
        pytest.param(
            {"labels: {1: {nb: Lite}, 5: {nb: Svært}}": ""},
            14,
            "sections[0].questions[0].scale: missing required key 'labels'",
            id="no labels",
        ),
    ],
)
def test_rating_scale_rules(edits, line, message):
    assert problems(definition(SATISFACTION), edits) == [Problem(line, message)]


def test_a_rating_may_label_every_point():
    labels = "{1: {nb: a}, 2: {nb: b}, 3: {nb: c}, 4: {nb: d}, 5: {nb: e}}"
    assert check_text(definition(SATISFACTION.replace("{1: {nb: Lite}, 5: {nb: Svært}}", labels))).ok


# The opt-ins start on line 16, right after the one question: the first on 17, the second on 20.
@pytest.mark.parametrize(
    ("edits", "line", "message"),
    [
        pytest.param(
            {"{code: prize_draw,": "{code: newsletter,"},
            20,
            "opt_ins[1]: duplicate opt-in code 'newsletter' (first used on line 17)",
            id="duplicate code",
        ),
        pytest.param(
            {"code: newsletter": "code: Newsletter"},
            17,
            f"opt_ins[0].code: invalid code 'Newsletter': {INVALID_CODE}",
            id="invalid code",
        ),
        pytest.param(
            {"kind: newsletter": "kind: lottery"},
            18,
            "opt_ins[0].kind: unknown opt-in kind 'lottery' (use newsletter, prize_draw)",
            id="unknown kind",
        ),
        pytest.param(
            {"kind: newsletter": ""},
            17,
            "opt_ins[0]: missing required key 'kind'",
            id="missing kind",
        ),
        pytest.param(
            {"text: {nb: Send meg nyhetsbrevet, nn: Send meg nyheitsbrevet, en: Send me the newsletter}": ""},
            17,
            "opt_ins[0]: missing required key 'text'",
            id="missing text",
        ),
        pytest.param(
            {"text: {nb: Send meg nyhetsbrevet,": "text: {"},
            19,
            "opt_ins[0].text: missing nb text",
            id="text without nb",
        ),
        pytest.param(
            {"text: {nb: Trekning, nn: Trekning, en: Prize draw}}": "text: {nb: Trekning}, prize: tickets}"},
            20,
            "opt_ins[1]: unknown key 'prize'",
            id="unknown key",
        ),
    ],
)
def test_opt_in_errors(edits, line, message):
    assert problems(definition(tail=OPT_INS), edits) == [Problem(line, message)]


def test_an_opt_in_text_must_exist_in_every_offered_language():
    valid = definition(TRILINGUAL, languages="[nb, nn, en]", tail=OPT_INS)
    assert problems(valid, {", en: Send me the newsletter": ""}) == [
        Problem(19, "opt_ins[0].text: missing en text (the definition offers en)")
    ]


def test_a_bank_module_cannot_offer_opt_ins():
    valid = definition(kind="bank_module", tail="topic: visits\n")
    assert problems(valid, {"topic: visits\n": "topic: visits\n" + OPT_INS}) == [
        Problem(18, "opt_ins: only a base questionnaire or a survey can offer opt-ins")
    ]


def test_unknown_reference_list():
    assert problems(definition(HOME), {"reference: fylke": "reference: kommune"}) == [
        Problem(
            13,
            "sections[0].questions[0].reference: unknown reference list 'kommune' "
            "(use one of fylke, country, sector, size_band)",
        )
    ]


def test_a_bank_module_may_not_lock_questions():
    valid = definition(VISITED + "  locked: false\n", kind="bank_module", tail="topic: visits\n")
    assert problems(valid, {"locked: false": "locked: true"}) == [
        Problem(10, "sections[0].questions[0]: a bank module cannot lock questions")
    ]


def test_a_survey_keeps_the_locked_questions_of_its_base():
    survey = definition(VISITED + "  locked: true\n", kind="survey", tail='base_version: "2026.1"\n')
    assert check_text(survey).ok


@pytest.mark.parametrize(
    ("valid", "edits", "line", "message"),
    [
        pytest.param(
            definition(),
            {"text: {nb: Første besøk}": ""},
            10,
            "sections[0].questions[0]: missing required key 'text'",
            id="question text",
        ),
        pytest.param(
            definition(),
            {"type: single_choice": ""},
            10,
            "sections[0].questions[0]: missing required key 'type'",
            id="question type",
        ),
        pytest.param(
            definition(),
            {'{code: "no", label: {nb: Nei}}': '{code: "no"}'},
            15,
            "sections[0].questions[0].options[1]: missing required key 'label'",
            id="option label",
        ),
        pytest.param(
            definition(),
            {"title: {nb: Besøket, nn: Besøket, en: The visit}": ""},
            7,
            "sections[0]: missing required key 'title'",
            id="section title",
        ),
        pytest.param(
            definition(HOME),
            {"reference: fylke": ""},
            10,
            "sections[0].questions[0]: missing required key 'reference'",
            id="reference list",
        ),
        pytest.param(
            definition(ASPECTS),
            {"{code: food, text: {nb: Maten}}": "{code: food}"},
            16,
            "sections[0].questions[0].rows[1]: missing required key 'text'",
            id="matrix row text",
        ),
    ],
)
def test_missing_key_in_a_nested_mapping_names_the_mapping(valid, edits, line, message):
    assert problems(valid, edits) == [Problem(line, message)]


@pytest.mark.parametrize(
    ("valid", "edits", "message"),
    [
        pytest.param(definition(), {"kind: base\n": ""}, "missing required key 'kind'", id="kind"),
        pytest.param(definition(), {"code: demo\n": ""}, "missing required key 'code'", id="code"),
        pytest.param(
            definition(kind="bank_module", tail="topic: visits\n"),
            {"topic: visits\n": ""},
            "missing required key 'topic'",
            id="topic of a bank module",
        ),
        pytest.param(
            definition(kind="survey", tail='base_version: "2026.1"\n'),
            {'base_version: "2026.1"\n': ""},
            "missing required key 'base_version'",
            id="base version of a survey",
        ),
    ],
)
def test_missing_top_level_key_is_reported_on_line_1(valid, edits, message):
    assert problems(valid, edits) == [Problem(1, message)]


def test_missing_sections_is_reported_on_line_1():
    valid = definition()
    sections = valid[valid.index("sections:") :]
    assert problems(valid, {sections: ""}) == [Problem(1, "missing required key 'sections'")]


@pytest.mark.parametrize(
    ("valid", "edits", "line", "message"),
    [
        pytest.param(
            definition(),
            {'version: "1"': 'version: "1"\nauthor: Demo'},
            4,
            "unknown key 'author'",
            id="top level",
        ),
        pytest.param(
            definition(),
            {'{code: "no", label: {nb: Nei}}': '{code: "no", label: {nb: Nei}, value: 2}'},
            15,
            "sections[0].questions[0].options[1]: unknown key 'value'",
            id="option",
        ),
        pytest.param(
            definition(VISITED + "  required: true\n"),
            {"required: true": "mandatory: true"},
            16,
            "sections[0].questions[0]: unknown key 'mandatory'",
            id="question",
        ),
        pytest.param(
            definition(VISITED + "  required: true\n"),
            {"required: true": "max_selections: 1"},
            16,
            "sections[0].questions[0]: unknown key 'max_selections'",
            id="key of another question type",
        ),
        pytest.param(
            definition(SATISFACTION),
            {"midpoint: {nb: Midt}": "middle: {nb: Midt}"},
            16,
            "sections[0].questions[0].scale: unknown key 'middle'",
            id="scale",
        ),
    ],
)
def test_unknown_key(valid, edits, line, message):
    assert problems(valid, edits) == [Problem(line, message)]


def test_misspelt_required_key_is_both_unknown_and_missing():
    assert problems(definition(), {"text: {nb: Første besøk}": "txt: {nb: Første besøk}"}) == [
        Problem(10, "sections[0].questions[0]: missing required key 'text'"),
        Problem(12, "sections[0].questions[0]: unknown key 'txt'"),
    ]


@pytest.mark.parametrize(
    ("edits", "line", "message"),
    [
        pytest.param(
            {"  type: single_choice": "\ttype: single_choice"},
            11,
            "invalid YAML: found character '\\t' that cannot start any token",
            id="tab indentation",
        ),
        pytest.param(
            {"text: {nb: Første besøk}": "text: Første: besøk"},
            12,
            "invalid YAML: mapping values are not allowed here",
            id="unquoted colon",
        ),
        pytest.param(
            {"        type: single_choice": "       type: single_choice"},
            11,
            "invalid YAML: expected <block end>, but found '<block mapping start>'",
            id="wrong indentation",
        ),
        pytest.param(
            {'{code: "no", label: {nb: Nei}}': '{code: "no, label: {nb: Nei}}'},
            16,
            "invalid YAML: found unexpected end of stream",
            id="unclosed quote on the last line, noticed at the end of the file",
        ),
        pytest.param(
            {"text: {nb: Første besøk}": "text: {nb: Første besøk"},
            13,
            "invalid YAML: expected ',' or '}', but got ':'",
            id="unclosed flow mapping, noticed on the next line",
        ),
        pytest.param(
            {"code: demo": "code: !!python/name:os.system demo"},
            2,
            "invalid YAML value: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/name:os.system'",
            id="python tag",
        ),
        pytest.param(
            {"title: {nb: Demo, nn: Demo, en: Demo}": "title: {nb: Demo, nn: Demo, en: Demo}\n---"},
            5,
            "invalid YAML: but found another document",
            id="second document",
        ),
    ],
)
def test_bad_yaml_syntax(edits, line, message):
    assert problems(definition(), edits) == [Problem(line, message)]


@pytest.mark.parametrize(
    ("edits", "line", "message"),
    [
        pytest.param(
            {'version: "1"': 'version: "1"\nversion: "2"'},
            4,
            "duplicate key 'version'",
            id="top level",
        ),
        pytest.param(
            {"text: {nb: Første besøk}": "text: {nb: Første besøk, nb: Andre besøk}"},
            12,
            "duplicate key 'nb'",
            id="flow mapping",
        ),
        pytest.param(
            {'{code: "no", label: {nb: Nei}}': '{code: "no", label: {nb: Nei}, code: maybe}'},
            15,
            "duplicate key 'code'",
            id="option",
        ),
    ],
)
def test_duplicate_mapping_keys(edits, line, message):
    assert problems(definition(), edits) == [Problem(line, message)]


BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_alias_bomb_is_refused_on_line_1():
    assert check_text(BILLION_LAUGHS).problems == [
        Problem(1, "YAML aliases expand beyond 100000 nodes; refusing to load")
    ]


def test_alias_bomb_inside_a_definition_is_refused_on_line_1():
    bomb = textwrap.indent(BILLION_LAUGHS, "  ")
    text = broken(definition(), {"title: {nb: Demo, nn: Demo, en: Demo}": f"title: {{nb: Demo}}\nx:\n{bomb}"})
    assert check_text(text).problems == [
        Problem(1, "YAML aliases expand beyond 100000 nodes; refusing to load")
    ]


def test_ordinary_aliases_are_allowed():
    text = broken(
        definition(),
        {
            "title: {nb: Demo, nn: Demo, en: Demo}": "title: &title {nb: Demo}",
            "title: {nb: Besøket, nn: Besøket, en: The visit}": "title: *title",
        },
    )
    assert check_text(text).problems == []


def padded_to(size: int) -> bytes:
    text = definition().encode() + b"#"
    return text + b"x" * (size - len(text) - 1) + b"\n"


def test_file_larger_than_the_limit_is_refused():
    data = padded_to(MAX_FILE_BYTES + 1)
    assert len(data) == MAX_FILE_BYTES + 1
    assert check_text(data).problems == [Problem(1, "file is larger than 1024 KiB")]


def test_file_at_the_limit_is_read():
    data = padded_to(MAX_FILE_BYTES)
    assert len(data) == MAX_FILE_BYTES
    assert check_text(data).problems == []


@pytest.mark.parametrize("text", ["", "\n\n", "# nothing but a comment\n", b""], ids=repr)
def test_empty_file(text):
    assert check_text(text).problems == [Problem(1, "the file is empty")]


@pytest.mark.parametrize("text", ["- kind: base\n- code: demo\n", "just some text\n", "42\n"])
def test_file_that_is_not_a_mapping(text):
    assert check_text(text).problems == [
        Problem(1, "the file must be a mapping with kind, code, version and sections")
    ]


def test_non_utf8_bytes_give_one_line_message():
    assert check_text(b"kind: b\xe6se\n").problems == [
        Problem(
            1,
            "invalid YAML: unacceptable character #x00e6: invalid continuation byte "
            'in "<byte string>", position 7',
        )
    ]


def test_base_questionnaire_locks_exactly_the_ten_core_questions_and_home_country():
    base = check_file(BASE_FILE).definition
    questions = {ref.question["code"]: ref.question for ref in iter_questions(base)}
    locked = {code for code, question in questions.items() if question["locked"]}
    core = {
        "event_type",
        "first_visit",
        "visits_12m",
        "overall_experience",
        "recommend",
        "ticket_type",
        "age_group",
        "gender",
        "home_fylke",
        "education",
    }
    assert locked == core | {"home_country"}
    assert questions["home_country"]["show_if"] == {"question": "home_fylke", "equals": "abroad"}


def test_question_bank_has_six_modules_with_thirty_questions():
    modules = [check_file(path).definition for path in BANK_FILES]
    assert all(module is not None and module["kind"] == "bank_module" for module in modules)
    assert len(modules) >= 6
    assert sum(1 for module in modules for _ in iter_questions(module)) >= 30


def texts_in(node):
    if isinstance(node, dict):
        if node and set(node) <= set(LANGUAGES):
            yield node
            return
        for value in node.values():
            yield from texts_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from texts_in(value)


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda path: path.name)
def test_every_text_of_a_real_definition_has_nb_nn_and_en(path):
    result = check_file(path)
    assert result.problems == []
    assert result.definition["languages"] == ["nb", "nn", "en"]
    texts = list(texts_in(result.definition))
    assert len(texts) > 10
    assert [text for text in texts if set(text) != set(LANGUAGES)] == []


@pytest.fixture
def cli(tmp_path):
    app = make_test_app("sqlite:///" + str(tmp_path / "x.sqlite"), tmp_path)
    runner = app.test_cli_runner()

    def run(*paths):
        return runner.invoke(args=["questionnaire", "check", *map(str, paths)])

    return run


def test_cli_accepts_every_real_definition(cli):
    result = cli(*REAL_FILES)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"{len(REAL_FILES)} file(s) valid.\n"


def test_cli_prints_path_line_and_message_for_each_problem(cli, tmp_path):
    valid = tmp_path / "valid.yaml"
    valid.write_text(definition(VISITED, CAME_WITH), encoding="utf-8")
    first = tmp_path / "first.yaml"
    first.write_text(
        broken(definition(VISITED, CAME_WITH), {"code: came_with": "code: visited"}), encoding="utf-8"
    )
    second = tmp_path / "second.yaml"
    second.write_text(
        broken(definition(), {"kind: base\n": "", "type: single_choice": "type: dropdown"}), encoding="utf-8"
    )

    result = cli(first, valid, second)

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{first}:16: sections[0].questions[1]: duplicate question code 'visited' (first used on line 10)",
        f"{second}:1: missing required key 'kind'",
        f"{second}:10: sections[0].questions[0].type: unknown question type 'dropdown' "
        "(use one of single_choice, multiple_choice, reference_choice, rating, nps, slider, number, "
        "short_text, long_text, matrix)",
    ]


def test_cli_reports_a_missing_file_on_line_1(cli, tmp_path):
    missing = tmp_path / "missing.yaml"
    result = cli(missing)
    assert result.exit_code == 1
    assert result.stdout == f"{missing}:1: cannot read file: No such file or directory\n"


def test_cli_reports_a_directory_on_line_1(cli, tmp_path):
    result = cli(tmp_path)
    assert result.exit_code == 1
    assert result.stdout == f"{tmp_path}:1: cannot read file: Is a directory\n"


GARBAGE = {
    "random bytes": random.Random(2026).randbytes(4096),
    "nul bytes": b"\x00" * 64,
    "png header": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "utf-16 text": "kind: base\n".encode("utf-16"),
    "yaml list": b"- kind\n- code\n",
    "yaml scalar": b"hello\n",
    "unclosed bracket": b"[[[[",
}


@pytest.mark.parametrize("content", list(GARBAGE.values()), ids=list(GARBAGE))
def test_cli_never_crashes_on_garbage(cli, tmp_path, content):
    path = tmp_path / "garbage.yaml"
    path.write_bytes(content)
    result = cli(path)
    assert isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stdout.splitlines()
    assert lines
    assert all(re.fullmatch(rf"{re.escape(str(path))}:\d+: \S.*", line) for line in lines), lines


def test_cli_reports_deeply_nested_yaml_as_a_problem(cli, tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 5000, encoding="utf-8")
    result = cli(path)
    assert isinstance(result.exception, SystemExit)
    assert result.stdout.startswith(f"{path}:1: ")
