"""What a survey's new, changed or deleted responses set off, as one coalesced background job."""

from app.benchmarks.aggregation import aggregate_survey
from app.responses.summary import refresh_response_summary


def aggregate_responses(survey_id: int) -> None:
    refresh_response_summary(survey_id)
    aggregate_survey(survey_id)
