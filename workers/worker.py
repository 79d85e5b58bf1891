"""Worker entry point: `python -m workers.worker` (or `rq worker --with-scheduler` with the same queues)."""

import sys

from redis import Redis
from rq import Worker

from workers.context import worker_app

QUEUES = ("aggregation", "exports", "mail", "maintenance")


def main(argv: list[str]) -> None:
    app = worker_app()
    redis_url = app.config["REDIS_URL"]
    if not redis_url:
        sys.exit("REDIS_URL is not set; without Redis the web process runs background work itself.")
    # Heavy libraries are imported once here, not in every forked job.
    import pandas  # noqa: F401
    import statsmodels.api  # noqa: F401

    queues = argv or list(QUEUES)
    Worker(queues, connection=Redis.from_url(redis_url)).work(with_scheduler=True)


if __name__ == "__main__":
    main(sys.argv[1:])
