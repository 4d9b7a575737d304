"""What one statement of the quiz's hot path costs an API worker's CPU, by the way it reaches
PostgreSQL: the measurement behind the next step for the quiz API's speed
(docs/benchmarks.md, "Where the time goes").

    .venv/bin/python -m loadtests.bench_driver              # 4,000 calls, 8 at a time
    .venv/bin/python -m loadtests.bench_driver --calls 20000 --concurrency 16

The statement is the first read of starting an attempt (``load_starter``: a participant with
their school and attempts) for a random participant among ``--participants``, in a database
of its own (``bench_driver``, dropped at the end). ``--concurrency`` coroutines call it on
one event loop (uvloop), as a worker's requests do, through:

1. SQLAlchemy Core and psycopg, handed to the thread pool: today's hot path (sync routes);
2. the same, called in the event loop (blocks the loop: for the split only);
3. psycopg without SQLAlchemy, in the event loop (blocks it too);
4. SQLAlchemy's asyncio engine on asyncpg;
5. asyncpg directly.

Each way runs twice, alternating; the better run counts. Prints calls per second and this
process's CPU time per call, and the ratio of way 1's CPU to each. Exits 1 when neither
non-blocking way (4, 5) costs at most 1 / ``--min-ratio`` (default 3) of way 1: the premise
of the next step in docs/benchmarks.md would then be wrong.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from loadtests.bench_reports import DEFAULT_SERVER, log

ROOT = Path(__file__).resolve().parent.parent

Call = Callable[[int], Awaitable[object]]


@dataclass(frozen=True)
class Figure:
    way: str
    calls_per_second: float
    cpu_us_per_call: float


async def _measure(way: str, call: Call, calls: int, concurrency: int, ids: int) -> Figure:
    rng = random.Random(7)
    per_task = calls // concurrency

    async def caller() -> None:
        for _ in range(per_task):
            await call(rng.randint(1, ids))

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(caller() for _ in range(concurrency)))
    done = per_task * concurrency
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return Figure(way, done / wall, 1e6 * cpu / done)


async def _run(url: str, calls: int, concurrency: int, participants: int) -> list[Figure]:
    import anyio.to_thread
    import asyncpg
    from sqlalchemy.ext.asyncio import create_async_engine

    from quiz_api.core.config import Settings
    from quiz_api.db.engine import hot_connection, make_engine
    from quiz_api.services.attempts import _STARTER, load_starter

    engine = make_engine(Settings(database_url=url))
    pool_size = concurrency
    async_engine = create_async_engine(
        make_url(url).set(drivername="postgresql+asyncpg"), pool_size=pool_size
    )
    plain_url = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    pool = await asyncpg.create_pool(plain_url, min_size=pool_size, max_size=pool_size)
    psycopg_sql = str(_STARTER.compile(dialect=engine.dialect))
    asyncpg_sql = psycopg_sql.replace("%(participant_id)s", "$1")

    def core(participant_id: int) -> object:
        with hot_connection(engine) as connection:
            return load_starter(connection, participant_id)

    def psycopg_only(participant_id: int) -> object:
        record = engine.pool.connect()
        try:
            driver = record.driver_connection
            assert driver is not None
            driver.autocommit = True
            with driver.cursor() as cursor:
                cursor.execute(psycopg_sql, {"participant_id": participant_id}, prepare=True)
                return cursor.fetchall()
        finally:
            record.close()

    async def core_in_thread(participant_id: int) -> object:
        return await anyio.to_thread.run_sync(core, participant_id)

    async def core_in_loop(participant_id: int) -> object:
        return core(participant_id)

    async def psycopg_in_loop(participant_id: int) -> object:
        return psycopg_only(participant_id)

    async def sqlalchemy_asyncpg(participant_id: int) -> object:
        async with async_engine.connect() as connection:
            result = await connection.execute(_STARTER, {"participant_id": participant_id})
            return result.all()

    async def asyncpg_direct(participant_id: int) -> object:
        async with pool.acquire() as connection:
            return await connection.fetch(asyncpg_sql, participant_id)

    ways: dict[str, Call] = {
        "1 Core + psycopg, thread pool (today)": core_in_thread,
        "2 Core + psycopg, in the loop*": core_in_loop,
        "3 psycopg alone, in the loop*": psycopg_in_loop,
        "4 SQLAlchemy asyncio + asyncpg": sqlalchemy_asyncpg,
        "5 asyncpg": asyncpg_direct,
    }
    best: dict[str, Figure] = {}
    try:
        for call in ways.values():  # warm: connections, prepared statements, caches
            await _measure("warm-up", call, concurrency * 20, concurrency, 100)
        for _ in range(2):
            for way, call in ways.items():
                figure = await _measure(way, call, calls, concurrency, participants)
                if way not in best or figure.cpu_us_per_call < best[way].cpu_us_per_call:
                    best[way] = figure
    finally:
        await pool.close()
        await async_engine.dispose()
        engine.dispose()
    return list(best.values())


def _fill(url: str, participants: int) -> None:
    from loadtests.harness.database import prepare_database

    prepare_database(url, ROOT / "content", [])
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO participant (campaign_id, track, lang, day, created_at) "
                "SELECT id, 'adult', 'zh', '2026-06-10', now() FROM campaign, "
                "generate_series(1, :n)"
            ),
            {"n": participants},
        )
    engine.dispose()


app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command(help=__doc__.split("\n\n")[0])
def main(
    server: Annotated[str, typer.Option(help="PostgreSQL server URL")] = DEFAULT_SERVER,
    database: str = "bench_driver",
    participants: int = 20_000,
    calls: Annotated[int, typer.Option(help="timed calls of each way")] = 4_000,
    concurrency: int = 8,
    min_ratio: float = 3.0,
) -> None:
    try:
        import asyncpg  # noqa: F401
        import uvloop
    except ImportError as exc:
        print(f"{exc.name} is not installed: pip install -e '.[dev]'", file=sys.stderr)
        raise typer.Exit(2) from exc

    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    url = make_url(server).set(database=database)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        log(f"filling {database}: the shipped content, {participants:,} participants")
        _fill(url.render_as_string(hide_password=False), participants)
        log(f"{calls:,} calls of each way, {concurrency} at a time, twice")
        figures = uvloop.run(
            _run(url.render_as_string(hide_password=False), calls, concurrency, participants)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()

    today = figures[0].cpu_us_per_call
    print(f"\n{'way':<40} {'calls/s':>9} {'CPU µs/call':>12} {'vs today':>9}")
    for figure in figures:
        ratio = today / figure.cpu_us_per_call
        print(
            f"{figure.way:<40} {figure.calls_per_second:>9,.0f} "
            f"{figure.cpu_us_per_call:>12,.0f} {ratio:>8.1f}×"
        )
    print("* blocks the event loop while the database answers: for the split only")
    best = max(today / f.cpu_us_per_call for f in figures[3:])
    if best < min_ratio:
        print(f"FAILED: the best non-blocking way is {best:.1f}× cheaper, not {min_ratio}×")
        raise typer.Exit(1)
    print(f"PASSED: a non-blocking way is {best:.1f}× cheaper than today's (≥ {min_ratio}×)")


if __name__ == "__main__":
    app()
