"""Estimated completion time: per-type seconds weighted by the chance each question shows."""

from pathlib import Path

import pytest

from app.questionnaires.validation import check_file
from app.reference.services import current_items
from app.surveys.estimate import (
    SECONDS_PER_TYPE,
    count_questions,
    estimate_seconds,
    estimated_minutes,
    show_chances,
)

ROOT = Path(__file__).resolve().parent.parent


def option(code: str) -> dict:
    return {"code": code, "label": {"nb": code}}


def question(code: str, kind: str, show_if: dict | None = None, **extra) -> dict:
    result = {"code": code, "type": kind, "text": {"nb": code}, **extra}
    if show_if is not None:
        result["show_if"] = show_if
    return result


def choice(code: str, kind: str = "single_choice", options: int = 4, **extra) -> dict:
    return question(code, kind, options=[option(f"o{number}") for number in range(1, options + 1)], **extra)


def survey(*questions: dict) -> dict:
    return {"sections": [{"code": "only", "title": {"nb": "Side"}, "questions": list(questions)}]}


def follow_up(show_if: dict) -> dict:
    """A long text question (40 s) shown under `show_if`."""
    return question("follow_up", "long_text", show_if)


def test_every_question_type_has_its_seconds_and_a_matrix_counts_per_row():
    matrix = question("grid", "matrix", rows=[{"code": f"row_{n}", "text": {"nb": "r"}} for n in range(3)])
    matrix["options"] = [option("good"), option("poor")]
    definition = survey(choice("a"), question("b", "long_text"), matrix)

    assert estimate_seconds(definition) == 6 + 40 + 3 * 4
    assert count_questions(definition) == 5


@pytest.mark.parametrize(
    ("condition", "chance"),
    [
        pytest.param({"question": "a", "equals": "o1"}, 1 / 4, id="equals: 1 of 4 options"),
        pytest.param({"question": "a", "in": ["o1", "o2"]}, 2 / 4, id="in: 2 of 4 options"),
        pytest.param({"question": "a", "not_equals": "o1"}, 3 / 4, id="not_equals"),
        pytest.param({"question": "m", "includes": "o1"}, 1 / 5, id="includes: 1 of 5 options"),
        pytest.param({"question": "nps", "lt": 7}, 7 / 11, id="nps 0-6 of 0-10"),
        pytest.param({"question": "rating", "gte": 4}, 2 / 5, id="rating 4-5 of 1-5"),
        pytest.param({"question": "count", "gt": 4.5}, 5 / 10, id="number 5-9 of 0-9"),
        pytest.param({"question": "count", "lte": -1}, 0, id="number below its range"),
        pytest.param({"question": "open", "gt": 3}, 1 / 2, id="number without bounds: even chance"),
        pytest.param({"question": "a", "answered": True}, 1, id="answered, required"),
        pytest.param({"question": "nps", "answered": True}, 1 / 2, id="answered, optional"),
        pytest.param({"question": "nps", "answered": False}, 1 / 2, id="not answered, optional"),
        pytest.param(
            {"all": [{"question": "a", "equals": "o1"}, {"question": "rating", "gte": 4}]},
            1 / 4 * 2 / 5,
            id="all: product",
        ),
        pytest.param(
            {"any": [{"question": "a", "equals": "o1"}, {"question": "a", "equals": "o2"}]},
            1 - 3 / 4 * 3 / 4,
            id="any: one minus the product of the complements",
        ),
        pytest.param({"not": {"question": "a", "equals": "o1"}}, 3 / 4, id="not: complement"),
    ],
)
def test_a_conditional_question_counts_by_the_chance_it_shows(condition, chance):
    definition = survey(
        choice("a", required=True),
        choice("m", "multiple_choice", options=5),
        question("nps", "nps"),
        question("rating", "rating", scale={"points": 5, "labels": {}}),
        question("count", "number", min=0, max=9),
        question("open", "number"),
        follow_up(condition),
    )
    unconditional = 6 + 10 + 5 + 5 + 7 + 7

    assert show_chances(definition)["follow_up"] == pytest.approx(chance)
    assert estimate_seconds(definition) == round(unconditional + 40 * chance)


def test_a_condition_on_a_conditional_question_holds_only_as_often_as_that_question_shows():
    definition = survey(
        choice("a", options=2),
        choice("b", options=5, show_if={"question": "a", "equals": "o1"}),
        follow_up({"question": "b", "equals": "o3"}),
        question("unless_b", "short_text", {"not": {"question": "b", "equals": "o3"}}),
    )
    chances = show_chances(definition)

    assert chances["b"] == pytest.approx(1 / 2)
    assert chances["follow_up"] == pytest.approx(1 / 2 * 1 / 5)
    assert chances["unless_b"] == pytest.approx(1 - 1 / 10)
    assert estimate_seconds(definition) == round(6 + 6 / 2 + 40 / 10 + 15 * 9 / 10)


def test_a_matrix_row_and_a_reference_choice_can_be_conditions():
    matrix = question("grid", "matrix", rows=[{"code": "staff", "text": {"nb": "r"}}])
    matrix["options"] = [option("good"), option("ok"), option("poor")]
    home = question("home", "reference_choice", reference="fylke", extra_options=[option("abroad")])
    definition = survey(
        matrix,
        home,
        question("why_poor", "short_text", {"question": "staff", "equals": "poor"}),
        question("country", "short_text", {"question": "home", "equals": "abroad"}),
    )
    chances = show_chances(definition)

    assert chances["why_poor"] == pytest.approx(1 / 3)
    assert chances["country"] == pytest.approx(1 / (len(current_items("fylke")) + 1))


def test_shared_option_lists_are_counted_by_their_length():
    definition = survey(
        question("a", "single_choice", options="three"), follow_up({"question": "a", "equals": "o1"})
    )
    definition["option_lists"] = {"three": [option("o1"), option("o2"), option("o3")]}
    assert show_chances(definition)["follow_up"] == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("ratings", "minutes"),
    [(0, 1), (5, 1), (17, 1), (18, 2), (29, 2), (30, 3), (120, 10)],
)
def test_minutes_are_rounded_to_the_nearest_and_at_least_one(ratings, minutes):
    definition = survey(*(question(f"q{n}", "rating", scale={"points": 5}) for n in range(ratings)))
    assert estimate_seconds(definition) == SECONDS_PER_TYPE["rating"] * ratings
    assert estimated_minutes(definition) == minutes


def test_the_base_questionnaire_is_a_short_audience_survey():
    result = check_file(ROOT / "questionnaires" / "grunnskjema-2026.yaml")
    assert result.ok, result.problems
    definition = result.definition

    assert 120 <= estimate_seconds(definition) <= 360
    assert 2 <= estimated_minutes(definition) <= 6
    assert 10 <= count_questions(definition) <= 40


@pytest.mark.parametrize("path", sorted((ROOT / "question_bank").glob("*.yaml")), ids=lambda path: path.stem)
def test_every_bank_module_can_be_estimated(path):
    result = check_file(path)
    assert result.ok, result.problems
    assert 0 < estimate_seconds(result.definition) < 600
    assert count_questions(result.definition) > 0
