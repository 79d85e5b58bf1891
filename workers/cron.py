"""Periodic jobs, declared as data for `rq cron workers/cron.py`."""

from rq import cron

from workers.jobs import sweep

cron.register(sweep, queue_name="maintenance", interval=60, job_timeout=120)
