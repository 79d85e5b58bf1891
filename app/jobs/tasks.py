"""The background tasks, declared as data: which service runs, on which queue, for how long at most."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Task:
    function: str  # "module:function" of a service function taking the job's args as keywords
    queue: str
    timeout_seconds: int
    max_attempts: int = 4


TASKS: dict[str, Task] = {
    "aggregate_responses": Task(
        function="app.responses.follow_up:aggregate_responses", queue="aggregation", timeout_seconds=300
    ),
    "recompute_benchmarks": Task(
        function="app.benchmarks.services:recompute_benchmarks", queue="aggregation", timeout_seconds=1800
    ),
    "deliver_mail": Task(function="app.mail.services:deliver_mail", queue="mail", timeout_seconds=60),
    # One attempt: a failed export is shown as failed and the member starts a new one.
    "run_export": Task(
        function="app.exports.services:run_export", queue="exports", timeout_seconds=1800, max_attempts=1
    ),
}

# Seconds to wait before attempt 2, 3, 4, ...
RETRY_BACKOFF_SECONDS = (10, 60, 300)
