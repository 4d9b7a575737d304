"""Ranks at city scale: the rank a submission shows, counted in PostgreSQL and read from
Redis's sorted sets (quiz_api/integrations/ranks.py), for participants at the top, the middle and the
bottom of a board of about 400,000 (the 2024 campaign had over 490,000 participants).

    .venv/bin/python -m loadtests.bench_ranks                # 500,000 students
    .venv/bin/python -m loadtests.bench_ranks --students 50000 --attempts 50000

The data comes from the city-scale reports benchmark (``bench_reports.generate``) in a
database of its own (default ``bench_ranks``, dropped at the end unless ``--keep``); Redis
keys live under a namespace of their own and are deleted at the end. Prints the time of a
full rebuild of the boards from ``best_score`` and, for each position, the median time of
both ways with their ratio. Exits 1 when the two ways disagree on a rank, or when a rank
from Redis takes ``--limit-ms`` (5) or more.
"""

from __future__ import annotations

import statistics
import time
from typing import Annotated, Any

import typer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from loadtests.bench_reports import CAMPAIGN, DEFAULT_SERVER, generate, log

POSITIONS = (0.0, 0.25, 0.5, 0.75, 1.0)  # of the board, best first


def median_ms(call: Any, runs: int) -> tuple[float, Any]:
    times, answer = [], None
    for _ in range(runs):
        start = time.perf_counter()
        answer = call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), answer


app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command(help=__doc__.split("\n\n")[0])
def main(
    server: Annotated[str, typer.Option(help="PostgreSQL server URL")] = DEFAULT_SERVER,
    redis: str = "redis://127.0.0.1:6379/0",
    database: str = "bench_ranks",
    schools: int = 1500,
    students: int = 500_000,
    attempts: int = 500_000,
    runs: Annotated[int, typer.Option(help="timed runs of each database count")] = 5,
    limit_ms: float = 5.0,
    keep: Annotated[bool, typer.Option("--keep", help="keep the database afterwards")] = False,
) -> None:

    from alembic import command

    from quiz_api.core.config import Settings
    from quiz_api.db.engine import hot_connection, make_engine
    from quiz_api.db.migrate import alembic_config
    from quiz_api.integrations.ranks import RankIndex
    from quiz_api.services.leaderboards import count_rank

    url = make_url(server).set(database=database).render_as_string(False)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    command.upgrade(alembic_config(url), "head")
    log(f"generating {students:,} students, {attempts:,} attempts in {database}")
    generate(url, schools, students, attempts)

    engine = make_engine(Settings(env="test", database_url=url, secret_key="bench-" + "x" * 40))
    index = RankIndex(redis, namespace=f"bench-{database}")
    index.forget()
    failed = False
    try:
        start = time.perf_counter()
        index.rebuild(engine, CAMPAIGN, "student")
        log(f"rebuilt the boards from best_score in {time.perf_counter() - start:.1f} s")
        with hot_connection(engine) as connection:
            ordered = connection.execute(
                text(
                    "SELECT participant_id FROM best_score WHERE campaign_id = :c AND track = "
                    "'student' ORDER BY score DESC, duration_ms, achieved_at, participant_id"
                ),
                {"c": CAMPAIGN},
            ).scalars()
            ranked = list(ordered)
            log(f"board: {len(ranked):,} participants")
            print(f"{'position':>9} {'rank':>9} {'database ms':>12} {'redis ms':>9} {'ratio':>7}")
            for position in POSITIONS:
                pid = ranked[min(len(ranked) - 1, int(position * (len(ranked) - 1)))]
                db_ms, db_rank = median_ms(lambda p=pid: count_rank(connection, p), runs)
                redis_ms, redis_rank = median_ms(lambda p=pid: index.rank(connection, p), 50)
                agree = db_rank == redis_rank
                print(
                    f"{position:>9.0%} {db_rank:>9,} {db_ms:>12.1f} {redis_ms:>9.2f} "
                    f"{db_ms / redis_ms:>6.0f}x{'' if agree else '  DISAGREE: ' + str(redis_rank)}"
                )
                failed |= not agree or redis_ms >= limit_ms
    finally:
        index.forget()
        engine.dispose()
        if not keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
    log("FAILED: a rank disagreed or was too slow" if failed else "all ranks agree, within limit")
    raise typer.Exit(1 if failed else 0)


if __name__ == "__main__":
    app()
