"""Gunicorn settings for production: `gunicorn -c python:app.gunicorn_conf wsgi:app`.

The access log leaves out the client address and user agent, so no log line ties an answer to
a person (responses are anonymous).
"""

import gc
import multiprocessing
import os

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
# Workers touch a heartbeat file on every request: keep it in memory, not on disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
access_log_format = '"%(r)s" %(s)s %(b)s %(L)ss'


class AccessLogger(Logger):
    """Computes only the atoms the access line shows. Gunicorn's own collects every request and
    response header (the user agent too) on every request, which costs more than writing the line."""

    def atoms(self, resp, req, environ, request_time):
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        return {
            "r": f"{environ['REQUEST_METHOD']} {environ['RAW_URI']} {environ['SERVER_PROTOCOL']}",
            "s": status,
            "b": str(resp.sent) if getattr(resp, "sent", None) is not None else "-",
            "L": f"{request_time.seconds}.{request_time.microseconds:06d}",
        }


logger_class = AccessLogger


def post_worker_init(worker):
    """The app's modules, routes and templates live as long as the worker: move them out of the
    garbage collector's reach, so its full passes (about 70 ms over them each) no longer stall requests."""
    gc.freeze()
