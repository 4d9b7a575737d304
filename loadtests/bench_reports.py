"""Reports at city scale: generate 1,500 schools, 500,000 students and 2,000,000 attempts in
a PostgreSQL database of its own, then time the city report and school reports through the
API (staff login, JSON answer), print the figures, and exit 1 when the city report takes
1 s or more or a school report 100 ms or more (median of the timed runs).

    .venv/bin/python -m loadtests.bench_reports                  # full size
    .venv/bin/python -m loadtests.bench_reports --students 50000 --attempts 200000 --schools 150

The rows are generated inside PostgreSQL (INSERT ... SELECT over generate_series: batched,
no per-row round trips) in the order a campaign writes them (day by day, so that a day's
rows sit together as they do on a live database), then VACUUM ANALYZE, as autovacuum does.
The reports are asked on the campaign's last day: the city report reads that day live and
the 29 days before from its cache of past days; the run also times the city report with
that cache empty (the first city report of a worker process) and during the cache's
background refresh (every ten minutes).
The database (default ``bench_reports``) is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from quiz_api.db.models import StaffRole

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CITY_LIMIT_S = 1.0
SCHOOL_LIMIT_S = 0.100
CAMPAIGN = "bench-2026"
PASSWORD = "bench-password-123"
LAST_DAY_NOON = datetime(2026, 6, 30, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
_TEXT = {"zh": "基准", "en": "bench", "ko": "벤치", "ja": "ベンチ"}
_RULES = {
    "time_limit_seconds": 600,
    "pass_mark": 60,
    "attempts_per_day": 3,
    "attempts_total": 10,
    "draw": [{"category": "law", "difficulty": "easy", "count": 20}],
}
CAMPAIGN_CONFIG = json.dumps(
    {
        "id": CAMPAIGN,
        "name": _TEXT,
        "description": _TEXT,
        "timezone": "Asia/Shanghai",
        "starts_at": "2026-06-01T00:00:00+08:00",
        "ends_at": "2026-06-30T23:59:59+08:00",
        "tracks": {"student": _RULES},
    },
    ensure_ascii=True,
)


def log(message: str) -> None:
    print(message, flush=True)


def generate(url: str, schools: int, students: int, attempts: int) -> dict[str, float]:
    """Fill the (migrated, empty) database; returns seconds per step."""
    engine = create_engine(url)
    took: dict[str, float] = {}
    # Participants with at least one attempt: 80 % of the students, attempts spread evenly.
    active = max(1, students * 4 // 5)
    steps: list[tuple[str, str]] = [
        (
            "campaign",
            f"""INSERT INTO campaign (id, version, content_hash, name, timezone, starts_at,
                ends_at, config, updated_at)
            VALUES ('{CAMPAIGN}', 1, 'x', '{{"zh": "bench"}}', 'Asia/Shanghai',
                '2026-06-01T00:00:00+08', '2026-06-30T23:59:59+08', '{CAMPAIGN_CONFIG}', now())""",
        ),
        (
            "schools",
            f"""INSERT INTO school (code, name, district, level)
            SELECT 'B' || lpad(s::text, 5, '0'), '基准学校' || s || ' (bench)',
                (ARRAY['黄浦区','徐汇区','长宁区','静安区','普陀区','虹口区','杨浦区','闵行区',
                       '宝山区','嘉定区','浦东新区','金山区','松江区','青浦区','奉贤区','崇明区']
                )[1 + s % 16],
                'junior'
            FROM generate_series(0, {schools - 1}) s""",
        ),
        # 12 classes a school: grades 6-9, classes 1-3; enrolment around the registrations
        # so that some classes are below target and a few above 100 %.
        (
            "classes",
            f"""INSERT INTO school_class (school_code, grade, class_name, enrolled)
            SELECT 'B' || lpad(s::text, 5, '0'), 6 + c / 3, (1 + c % 3) || '班',
                ceil({students}::numeric / {schools} / 12 * (0.95 + ((s * 7 + c * 13) % 20) / 100.0))
            FROM generate_series(0, {schools - 1}) s, generate_series(0, 11) c""",
        ),
        (
            "participants",
            f"""INSERT INTO participant (id, campaign_id, track, lang, nickname, school_code,
                district, grade, class_name, day, created_at)
            SELECT g, '{CAMPAIGN}', 'student', 'zh', 'n' || g,
                'B' || lpad((g % {schools})::text, 5, '0'),
                (ARRAY['黄浦区','徐汇区','长宁区','静安区','普陀区','虹口区','杨浦区','闵行区',
                       '宝山区','嘉定区','浦东新区','金山区','松江区','青浦区','奉贤区','崇明区']
                )[1 + (g % {schools}) % 16],
                6 + ((g / {schools}) % 12) / 3, (1 + ((g / {schools}) % 12) % 3) || '班',
                '2026-06-' || lpad((1 + (g - 1) * 30 / {students})::text, 2, '0'),
                timestamptz '2026-06-01T00:00:00+08' + ((g - 1) * 30 / {students}) * interval '1 day'
            FROM generate_series(1, {students}) g""",
        ),
        (
            "attempts",
            f"""INSERT INTO attempt (id, participant_id, campaign_id, track, attempt_no, status,
                lang, started_at, deadline, day, paper)
            SELECT g, 1 + g % {active}, '{CAMPAIGN}', 'student', 1 + g / {active},
                CASE WHEN g % 20 = 0 THEN 'expired' ELSE 'submitted' END, 'zh',
                timestamptz '2026-06-01T02:00:00Z' + (g::bigint * 30 / {attempts}) * interval '1 day',
                timestamptz '2026-06-01T02:10:00Z' + (g::bigint * 30 / {attempts}) * interval '1 day',
                '2026-06-' || lpad((1 + g::bigint * 30 / {attempts})::text, 2, '0'), '{{}}'
            FROM generate_series(0, {attempts - 1}) g""",
        ),
        (
            "results",
            """INSERT INTO result (attempt_id, participant_id, campaign_id, track, school_code,
                district, score, max_score, correct_count, question_count, duration_ms, passed,
                late, submitted_at, day, answers_hash, answers)
            SELECT a.id, a.participant_id, a.campaign_id, a.track, p.school_code, p.district,
                (a.id::bigint * 37) % 101, 100, ((a.id::bigint * 37) % 101) / 5, 20,
                60000 + (a.id::bigint * 7919) % 500000, (a.id::bigint * 37) % 101 >= 60, false,
                a.started_at + interval '5 minutes', a.day, md5(a.id::text), '{}'
            FROM attempt a JOIN participant p ON p.id = a.participant_id
            WHERE a.status = 'submitted' ORDER BY a.id""",
        ),
        (
            "best scores",
            """INSERT INTO best_score (participant_id, campaign_id, track, school_code, district,
                score, duration_ms, achieved_at, attempt_id)
            SELECT DISTINCT ON (participant_id) participant_id, campaign_id, track, school_code,
                district, score, duration_ms, submitted_at, attempt_id
            FROM result ORDER BY participant_id, score DESC, duration_ms, submitted_at""",
        ),
    ]
    with engine.begin() as connection:
        for name, sql in steps:
            start = time.perf_counter()
            rows = connection.execute(text(sql)).rowcount
            took[name] = time.perf_counter() - start
            log(f"  {name:<13} {rows:>10,} rows  {took[name]:6.1f} s")
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    with autocommit.connect() as connection:
        start = time.perf_counter()
        connection.execute(text("VACUUM ANALYZE"))
        took["vacuum analyze"] = time.perf_counter() - start
        log(f"  vacuum analyze {took['vacuum analyze']:17.1f} s")
    engine.dispose()
    return took


def timed(call: Any, runs: int) -> list[float]:
    call()  # warm-up: connection pool, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def staff_accounts(
    engine: Engine, accounts: Sequence[tuple[str, StaffRole, str | None]], now: datetime
) -> None:
    """Make these staff accounts (username, role, school), each with ``PASSWORD``; school
    and city accounts name no district."""
    from quiz_api.db.engine import session_scope
    from quiz_api.services.staff import create_account

    with session_scope(engine) as session:
        for username, role, school in accounts:
            create_account(
                session,
                username=username,
                password=PASSWORD,
                role=role,
                school_code=school,
                district=None,
                now=now,
                districts=(),
            )


def staff_headers(client: TestClient, username: str) -> dict[str, str]:
    """Sign in as ``username`` (``PASSWORD``): the bearer header of its token."""
    response = client.post("/api/v1/staff/token", json={"username": username, "password": PASSWORD})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@contextmanager
def bench_database(server: str, database: str, *, fresh: bool, keep: bool) -> Iterator[str]:
    """The URL of a database of the benchmark's own on the PostgreSQL server: made anew and
    migrated when ``fresh`` (else an existing one is timed again), dropped after unless
    ``keep``."""
    from alembic import command

    from quiz_api.db.migrate import alembic_config

    url = make_url(server).set(database=database).render_as_string(False)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        if fresh:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{database}"'))
            command.upgrade(alembic_config(url), "head")
        yield url
        if not keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    finally:
        admin.dispose()


app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command(help=__doc__.split("\n\n")[0])
def main(
    server: Annotated[str, typer.Option(help="PostgreSQL server URL")] = DEFAULT_SERVER,
    database: str = "bench_reports",
    school_count: Annotated[int, typer.Option("--schools")] = 1500,
    students: int = 500_000,
    attempts: int = 2_000_000,
    runs: int = 7,
    keep: Annotated[bool, typer.Option("--keep", help="keep the database afterwards")] = False,
    reuse: Annotated[bool, typer.Option("--reuse", help="time an existing database")] = False,
) -> None:

    from fastapi.testclient import TestClient

    from quiz_api.api.app import create_app
    from quiz_api.api.deps import get_now
    from quiz_api.core.config import Settings
    from quiz_api.db.engine import make_engine
    from quiz_api.db.models import StaffRole
    from quiz_api.services import reports

    cleanup = ExitStack()  # the database goes when the figures are in (unless --keep)
    url = cleanup.enter_context(bench_database(server, database, fresh=not reuse, keep=keep))
    if not reuse:
        log(
            f"generating {school_count:,} schools, {students:,} students, "
            f"{attempts:,} attempts in {database}"
        )
        generate(url, school_count, students, attempts)

    settings = Settings(env="test", database_url=url, secret_key="bench-" + "x" * 40)
    updater = create_engine(url)
    with updater.begin() as connection:  # a database made by an older version of this script
        connection.execute(
            text("UPDATE campaign SET config = :config WHERE id = :id"),
            {"config": CAMPAIGN_CONFIG, "id": CAMPAIGN},
        )
    updater.dispose()
    engine = make_engine(settings)
    schools = [f"B{n:05d}" for n in (0, school_count // 3, school_count // 2, school_count - 1)]
    now = datetime.now(UTC)
    suffix = f"-{int(now.timestamp())}"
    staff_accounts(
        engine,
        [("bench-city" + suffix, StaffRole.city, None)]
        + [(f"bench-{code}{suffix}", StaffRole.school, code) for code in schools],
        now,
    )
    engine.dispose()  # the accounts are made; the app makes its own engine from the settings
    app = create_app(settings)
    # The last day of the campaign: the city report reads that day's rows live (1/30 of the
    # data) and the 29 days before from its cache of past days.
    app.dependency_overrides[get_now] = lambda: LAST_DAY_NOON
    status = 0
    with TestClient(app) as client:

        def login(username: str) -> dict[str, str]:
            return staff_headers(client, username + suffix)

        def get(path: str, headers: dict[str, str]) -> Any:
            response = client.get(path, params={"campaign": CAMPAIGN}, headers=headers)
            response.raise_for_status()
            return response.json()

        past_days = client.app_state["resources"].past_days
        city_headers = login("bench-city")
        city = get("/api/v1/reports/city", city_headers)
        cold_times = []  # past days read again (once per worker every ten minutes)
        for _ in range(3):
            past_days.clear()
            start = time.perf_counter()
            get("/api/v1/reports/city", city_headers)
            cold_times.append(time.perf_counter() - start)
        city_times = timed(lambda: get("/api/v1/reports/city", city_headers), runs)
        refresh_times = []  # requests answered while the sums are refreshed in the background
        for _ in range(3):
            past_days.age(reports.PAST_TTL)
            start = time.perf_counter()
            get("/api/v1/reports/city", city_headers)
            refresh_times.append(time.perf_counter() - start)
            past_days.wait_for_refreshes()
        school_times: list[float] = []
        per_school: dict[str, float] = {}
        for code in schools:
            headers = login(f"bench-{code}")
            path = f"/api/v1/reports/schools/{code}"
            times = timed(lambda p=path, h=headers: get(p, h), runs)
            per_school[code] = statistics.median(times)
            school_times += times

    totals = city["totals"]
    city_median = statistics.median(city_times)
    school_median = statistics.median(school_times)
    log(
        f"city: {totals['enrolled']:,} enrolled, {totals['registered']:,} registered, "
        f"{totals['completed']:,} completed, {totals['attempts']:,} finished attempts, "
        f"{len(city['schools']):,} schools"
    )
    log(
        f"city report:   median {city_median * 1000:7.1f} ms  (min {min(city_times) * 1000:.1f},"
        f" max {max(city_times) * 1000:.1f}; {len(city_times)} runs)  limit {CITY_LIMIT_S * 1000:.0f} ms"
    )
    log(
        f"city report, first of a worker (past days summed): median "
        f"{statistics.median(cold_times) * 1000:.1f} ms (min {min(cold_times) * 1000:.1f}, "
        f"max {max(cold_times) * 1000:.1f}; {len(cold_times)} runs)"
    )
    log(
        f"city report during a background refresh: median "
        f"{statistics.median(refresh_times) * 1000:.1f} ms (max {max(refresh_times) * 1000:.1f})"
    )
    log(
        f"school report: median {school_median * 1000:7.1f} ms  (min {min(school_times) * 1000:.1f},"
        f" max {max(school_times) * 1000:.1f}; {len(school_times)} runs over {len(schools)} schools)"
        f"  limit {SCHOOL_LIMIT_S * 1000:.0f} ms"
    )
    slowest = max(per_school, key=lambda c: per_school[c])
    log(f"slowest school: {slowest} median {per_school[slowest] * 1000:.1f} ms")
    log(f"ratio city / school: {city_median / school_median:.1f}")
    load = os.getloadavg()
    log(
        f"load average during the run: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} ({os.cpu_count()} cores)"
    )
    if city_median >= CITY_LIMIT_S:
        log("FAIL: the city report takes 1 s or more")
        status = 1
    if per_school[slowest] >= SCHOOL_LIMIT_S:
        log("FAIL: a school report takes 100 ms or more")
        status = 1
    cleanup.close()
    raise typer.Exit(status)


if __name__ == "__main__":
    app()
