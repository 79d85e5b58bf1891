"""Periodic jobs, declared as data for `rq cron workers/cron.py`."""

from rq import cron

from workers.jobs import purge_expired_responses, purge_partials, recompute_benchmarks, sweep

cron.register(sweep, queue_name="maintenance", interval=60, job_timeout=120)
cron.register(purge_partials, queue_name="maintenance", cron="15 3 * * *", job_timeout=600)
# Before the nightly recompute, so the snapshots leave out what the purge deleted.
cron.register(purge_expired_responses, queue_name="maintenance", cron="0 2 * * *", job_timeout=1800)
cron.register(recompute_benchmarks, queue_name="aggregation", cron="30 2 * * *", job_timeout=1800)
