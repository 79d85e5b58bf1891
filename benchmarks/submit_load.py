"""Load benchmark for answer submission.

Starts gunicorn (5 sync workers) on PostgreSQL with the submission rate limit off, then drives 50
concurrent connections, each submitting a complete single-page 20-question survey (one POST per
response, a fresh idempotency key each), and the same against a minimal endpoint that validates and
inserts one row (the floor). Prints throughput, the ratio, latency percentiles, the CPU time each
request cost in the app, in PostgreSQL and in the load generator, and checks that the stored
responses equal the successful submissions.

Run: `.venv/bin/python benchmarks/submit_load.py [--seconds 15] [--connections 50]`
(needs PostgreSQL on 127.0.0.1:5432; uses the database `grunnskjema_bench`, recreated each run).
The load comes from one asyncio process (little CPU taken from the two cores the server shares),
which finishes every request it starts, so the stored count is compared exactly.
"""

import argparse
import asyncio
import http.client
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
    cookie = next(
        header.split(";")[0]
        for name, header in reply.getheaders()
        if name == "Set-Cookie" and header.startswith("session=")
    )
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return cookie, csrf


def request_bytes(port: int, path: str, cookie: str, csrf: str) -> bytes:
    form = {f"q{n}": str(1 + n % 5) for n in range(1, QUESTIONS + 1)}
    form.update(csrf_token=csrf, page="0", action="next", submission_key=secrets.token_urlsafe(16))
    body = urlencode(form).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        + (f"Cookie: {cookie}\r\n" if cookie else "")
        + "\r\n"
    )
    return head.encode() + body


async def submit_until(deadline: float, port: int, path: str, cookie: str, csrf: str) -> list:
    """One connection's loop: each submission on its own TCP connection (sync workers close them)."""
    results = []
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request_bytes(port, path, cookie, csrf))
            reply = await reader.read()
            writer.close()
            status = int(reply[9:12])
        except (OSError, ValueError):
            status = 0
        results.append((status, time.perf_counter() - started))
    return results


def run(port: int, path: str, token: str, seconds: float, connections: int, with_session: bool) -> dict:
    cookie, csrf = session_for(port, token) if with_session else ("", "")

    async def drive() -> list:
        deadline = time.perf_counter() + seconds
        batches = await asyncio.gather(
            *(submit_until(deadline, port, path, cookie, csrf) for _ in range(connections))
        )
        return [result for batch in batches for result in batch]

    cpu_before = cpu_seconds()
    started = time.perf_counter()
    outcomes = asyncio.run(drive())
    elapsed = time.perf_counter() - started
    cpu = {name: after - cpu_before[name] for name, after in cpu_seconds().items()}
    ok = sorted(duration for status, duration in outcomes if status in (204, 302))
    pick = lambda q: ok[min(len(ok) - 1, int(q * len(ok)))] * 1000  # noqa: E731
    return {
        "ok": len(ok),
        "failed": len(outcomes) - len(ok),
        "rate": len(ok) / elapsed,
        "p50": pick(0.50),
        "p95": pick(0.95),
        "p99": pick(0.99),
        "mean": statistics.mean(ok) * 1000,
        "cpu_ms": {name: used / max(len(outcomes), 1) * 1000 for name, used in cpu.items()},
    }


def cpu_seconds() -> dict[str, float]:
    """CPU time used so far by the app's workers, PostgreSQL and this process (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {"app": 0.0, "postgresql": 0.0, "load generator": time.process_time()}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if b"gunicorn" in command:
            used["app"] += seconds
        elif command.startswith(b"postgres"):
            used["postgresql"] += seconds
    return used


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
    parser.add_argument(
        "--warmup", type=float, default=3, help="seconds of unmeasured load on each endpoint first"
    )
    args = parser.parse_args()
    token = prepare_database()
    port = free_port()
    server = start_gunicorn(port)
    try:
        # Workers import the app after the port opens, and each compiles a statement the first time it
        # runs it: warm every worker up on both endpoints before measuring anything.
        run(port, f"/benchmark/floor/{token}", token, args.warmup, args.connections, with_session=False)
        run(port, f"/s/{token}", token, args.warmup, args.connections, with_session=True)
        stored_before = stored_responses()
        survey = run(port, f"/s/{token}", token, args.seconds, args.connections, with_session=True)
        stored = stored_responses() - stored_before
        floor = run(
            port, f"/benchmark/floor/{token}", token, args.seconds, args.connections, with_session=False
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    for name, figures in (("survey submission", survey), ("floor (validate + insert one row)", floor)):
        print(
            f"{name}: {figures['rate']:.0f}/s, {figures['ok']} ok, {figures['failed']} failed; latency ms "
            f"p50 {figures['p50']:.0f}, p95 {figures['p95']:.0f}, p99 {figures['p99']:.0f}; CPU ms per "
            "request: " + ", ".join(f"{name} {value:.2f}" for name, value in figures["cpu_ms"].items())
        )
    print(f"ratio survey/floor: {survey['rate'] / floor['rate']:.2f}")
    print(
        f"stored complete responses after the survey run: {stored} (successful submissions: {survey['ok']})"
    )
    if stored != survey["ok"]:
        raise SystemExit("stored responses differ from successful submissions")


if __name__ == "__main__":
    main()
