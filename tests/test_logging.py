"""No log line of a survey request carries the client's address or user agent."""

import logging

from app.core.logging import DropClientAddress


def test_the_development_server_access_line_loses_the_client_address():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - [22/Nov/2026 10:00:00] "%s" %s -',
        ("203.0.113.77", "POST /s/abc HTTP/1.1", 302),
        None,
    )
    assert DropClientAddress().filter(record)
    line = record.getMessage()
    assert "203.0.113.77" not in line
    assert '"POST /s/abc HTTP/1.1" 302' in line


def test_the_shipped_gunicorn_access_log_has_no_address_or_user_agent():
    from app import gunicorn_conf

    assert "%(h)s" not in gunicorn_conf.access_log_format
    assert "%(a)s" not in gunicorn_conf.access_log_format
    assert "%({x-forwarded-for}i)s" not in gunicorn_conf.access_log_format
