"""Schemathesis fuzzes the API from its own OpenAPI document, authenticated with a real token
against a seeded database: no server error, and every answer fits the document.

Every operation in the document is fuzzed, so an endpoint added later is covered without a change
here. (Schemathesis' lazy pytest fixtures do not work with this pytest; the loop does the same.)
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.api import auth
from app.core.rate_limit import Limit
from app.extensions import db
from tests.test_api import tenant

# The fuzzer sends far more requests in a minute than a BI tool would.
UNLIMITED = Limit("api", max_hits=1_000_000, window_seconds=60)
EXAMPLES_PER_OPERATION = 40


# Results filters name the survey's own links, event tags and answer options, which no schema can
# list: a well-formed filter that does not fit the survey is refused with 400 by design.
SURVEY_SPECIFIC_FILTERS = "/api/v1/surveys/{survey_id}/results"


def fuzz(operation, headers: dict, survey_id: int) -> None:
    # Half of the cases use the seeded survey, so that responses and results come back with data;
    # the others get generated ids, which name no survey (404).
    strategies = [operation.as_strategy()]
    if "{survey_id}" in operation.path:
        strategies.append(operation.as_strategy(path_parameters={"survey_id": survey_id}))
    for strategy in strategies:

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION // len(strategies),
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def check(case):
            excluded = [positive_data_acceptance] if operation.path == SURVEY_SPECIFIC_FILTERS else []
            case.call_and_validate(headers=headers, excluded_checks=excluded)

        check()


def test_the_api_keeps_to_its_openapi_document(app, monkeypatch):
    monkeypatch.setattr(auth, "API_LIMIT", UNLIMITED)
    with app.app_context():
        own = tenant("Scene A", complete=12)
        tenant("Scene B", complete=3)
        db.session.remove()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 4
    failures = []
    for operation in operations:
        try:
            fuzz(operation, {"Authorization": f"Bearer {own.secret}"}, own.survey_id)
        except Exception as error:  # noqa: BLE001 - collect every operation's failures, then report
            failures.append(f"{operation.method.upper()} {operation.path}:\n{error}")
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)
