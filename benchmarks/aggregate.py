"""Benchmark aggregation on a synthetic data set in PostgreSQL (issue #6, Performance).

Builds a fresh database with the app's schema, a synthetic base questionnaire of 20 locked (so
benchmarkable) questions: 6 single choice, 3 multiple choice, 4 rating, 3 slider, 2 NPS and 2
number questions; organisations spread over the sectors, fylker and size bands of the reference
data, each with one published survey; and synthetic complete responses answering all 20
questions, spread over the four quarters of 2025 and the first four months of 2026 (Europe/Oslo).
Responses and answers are generated inside PostgreSQL with `INSERT … SELECT generate_series`, with
the answer table's indexes and foreign key dropped during the load and rebuilt after it.

Then prints, one line each, the figures the issue asks for with PASS/FAIL against its targets:
rebuilding every cell from scratch, the reference query (one plain GROUP BY over the same answers)
and their ratio, the nightly snapshot recompute, and, beside it, the comparison report of every
organisation for one year (what every organisation's page view computes from the snapshots),
the incremental update after 1,000 new responses at the largest organisation, the process's peak
memory, and the comparison page's render time from snapshots (median of 20 requests).

Run: `.venv/bin/python benchmarks/aggregate.py [--responses 1000000] [--organisations 500]
[--database-url URL] [--keep]` (needs PostgreSQL; the database is recreated at the start and
dropped at the end unless `--keep`). `--page-only --keep` times only the comparison page again on a
database an earlier `--keep` run left. docs/benchmarks.md records the figures.
"""

import argparse
import random
import resource
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/gs_aggregate_bench"
REPORT_PERIOD = "2025"
NEW_RESPONSES = 1000
PAGE_REQUESTS = 20
OWNER_EMAIL = "owner@aggregate-bench.example.org"
OWNER_PASSWORD = "aggregate-bench-owner-password-2026"
# All synthetic responses fall in [FIRST, LAST) Oslo time; the 1,000 new ones in the last month.
FIRST, LAST, NEW_FROM = "2025-01-01", "2026-05-01", "2026-04-01"

REFERENCE_QUERY = """
SELECT r.organisation_id, a.question_code, a.option_code,
       count(*), sum(a.number_value), sum(a.number_value * a.number_value)
FROM answer a JOIN response r ON r.id = a.response_id
WHERE r.status = 'complete' AND NOT r.is_test
GROUP BY 1, 2, 3
"""

TARGETS = {"ratio": 2.0, "snapshots": 10.0, "incremental": 2.0, "memory_mb": 1024.0, "page_ms": 100.0}

# (code, type, option count or (min, max) for numbers).
QUESTIONS = [
    ("age_group", "single_choice", 8),
    ("event_type", "single_choice", 6),
    ("first_visit", "single_choice", 2),
    ("visits_12m", "single_choice", 5),
    ("ticket_type", "single_choice", 6),
    ("gender", "single_choice", 4),
    ("came_with", "multiple_choice", 6),
    ("heard_about", "multiple_choice", 8),
    ("visit_reasons", "multiple_choice", 7),
    ("overall_experience", "rating", 5),
    ("staff", "rating", 5),
    ("venue", "rating", 5),
    ("value_for_money", "rating", 7),
    ("exp_absorbing", "slider", None),
    ("exp_well_made", "slider", None),
    ("exp_different", "slider", None),
    ("recommend", "nps", None),
    ("recommend_artform", "nps", None),
    ("party_size", "number", (1, 12)),
    ("travel_minutes", "number", (0, 180)),
]

SECTOR_WEIGHTS = {"theatre": 4, "history_museum": 4, "music_venue": 3, "festival": 3, "art_museum": 2}
FYLKE_WEIGHTS = {"03": 4, "46": 3, "32": 3, "50": 3, "11": 2}


def definition() -> dict:
    def text_of(code: str) -> dict:
        return {"nb": code.replace("_", " ").capitalize()}

    questions = []
    for code, kind, size in QUESTIONS:
        question = {"code": code, "type": kind, "text": text_of(code), "required": True, "locked": True}
        if kind in ("single_choice", "multiple_choice"):
            question["options"] = [
                {"code": f"{code[:20]}_{n}", "label": {"nb": f"Svar {n}"}} for n in range(1, size + 1)
            ]
        elif kind == "rating":
            question["scale"] = {"points": size, "labels": {1: {"nb": "Dårlig"}, size: {"nb": "Bra"}}}
        elif kind == "number":
            question["min"], question["max"] = size
        questions.append(question)
    return {
        "kind": "base",
        "code": "grunnskjema",
        "version": "2025.1",
        "title": {"nb": "Aggregeringsbenchmark"},
        "languages": ["nb"],
        "sections": [{"code": "visit", "title": {"nb": "Besøket"}, "questions": questions}],
    }


def question_rows(base: dict) -> list[dict]:
    """One row per question for the generator: the options, or the range of the number answered."""
    rows = []
    for position, question in enumerate(base["sections"][0]["questions"]):
        kind = question["type"]
        options = [option["code"] for option in question.get("options", [])]
        low, high = {
            "rating": (1, question.get("scale", {}).get("points")),
            "slider": (0, 100),
            "nps": (0, 10),
            "number": (question.get("min"), question.get("max")),
        }.get(kind, (None, None))
        rows.append(
            {
                "position": position,
                "code": question["code"],
                "kind": kind,
                "options": options,
                "lo": low,
                "hi": high,
            }
        )
    return rows


def create_app_for(url: str):
    from app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "aggregate-benchmark-secret-key-0123456789",
            "REDIS_URL": None,
            "BACKGROUND_RUNNER": False,
            "PUBLIC_BASE_URL": "http://localhost",
        }
    )


def weighted(rng: random.Random, codes: list[str], weights: dict[str, int]) -> str:
    return rng.choices(codes, weights=[weights.get(code, 1) for code in codes])[0]


def build_organisations(count: int, responses: int, seed: int) -> list[dict]:
    """Organisations with one published survey each; returns the generator's plan per survey."""
    from app.accounts.models import Membership, OrgRole
    from app.accounts.services import create_user
    from app.extensions import db
    from app.organisations.services import create_organisation, orgnr_check_digit
    from app.questionnaires.models import QuestionnaireVersion
    from app.questionnaires.validation import check_definition
    from app.reference.services import current_items, load_reference_data
    from app.surveys.services import new_survey_from_base, publish

    base_definition = definition()
    problems = check_definition(base_definition).problems
    if problems:
        raise SystemExit(f"the synthetic base questionnaire is invalid: {problems}")
    load_reference_data()
    base = QuestionnaireVersion(
        code="grunnskjema",
        version=base_definition["version"],
        sort_key=base_definition["version"],
        title=base_definition["title"],
        definition=base_definition,
        content_hash="aggregate-benchmark",
    )
    db.session.add(base)

    rng = random.Random(seed)
    sectors = [item["code"] for item in current_items("sector")]
    fylker = [item["code"] for item in current_items("fylke")]
    size_bands = [item["code"] for item in current_items("size_band")]
    # Log-normal sizes: most organisations are small, a few collect many times the median.
    weights = [rng.lognormvariate(0, 0.8) for _ in range(count)]
    shares = [responses * weight / sum(weights) for weight in weights]
    counts = [int(share) for share in shares]
    for index in sorted(range(count), key=lambda i: counts[i] - shares[i])[: responses - sum(counts)]:
        counts[index] += 1

    plan, number = [], 90_000_000
    for index in range(count):
        while (digit := orgnr_check_digit(str(number))) is None:
            number += 1
        organisation = create_organisation(
            name=f"Organisasjon {index + 1}",
            orgnr=f"{number}{digit}",
            sector=weighted(rng, sectors, SECTOR_WEIGHTS),
            fylke=weighted(rng, fylker, FYLKE_WEIGHTS),
            size_band=rng.choice(size_bands),
            is_member=rng.random() < 0.9,
        )
        number += 1
        survey, revision = new_survey_from_base(organisation, "Publikum 2025", base)
        collector = publish(survey, revision, "Nettside")
        plan.append(
            {
                "organisation_id": organisation.id,
                "survey_id": survey.id,
                "revision_id": revision.id,
                "collector_id": collector.id,
                "n": counts[index],
            }
        )
    largest = max(plan, key=lambda row: row["n"])
    owner = create_user(OWNER_EMAIL, OWNER_PASSWORD, name="Benchmark owner")
    db.session.add(Membership(user=owner, organisation_id=largest["organisation_id"], role=OrgRole.OWNER))
    db.session.commit()
    return plan


def insert_responses(connection, plan: list[dict], first: str, last: str, key_prefix: str) -> None:
    """Complete responses per the plan, submitted uniformly in [first, last) Oslo time, each with an
    answer to every question. Answers are skewed per organisation so that groups differ."""
    questions = question_rows(definition())
    connection.execute(
        text(
            "CREATE TEMP TABLE bench_plan (organisation_id int, survey_id int, revision_id int, "
            "collector_id int, n int, start_at bigint) ON COMMIT DROP"
        )
    )
    start = 0
    rows = []
    for row in plan:
        rows.append({**row, "start_at": start})
        start += row["n"]
    connection.execute(
        text(
            "INSERT INTO bench_plan VALUES "
            "(:organisation_id, :survey_id, :revision_id, :collector_id, :n, :start_at)"
        ),
        rows,
    )
    connection.execute(
        text(
            "CREATE TEMP TABLE bench_question (position int, code text, kind text, options text[], "
            "lo int, hi int) ON COMMIT DROP"
        )
    )
    connection.execute(
        text("INSERT INTO bench_question VALUES (:position, :code, :kind, :options, :lo, :hi)"), questions
    )
    before = connection.scalar(text("SELECT coalesce(max(id), 0) FROM response"))
    connection.execute(
        text(
            """
            INSERT INTO response (survey_id, survey_revision_id, collector_id, organisation_id, status,
                language, is_test, is_imported, submission_key, next_section, started_at, updated_at,
                submitted_at, duration_seconds)
            SELECT p.survey_id, p.revision_id, p.collector_id, p.organisation_id, 'complete', 'nb',
                false, false, :prefix || (p.start_at + g), 1, t.at - interval '6 minutes', t.at, t.at, 360
            FROM bench_plan p
            CROSS JOIN LATERAL generate_series(1, p.n) g
            CROSS JOIN LATERAL (
                SELECT timezone('Europe/Oslo', CAST(:first AS timestamp))
                    + random() * (timezone('Europe/Oslo', CAST(:last AS timestamp))
                                  - timezone('Europe/Oslo', CAST(:first AS timestamp))) + g * interval '0'
                    AS at
            ) t
            ORDER BY t.at
            """
        ),
        {"prefix": key_prefix, "first": first, "last": last},
    )
    # Each organisation leans its own way on every question: the exponent bends uniform draws
    # towards the first or the last options (or the low or high end of a scale).
    connection.execute(
        text(
            """
            INSERT INTO answer (response_id, question_code, option_code, number_value)
            SELECT r.id, q.code,
                CASE WHEN q.kind = 'single_choice'
                     THEN q.options[1 + floor(power(random(), l.lean) * cardinality(q.options))::int] END,
                CASE WHEN q.kind <> 'single_choice'
                     THEN q.lo + floor(power(random(), l.lean) * (q.hi - q.lo + 1)) END
            FROM response r CROSS JOIN bench_question q
            CROSS JOIN LATERAL (
                SELECT 0.5 + ((r.organisation_id * 31 + q.position * 17) % 11) / 10.0 AS lean
            ) l
            WHERE r.id > :before AND q.kind <> 'multiple_choice'
            """
        ),
        {"before": before},
    )
    # Multiple choice: one or two different options per response and question.
    connection.execute(
        text(
            """
            WITH picks AS MATERIALIZED (
                SELECT r.id, q.code, q.options,
                    1 + floor(power(random(), 0.5 + ((r.organisation_id * 31 + q.position * 17) % 11) / 10.0)
                              * cardinality(q.options))::int AS first_pick,
                    CASE WHEN random() < 0.5
                         THEN 1 + floor(random() * cardinality(q.options))::int END AS second_pick
                FROM response r CROSS JOIN bench_question q
                WHERE r.id > :before AND q.kind = 'multiple_choice'
            )
            INSERT INTO answer (response_id, question_code, option_code, ordinal)
            SELECT p.id, p.code, p.options[v.pick], v.ordinal
            FROM picks p
            CROSS JOIN LATERAL (VALUES (p.first_pick, 1),
                (CASE WHEN p.second_pick <> p.first_pick THEN p.second_pick END, 2)) v(pick, ordinal)
            WHERE v.pick IS NOT NULL
            """
        ),
        {"before": before},
    )


@contextmanager
def answer_indexes_dropped(connection):
    """Bulk-load practice: drop the answer table's constraints and indexes, rebuild them after."""
    constraints = connection.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'answer'::regclass ORDER BY contype = 'f'"
        )
    ).all()
    indexes = connection.execute(
        text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'answer' AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = 'answer'::regclass)"
        )
    ).all()
    for name, _ in indexes:
        connection.execute(text(f'DROP INDEX "{name}"'))
    for name, _ in reversed(constraints):
        connection.execute(text(f'ALTER TABLE answer DROP CONSTRAINT "{name}"'))
    yield
    connection.execute(text("SET maintenance_work_mem = '1GB'"))
    for name, definition_sql in constraints:
        connection.execute(text(f'ALTER TABLE answer ADD CONSTRAINT "{name}" {definition_sql}'))
    for _, index_sql in indexes:
        connection.execute(text(index_sql))


def generate(url: str, plan: list[dict]) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("SELECT setseed(0.42)"))
        with answer_indexes_dropped(connection):
            insert_responses(connection, plan, FIRST, LAST, "bench-")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
        counts = connection.execute(
            text("SELECT (SELECT count(*) FROM response), (SELECT count(*) FROM answer)")
        ).one()
    engine.dispose()
    return counts


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def log_in(client) -> None:
    from tests.support import csrf_token

    token = csrf_token(client.get("/login").text)
    reply = client.post(
        "/login", data={"email": OWNER_EMAIL, "password": OWNER_PASSWORD, "csrf_token": token}
    )
    if reply.status_code != 302:
        raise SystemExit(f"login failed with status {reply.status_code}")


def page_route(app) -> str | None:
    for rule in app.url_map.iter_rules():
        if rule.rule == "/org/<int:org_id>/benchmarks":
            return rule.rule
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DATABASE)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--organisations", type=int, default=500)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument(
        "--page-only",
        action="store_true",
        help="only time the comparison page, on a database kept by an earlier run with --keep",
    )
    args = parser.parse_args()

    from app.extensions import db
    from tests.support import recreate_postgres_database

    url = args.database_url
    if not args.page_only:
        recreate_postgres_database(url)
    app = create_app_for(url)
    try:
        if not args.page_only:
            with app.app_context():
                db.create_all()
                setup, plan = timed(
                    lambda: build_organisations(args.organisations, args.responses, args.seed)
                )
            generation, (responses, answers) = timed(lambda: generate(url, plan))
            print(
                f"generation: {responses:,} responses, {answers:,} answers, {args.organisations} "
                f"organisations in {setup + generation:.1f} s (organisations and surveys {setup:.1f} s, "
                f"responses and answers with indexes and VACUUM ANALYZE {generation:.1f} s)"
            )
            measure(app, plan)
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"peak memory (ru_maxrss of this process): {peak_mb:.0f} MB "
                f"(target < {TARGETS['memory_mb']:.0f} MB) {verdict(peak_mb < TARGETS['memory_mb'])}"
            )
        print(page_line(app))
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if not args.keep:
            drop_database(url)


def drop_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def measure(app, plan: list[dict]) -> None:
    from app.benchmarks.aggregation import aggregate_survey, rebuild_all_cells
    from app.benchmarks.models import BenchmarkCell, BenchmarkSnapshot
    from app.benchmarks.report import build_report
    from app.benchmarks.snapshots import compute_snapshots
    from app.extensions import db
    from app.organisations.models import Organisation

    with app.app_context():
        db.session.execute(text(REFERENCE_QUERY)).all()  # warm the cache for both measurements
        db.session.rollback()
        reference, groups = timed(lambda: db.session.execute(text(REFERENCE_QUERY)).all())
        db.session.rollback()

        def serial_reference():
            db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
            return db.session.execute(text(REFERENCE_QUERY)).all()

        serial, _ = timed(serial_reference)
        db.session.rollback()

        def rebuild():
            rebuild_all_cells()
            db.session.commit()

        rebuild_seconds, _ = timed(rebuild)
        cells = db.session.scalar(select_count(BenchmarkCell))
        ratio = rebuild_seconds / reference
        print(f"rebuild all sufficient statistics from scratch: {rebuild_seconds:.2f} s ({cells:,} cells)")
        print(
            f"reference query (plain GROUP BY, {len(groups):,} groups): {reference:.2f} s; "
            f"rebuild/reference {ratio:.2f}x (target <= {TARGETS['ratio']:.0f}x) "
            f"{verdict(ratio <= TARGETS['ratio'])}"
        )
        print(
            f"  (the reference query without parallel workers, as the rebuild's INSERT … SELECT runs: "
            f"{serial:.2f} s; rebuild/that {rebuild_seconds / serial:.2f}x)"
        )

        def snapshots():
            result = compute_snapshots()
            db.session.commit()
            return result

        snapshot_seconds, snapshot_report = timed(snapshots)
        snapshot_count = db.session.scalar(select_count(BenchmarkSnapshot))
        organisations = list(db.session.scalars(db.select(Organisation).order_by(Organisation.id)))
        with app.test_request_context():
            report_seconds, _ = timed(
                lambda: [build_report(organisation, REPORT_PERIOD, "nb") for organisation in organisations]
            )
        db.session.rollback()
        total = snapshot_seconds + report_seconds
        each_ms = report_seconds / len(organisations) * 1000
        print(
            f"snapshots and statistics, the nightly recompute (compute_snapshots + commit: every group's "
            f"totals and its members' sorted estimates): {snapshot_seconds:.2f} s ({snapshot_count:,} "
            f"snapshots, {snapshot_report.written:,} written) (target < {TARGETS['snapshots']:.0f} s) "
            f"{verdict(snapshot_seconds < TARGETS['snapshots'])}"
        )
        print(
            f"  the viewer's statistics (leave-one-out estimates, intervals, tests) are computed per page "
            f"view from the snapshots: the comparison report of all {len(organisations)} organisations for "
            f"{REPORT_PERIOD} takes {report_seconds:.2f} s ({each_ms:.1f} ms each); with the recompute "
            f"{total:.2f} s (< {TARGETS['snapshots']:.0f} s: {verdict(total < TARGETS['snapshots'])})"
        )

        largest = max(plan, key=lambda row: row["n"])
        with db.engine.begin() as connection:
            insert_responses(connection, [dict(largest, n=NEW_RESPONSES)], NEW_FROM, LAST, "bench-new-")

        def incremental():
            aggregate_survey(largest["survey_id"])
            db.session.commit()

        incremental_seconds, _ = timed(incremental)
        print(
            f"incremental update, {NEW_RESPONSES:,} new responses at one organisation "
            f"(its survey now {largest['n'] + NEW_RESPONSES:,} responses): {incremental_seconds:.2f} s "
            f"(target < {TARGETS['incremental']:.0f} s) "
            f"{verdict(incremental_seconds < TARGETS['incremental'])}"
        )
        db.session.remove()


def select_count(model):
    from sqlalchemy import func, select

    return select(func.count()).select_from(model)


def page_line(app) -> str:
    """GET the comparison page of the owner's organisation (the largest) as the owner, in-process."""
    from sqlalchemy import select

    from app.accounts.models import Membership, User
    from app.extensions import db

    label = "comparison page render time from snapshots"
    if page_route(app) is None:
        return f"{label}: the page /org/<org_id>/benchmarks does not exist yet"
    with app.app_context():
        organisation_id = db.session.scalar(
            select(Membership.organisation_id).join(User).where(User.email == OWNER_EMAIL)
        )
    client = app.test_client()
    log_in(client)
    path = f"/org/{organisation_id}/benchmarks?period={REPORT_PERIOD}"
    durations = []
    for _ in range(PAGE_REQUESTS + 1):
        started = time.perf_counter()
        reply = client.get(path)
        durations.append(time.perf_counter() - started)
        if reply.status_code != 200:
            return f"{label}: GET {path} answered {reply.status_code}"
    # The first request fills the app's caches (templates, translations) and is left out.
    durations = durations[1:]
    median_ms = statistics.median(durations) * 1000
    return (
        f"{label} (GET /org/<org_id>/benchmarks?period={REPORT_PERIOD} as an owner, in-process test "
        f"client): median {median_ms:.1f} ms of {PAGE_REQUESTS}, slowest {max(durations) * 1000:.1f} ms "
        f"(target < {TARGETS['page_ms']:.0f} ms) {verdict(median_ms < TARGETS['page_ms'])}"
    )


if __name__ == "__main__":
    main()
