import pytest

from app.questionnaires.conditions import condition_holds

ANSWERS = {"first_visit": "no", "came_with": frozenset({"partner", "children"}), "recommend": 8}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (None, True),
        ({"question": "first_visit", "equals": "no"}, True),
        ({"question": "first_visit", "not_equals": "no"}, False),
        ({"question": "first_visit", "in": ["yes", "dont_remember"]}, False),
        ({"question": "came_with", "includes": "children"}, True),
        ({"question": "came_with", "includes": "alone"}, False),
        ({"question": "recommend", "gte": 8}, True),
        ({"question": "recommend", "lt": 7}, False),
        ({"question": "missing", "answered": True}, False),
        ({"question": "missing", "answered": False}, True),
        ({"question": "missing", "not_equals": "x"}, False),
        ({"all": [{"question": "first_visit", "equals": "no"}, {"question": "recommend", "gt": 5}]}, True),
        ({"any": [{"question": "first_visit", "equals": "yes"}, {"question": "recommend", "gt": 9}]}, False),
        ({"not": {"question": "first_visit", "equals": "yes"}}, True),
    ],
)
def test_conditions_follow_the_answers_given(condition, expected):
    assert condition_holds(condition, ANSWERS) is expected
