"""Load benchmark for answer submission.

Starts gunicorn (5 sync workers) on PostgreSQL with the submission rate limit off, then drives 50
concurrent keep-alive connections, each submitting a complete single-page 20-question survey (one
POST per response, a fresh idempotency key each), and the same against a minimal endpoint that
validates and inserts one row (the floor). Prints throughput, the ratio, latency percentiles, and
checks that the stored responses equal the successful submissions.

Run: `.venv/bin/python benchmarks/submit_load.py [--seconds 15] [--connections 50]`
(needs PostgreSQL on 127.0.0.1:5432; uses the database `grunnskjema_bench`, recreated each run).
The load comes from Python processes, which finish every request they start, so the stored count
can be compared exactly. `--wrk` uses `wrk` (Debian package) instead: lighter on the two cores, but
requests still in flight when it stops are stored without being counted.
"""

import argparse
import http.client
import multiprocessing
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/grunnskjema_bench"
QUESTIONS = 20


def definition() -> dict:
    scale = {"points": 5, "labels": {1: {"nb": "Svært dårlig"}, 5: {"nb": "Svært bra"}}}
    questions = [
        {
            "code": f"q{n}",
            "type": "nps" if n % 2 else "rating",
            "text": {"nb": f"Spørsmål {n}"},
            "required": True,
            "locked": False,
            **({} if n % 2 else {"scale": scale}),
        }
        for n in range(1, QUESTIONS + 1)
    ]
    return {
        "kind": "base",
        "code": "grunnskjema",
        "version": "1",
        "title": {"nb": "Belastning"},
        "languages": ["nb"],
        "sections": [{"code": "all", "title": {"nb": "Alt"}, "questions": questions}],
    }


def prepare_database() -> str:
    """A fresh database with one organisation and a published one-page survey; returns its link token."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.organisations.services import create_organisation
    from app.questionnaires.models import QuestionnaireVersion
    from app.reference.services import load_reference_data
    from app.surveys.services import new_survey_from_base, publish
    from tests.support import recreate_postgres_database

    recreate_postgres_database(DATABASE)
    app = create_app({"SQLALCHEMY_DATABASE_URI": DATABASE, "SECRET_KEY": "b" * 40})
    with app.app_context():
        upgrade()
        load_reference_data()
        organisation = create_organisation(name="Belastning", orgnr="923609016", sector="theatre", fylke="46")
        base = QuestionnaireVersion(
            code="grunnskjema",
            version="1",
            sort_key="1",
            title={"nb": "B"},
            definition=definition(),
            content_hash="bench",
        )
        db.session.add(base)
        survey, revision = new_survey_from_base(organisation, "Belastning", base)
        token = publish(survey, revision, "Benchmark").token
        db.session.commit()
        db.engine.dispose()
    return token


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    environ = dict(
        os.environ,
        DATABASE_URL=DATABASE,
        SECRET_KEY="b" * 40,
        SUBMISSION_RATE_LIMIT="0",
        BENCHMARK_FLOOR="1",
        BACKGROUND_RUNNER="0",
        APP_ENV="development",
        GUNICORN_WORKERS="5",
        GUNICORN_BIND=f"127.0.0.1:{port}",
    )
    environ.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:app.gunicorn_conf",
            "--access-logfile",
            "/dev/null",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def session_for(port: int, token: str) -> tuple[str, str]:
    """A session cookie and its CSRF token, as a respondent's browser gets them with the page."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", f"/s/{token}")
    reply = connection.getresponse()
    page = reply.read().decode()
    cookie = reply.getheader("Set-Cookie").split(";")[0]
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return cookie, csrf


def drive(args) -> list[tuple[int, float]]:
    port, path, token, seconds, with_session = args
    connection = http.client.HTTPConnection("127.0.0.1", port)
    cookie, csrf = session_for(port, token) if with_session else ("", "")
    results = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        form = {f"q{n}": str(1 + n % 5) for n in range(1, QUESTIONS + 1)}
        form.update(csrf_token=csrf, page="0", action="next", submission_key=secrets.token_urlsafe(16))
        body = urlencode(form)
        started = time.perf_counter()
        connection.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        )
        reply = connection.getresponse()
        reply.read()
        results.append((reply.status, time.perf_counter() - started))
    return results


def run(port: int, path: str, token: str, seconds: float, connections: int, with_session: bool) -> dict:
    jobs = [(port, path, token, seconds, with_session)] * connections
    with multiprocessing.Pool(connections) as pool:
        started = time.perf_counter()
        outcomes = [result for batch in pool.map(drive, jobs) for result in batch]
        elapsed = time.perf_counter() - started
    ok = [duration for status, duration in outcomes if status in (204, 302)]
    latencies = sorted(ok)
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {
        "ok": len(ok),
        "failed": len(outcomes) - len(ok),
        "rate": len(ok) / elapsed,
        "p50": pick(0.50),
        "p95": pick(0.95),
        "p99": pick(0.99),
        "mean": statistics.mean(latencies) * 1000,
    }


WRK_SCRIPT = """
local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  sent = 0
  math.randomseed(os.time() * 1000 + id)
end
function request()
  sent = sent + 1
  local key = "w" .. id .. "-" .. sent .. "-" .. math.random(1000000000)
  return wrk.format("POST", nil, nil, wrk.body .. "&submission_key=" .. key)
end
"""


def run_wrk(port: int, path: str, token: str, seconds: float, connections: int, with_session: bool) -> dict:
    """The same load from wrk: one shared session, a fresh idempotency key per request."""
    import shutil
    import tempfile

    cookie, csrf = session_for(port, token) if with_session else ("", "")
    form = {f"q{n}": str(1 + n % 5) for n in range(1, QUESTIONS + 1)}
    form.update(csrf_token=csrf, page="0", action="next")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            f'wrk.method = "POST"\nwrk.body = "{urlencode(form)}"\n'
            f'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            f'wrk.headers["Cookie"] = "{cookie}"\n' + WRK_SCRIPT
        )
    output = subprocess.run(
        [
            shutil.which("wrk"),
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{int(seconds)}s",
            "--latency",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    total = int(re.search(r"(\d+) requests in", output).group(1))
    failed = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    failed += sum(int(value) for value in errors.groups()) if errors else 0

    def millis(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "ok": total - failed,
        "failed": failed,
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": millis("50%"),
        "p95": millis("90%"),
        "p99": millis("99%"),
        "mean": millis("Latency"),
        "p95_label": "p90",
    }


def stored_responses() -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(DATABASE)
    with engine.connect() as conn:
        count = conn.scalar(text("SELECT count(*) FROM response WHERE status = 'complete'"))
    engine.dispose()
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--wrk", action="store_true", help="drive the load with wrk")
    args = parser.parse_args()
    token = prepare_database()
    port = free_port()
    server = start_gunicorn(port)
    load = run_wrk if args.wrk else run
    print(f"load generator: {'wrk' if args.wrk else 'Python processes'}")
    try:
        survey = load(port, f"/s/{token}", token, args.seconds, args.connections, with_session=True)
        stored = stored_responses()
        floor = load(
            port, f"/benchmark/floor/{token}", token, args.seconds, args.connections, with_session=False
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    for name, figures in (("survey submission", survey), ("floor (validate + insert one row)", floor)):
        print(
            f"{name}: {figures['rate']:.0f}/s, {figures['ok']} ok, {figures['failed']} failed; latency ms "
            f"p50 {figures['p50']:.0f}, {figures.get('p95_label', 'p95')} {figures['p95']:.0f}, "
            f"p99 {figures['p99']:.0f}"
        )
    print(f"ratio survey/floor: {survey['rate'] / floor['rate']:.2f}")
    print(
        f"stored complete responses after the survey run: {stored} (successful submissions: {survey['ok']})"
    )
    in_flight = args.connections if args.wrk else 0
    if not survey["ok"] <= stored <= survey["ok"] + in_flight:
        raise SystemExit("stored responses differ from successful submissions")


if __name__ == "__main__":
    main()
