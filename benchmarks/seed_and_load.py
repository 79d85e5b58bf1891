"""Foundation figures: definition checking, demo seeding and page rendering on a fresh SQLite database.

Run: `make benchmarks`, or `.venv/bin/python benchmarks/seed_and_load.py [--orgs N] [--responses-per-org N]`.
Prints one line per figure.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.demo.seed import SeedOptions, seed_demo  # noqa: E402
from app.extensions import db  # noqa: E402
from app.questionnaires.services import definition_files  # noqa: E402
from app.questionnaires.validation import check_file  # noqa: E402


def timed(function, repeat: int = 1) -> list[float]:
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        durations.append(time.perf_counter() - started)
    return durations


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=60)
    parser.add_argument("--responses-per-org", type=int, default=400)
    args = parser.parse_args()

    files = definition_files()
    check = timed(lambda: [check_file(path) for path in files], repeat=5)
    print(f"check {len(files)} definition files: median {statistics.median(check) * 1000:.0f} ms")

    with tempfile.TemporaryDirectory() as directory:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.sqlite",
                "SECRET_KEY": "x" * 40,
                "BACKGROUND_RUNNER": False,
                "WTF_CSRF_ENABLED": False,
            }
        )
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            options = SeedOptions(orgs=args.orgs, responses_per_org=args.responses_per_org)
            seeding = timed(lambda: seed_demo(options))[0]
            responses = args.orgs * args.responses_per_org
            print(
                f"demo seed ({args.orgs} organisations, {responses} responses): {seeding:.1f} s "
                f"({responses / seeding:.0f} responses/s)"
            )
            db.session.remove()

        client = app.test_client()
        client.post("/login", data={"email": "owner1@demo.grunnskjema.no", "password": "demo-owner-1"})
        dashboard = timed(lambda: client.get("/"), repeat=200)
        health = timed(lambda: client.get("/healthz"), repeat=200)
        for name, samples in (("dashboard page", dashboard), ("GET /healthz", health)):
            ordered = sorted(samples)
            p95 = ordered[int(len(ordered) * 0.95)]
            median = statistics.median(samples) * 1000
            print(f"{name}: median {median:.1f} ms, p95 {p95 * 1000:.1f} ms (in-process)")


if __name__ == "__main__":
    main()
