"""Answering without storing anything: the builder's preview of a survey.

The preview runs the same page flow as a real respondent (`flow.page`, `flow.read_page`, conditions
and screen-outs), but nothing reaches the database: the answers given so far travel in the page
itself, as the form fields that were sent, in one hidden field. That field comes back from the
browser, so it is never trusted: every post replays it page by page through the same checks as a
real answer, and a value that does not fit its question, or answers a question the earlier answers
hide, counts as not given.
"""

import json
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from app.answering import flow


@dataclass
class Step:
    """What the preview shows next: a page (again, with its errors), or the end of the survey."""

    page: flow.Page | None  # None when the survey is done
    values: dict
    carried: str  # the answers so far, for the hidden field
    errors: dict[str, str] = field(default_factory=dict)
    screened_out_by: dict | None = None


def start(definition: dict, wanted: int) -> Step:
    """A page opened by its address, with no answers given yet."""
    wanted = max(min(wanted, len(definition["sections"]) - 1), 0)
    index = flow.first_page_with_questions(definition, wanted, {})
    return Step(flow.page(definition, index, {}), {}, encode(MultiDict()))


def submit(definition: dict, form: MultiDict) -> Step | None:
    """A page sent with "next" or "back"; None when the form names no page of this survey."""
    index = form.get("page", type=int)
    if index is None or not 0 <= index < len(definition["sections"]):
        return None
    carried = decode(form.get("answers"))
    given = replay(definition, carried)
    shown = flow.page(definition, index, given)
    result = flow.read_page(definition, shown, given, form)
    if form.get("action") == "back" and index > 0:
        # As on the real pages: what fits is kept, what does not keeps the answer given before.
        carried = _with_page(carried, shown, form, skip=set(result.errors))
        given = replay(definition, carried)
        previous = max((i for i in range(index) if flow.page(definition, i, given).questions), default=0)
        return Step(flow.page(definition, previous, given), given, encode(carried))
    if result.errors:
        values = {**given, **flow.posted_values(shown, form)}
        return Step(shown, values, encode(carried), errors=result.errors)
    carried = _with_page(carried, shown, form)
    given = replay(definition, carried)
    outcome = flow.outcome_of_page(definition, index, given, result)
    if outcome.next_page is None:
        return Step(None, given, encode(carried), screened_out_by=result.screened_out_by)
    return Step(flow.page(definition, outcome.next_page, given), given, encode(carried))


def replay(definition: dict, carried: MultiDict) -> dict:
    """The answers the carried fields give when sent page by page, as a respondent sends them."""
    given: dict = {}
    for index in range(len(definition["sections"])):
        shown = flow.page(definition, index, given)
        for code, value in flow.read_page(definition, shown, given, carried).values.items():
            given[code] = value
            if isinstance(value, dict):  # a matrix: each row is a question of its own for conditions
                given.update(value)
    return given


def _with_page(
    carried: MultiDict, shown: flow.Page, form: MultiDict, skip: set[str] = frozenset()
) -> MultiDict:
    """The carried fields with this page's answers replaced by the ones just sent."""
    names = flow.answer_codes(shown, skip)
    kept = [(name, value) for name, value in carried.items(multi=True) if name not in names]
    return MultiDict(kept + [(name, value) for name in sorted(names) for value in form.getlist(name)])


def encode(carried: MultiDict) -> str:
    return json.dumps(carried.to_dict(flat=False), ensure_ascii=False, separators=(",", ":"))


def decode(text: str | None) -> MultiDict:
    """The carried fields; anything but a mapping of names to lists of texts is left out."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return MultiDict()
    if not isinstance(data, dict):
        return MultiDict()
    return MultiDict(
        [
            (name, value)
            for name, values in data.items()
            if isinstance(values, list)
            for value in values
            if isinstance(value, str)
        ]
    )
