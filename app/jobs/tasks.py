"""The background tasks, declared as data: which service runs, on which queue, for how long at most."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Task:
    function: str  # "module:function" of a service function taking the job's args as keywords
    queue: str
    timeout_seconds: int
    max_attempts: int = 4


TASKS: dict[str, Task] = {
    "refresh_response_summary": Task(
        function="app.responses.summary:refresh_response_summary", queue="aggregation", timeout_seconds=300
    ),
    "deliver_mail": Task(function="app.mail.services:deliver_mail", queue="mail", timeout_seconds=60),
}

# Seconds to wait before attempt 2, 3, 4, ...
RETRY_BACKOFF_SECONDS = (10, 60, 300)
