"""A submission through the shipped gunicorn configuration leaves no address or user agent in any log."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from flask_migrate import upgrade

from app.extensions import db
from tests import factories
from tests.support import make_test_app

ROOT = Path(__file__).resolve().parent.parent
SECRET = "g" * 40
USER_AGENT = "Sniffer/9.9 (identifying-device)"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_no_client_address_or_user_agent_in_gunicorn_or_app_logs(tmp_path):
    url = f"sqlite:///{tmp_path / 'logs.sqlite'}"
    app = make_test_app(url, tmp_path)
    with app.app_context():
        upgrade()
        _, _, collector = factories.published_survey()
        token = collector.token
        db.session.commit()
        db.engine.dispose()

    port = free_port()
    environ = dict(
        os.environ,
        DATABASE_URL=url,
        SECRET_KEY=SECRET,
        APP_ENV="development",
        GUNICORN_WORKERS="1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        BACKGROUND_RUNNER="0",
    )
    environ.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:app.gunicorn_conf", "wsgi:app"],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        connection = http.client.HTTPConnection("127.0.0.1", port)
        connection.request("GET", f"/s/{token}", headers={"User-Agent": USER_AGENT})
        reply = connection.getresponse()
        page = reply.read().decode()
        cookie = reply.getheader("Set-Cookie").split(";")[0]
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body = urlencode(
            {
                "csrf_token": csrf,
                "page": "0",
                "submission_key": "k-1",
                "action": "next",
                "first_visit": "yes",
                "recommend": "9",
            }
        )
        connection.request(
            "POST",
            f"/s/{token}",
            body=body,
            headers={
                "User-Agent": USER_AGENT,
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        submitted = connection.getresponse()
        submitted.read()
        assert submitted.status == 302
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]

    assert f'"POST /s/{token} HTTP/1.1" 302' in output, "the access log was written"
    # The server's own "Listening at" line names where it listens, not who called.
    request_lines = "\n".join(line for line in output.splitlines() if "Listening at" not in line)
    assert "127.0.0.1" not in request_lines
    assert "Sniffer" not in request_lines
