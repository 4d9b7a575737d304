"""The daily question's staff report at city scale: fill a database of its own with a month
of daily answers (default 300,000: 10,000 a day over 30 days, 1,500 schools in 16
districts), time the report of the city, of a district and of a school (the service, as the
route calls it), print the figures, and exit 1 when the city's month takes 1 s or more
(median of the timed runs).

    .venv/bin/python -m loadtests.bench_daily_report                     # PostgreSQL
    .venv/bin/python -m loadtests.bench_daily_report --backend sqlite
    .venv/bin/python -m loadtests.bench_daily_report --answers 1000000

The rows are generated inside the database (one INSERT ... SELECT, day by day as they are
written), then ANALYZE. The report reads ``daily_answer`` alone, so the participant and
question ids the rows name are not created (foreign keys are not checked while filling:
PostgreSQL's ``session_replication_role = replica``, SQLite's default). Every tenth answer
is an adult's who named a district, two in ten an adult's who did not, three a primary
student's, four a secondary student's. The database is dropped (PostgreSQL) or deleted
(SQLite) at the end.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import create_engine, text

from loadtests.bench_reports import DEFAULT_SERVER, bench_database, log

CITY_LIMIT_S = 1.0
DAYS = 30
FIRST = date(2026, 6, 1)
DISTRICT_COUNT = 16

# One statement per backend; :n rows, :schools schools. ``k`` = the answer's kind (n % 10).
_SELECT = """
    SELECT n, {day}, CASE WHEN n % 10 < 3 THEN 'adult' WHEN n % 10 < 6 THEN 'primary'
               ELSE 'secondary' END,
           1, '[0]', (n % 7) < 5,
           CASE WHEN n % 10 = 0 OR n % 10 >= 3 THEN 'D' || ((n / 10) % :schools % 16) END,
           CASE WHEN n % 10 >= 3 THEN 'B' || ((n / 10) % :schools) END,
           {answered_at}
    FROM {series}
"""
_INSERT = (
    "INSERT INTO daily_answer (participant_id, day, audience, question_version_id, choices,"
    " correct, district, school_code, answered_at)"
)
POSTGRES = _INSERT + _SELECT.format(
    day="to_char(date '2026-06-01' + (n * 30 / :n)::int, 'YYYY-MM-DD')",
    answered_at="timestamptz '2026-06-01 02:00+00' + (n * 30 / :n) * interval '1 day'",
    series="generate_series(0, :n - 1) AS n",
)
SQLITE = (
    "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < :n - 1) "
    + _INSERT
    + _SELECT.format(
        day="date('2026-06-01', '+' || (n * 30 / :n) || ' days')",
        answered_at="datetime('2026-06-01 02:00:00', '+' || (n * 30 / :n) || ' days')",
        series="seq",
    )
)


def generate(url: str, answers: int, schools: int) -> float:
    engine = create_engine(url)
    started = time.perf_counter()
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgres:
            connection.execute(text("SET session_replication_role = replica"))
        for s in range(schools):
            connection.execute(
                text("INSERT INTO school (code, name, district, level) VALUES (:c, :c, :d, :l)"),
                {"c": f"B{s}", "d": f"D{s % DISTRICT_COUNT}", "l": "junior"},
            )
        connection.execute(
            text(POSTGRES if postgres else SQLITE), {"n": answers, "schools": schools}
        )
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    engine.dispose()
    return time.perf_counter() - started


app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command(help=__doc__.split("\n\n")[0])
def main(
    backend: Annotated[str, typer.Option(help="postgres or sqlite")] = "postgres",
    server: Annotated[str, typer.Option(help="PostgreSQL server URL")] = DEFAULT_SERVER,
    database: str = "bench_daily_report",
    answers: int = 300_000,
    school_count: Annotated[int, typer.Option("--schools")] = 1500,
    runs: int = 7,
) -> None:
    from alembic import command
    from sqlmodel import Session

    from quiz_api.core.config import Settings
    from quiz_api.db.engine import make_engine
    from quiz_api.db.migrate import alembic_config
    from quiz_api.db.models import StaffRole
    from quiz_api.services.daily_report import daily_report
    from quiz_api.services.schools import District
    from quiz_api.services.scope import Area, StaffScope

    with ExitStack() as cleanup:
        if backend == "sqlite":
            folder = cleanup.enter_context(tempfile.TemporaryDirectory())
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            command.upgrade(alembic_config(url), "head")
        else:
            url = cleanup.enter_context(bench_database(server, database, fresh=True, keep=False))
        log(f"generating {answers:,} daily answers over {DAYS} days ({backend})")
        log(f"  filled in {generate(url, answers, school_count):.1f} s")
        districts = tuple(
            District(f"d{i}", {lang: f"D{i}" for lang in ("zh", "en", "ko", "ja")})
            for i in range(DISTRICT_COUNT)
        )
        settings = Settings(env="test", database_url=url, secret_key="bench-" + "x" * 40)
        engine = make_engine(settings)
        last = date(2026, 6, DAYS)
        city = StaffScope(StaffRole.city)
        school = school_count // 3
        cases = [
            ("city, 30 days", city),
            ("district, 30 days", StaffScope(StaffRole.district, Area(district="D3"))),
            (
                "school, 30 days",
                StaffScope(StaffRole.school, Area(f"D{school % DISTRICT_COUNT}", f"B{school}")),
            ),
        ]
        status = 0
        for name, scope in cases:
            timings = []
            total = 0
            for _run in range(runs):
                with Session(engine) as session:
                    started = time.perf_counter()
                    report = daily_report(session, districts, scope, last, FIRST, last)
                    timings.append(time.perf_counter() - started)
                total = report.unit.totals.total.answers or 0
            median = statistics.median(timings)
            log(
                f"{name:<20} median {median * 1000:7.1f} ms   max {max(timings) * 1000:7.1f} ms"
                f"   ({total:,} answers)"
            )
            if scope is city and median >= CITY_LIMIT_S:
                status = 1
        engine.dispose()
    raise typer.Exit(status)


if __name__ == "__main__":
    app()
