"""``python -m loadtests run SCENARIO``: a fresh database, migrated and filled with the shipped
content, the server in production mode on loopback (several workers, Redis), locust headless
with CSV and HTML reports in ``loadtests/reports/``, and a non-zero exit when a limit is
broken. ``--compare-noop`` adds the efficiency ratio; ``--chaos`` the crash test.

The ``run`` command only reads and checks its command line into ``RunOptions``; the group's
result callback runs them (``loadtests.harness.run``). So ``parse`` reads a command line as
the command does, refusals included, without starting anything."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer

from loadtests.common.config import Limits
from loadtests.common.cpu import seconds_of
from loadtests.harness.chaos import ChaosPlan
from loadtests.harness.chaos import Kind as ChaosKind
from loadtests.harness.database import Database
from loadtests.harness.locust import LoadPlan, scenario_names
from loadtests.harness.run import RunOptions, run_scenario
from loadtests.harness.server import Kind as ServerKind
from loadtests.harness.server import ServerPlan, free_ports
from loadtests.nginx import NGINX


def execute(options: RunOptions) -> None:
    """The group's result callback: runs what a command returned, exits with its code."""
    raise typer.Exit(run_scenario(options))


app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    result_callback=execute,
)


@app.callback()
def loadtests() -> None:
    """Load tests of the quiz API."""  # a group, so that the one command keeps its name `run`


def _scenario(name: str) -> str:
    names = scenario_names()
    if name not in names:
        raise typer.BadParameter(f"{name!r} is not one of {', '.join(names)}")
    return name


def _run_time(span: str) -> str:
    try:
        seconds_of(span)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    return span


@app.command("run", help="run a scenario against a fresh production-mode server")
def run(
    scenario: Annotated[
        str,
        typer.Argument(
            callback=_scenario,
            help=f"a locustfile of loadtests/scenarios/: {', '.join(scenario_names())}",
        ),
    ],
    users: int = 50,
    spawn_rate: float = 10,
    run_time: Annotated[
        str, typer.Option("--time", callback=_run_time, help="locust --run-time (e.g. 60s, 10m)")
    ] = "60s",
    db: Database = "postgres",
    workers: Annotated[int | None, typer.Option(help="[2; 1 with SQLite]")] = None,
    server: ServerKind = "uvicorn",
    no_redis: Annotated[bool, typer.Option("--no-redis", help="in-process rate limits")] = False,
    schools: Annotated[int, typer.Option(help="schools in the roster")] = 20,
    think_scale: Annotated[float, typer.Option(help="1 = human pace")] = 1.0,
    locust_processes: int = 1,
    max_failure_ratio: float = Limits.max_failure_ratio,
    p95: Annotated[float, typer.Option(help="ms, every request type")] = Limits.p95_ms,
    p99: Annotated[float, typer.Option(help="ms, every request type")] = Limits.p99_ms,
    compare_noop: Annotated[
        bool, typer.Option("--compare-noop", help="also measure the ratio")
    ] = False,
    min_ratio: Annotated[float, typer.Option(help="fail below this ratio")] = 0.0,
    chaos: ChaosKind | None = None,
    chaos_at: Annotated[float, typer.Option(help="seconds into the run")] = 20.0,
    via_nginx: Annotated[
        bool,
        typer.Option(
            "--via-nginx",
            help="send the load through deploy/nginx.conf (Debian's nginx), as in production",
        ),
    ] = False,
    port: int = 0,
    keep_db: Annotated[bool, typer.Option("--keep-db")] = False,
) -> RunOptions:
    if workers is None:
        workers = 1 if db == "sqlite" else 2
    if db == "sqlite" and workers > 1:
        raise typer.BadParameter(
            "SQLite takes one writer at a time: one worker (--workers 1)", param_hint="--workers"
        )
    if chaos == "restart-postgres" and db != "postgres":
        raise typer.BadParameter("--chaos restart-postgres needs --db postgres", param_hint="--db")
    if via_nginx and not NGINX.exists():
        raise typer.BadParameter(
            f"--via-nginx needs Debian's nginx at {NGINX} (make system-deps)",
            param_hint="--via-nginx",
        )
    # Two free ports other than --port: the server's (unless --port) and nginx's.
    spare = [free for free in free_ports(3) if free != port]
    plan = ServerPlan(server, port or spare[0], workers)
    nginx_port = spare[1]
    fronted = nginx_port if via_nginx else None
    return RunOptions(
        scenario=scenario,
        database=db,
        keep_database=keep_db,
        server=plan,
        load=LoadPlan(users, spawn_rate, run_time, locust_processes, fronted or plan.port),
        nginx_port=fronted,
        redis=not no_redis,
        schools=schools,
        think_scale=think_scale,
        limits=Limits(max_failure_ratio, p95, p99),
        compare_noop=compare_noop,
        min_ratio=min_ratio,
        chaos=ChaosPlan(chaos, chaos_at) if chaos else None,
    )


def parse(argv: Sequence[str]) -> RunOptions:
    """The run that ``python -m loadtests ARGV`` would start, without starting it. A refused
    command line raises typer.BadParameter (or another usage error: exit 2 on the command
    line)."""
    name, *rest = argv
    command = typer.main.get_group(app).commands[name]
    options = command.main(rest, prog_name=f"python -m loadtests {name}", standalone_mode=False)
    assert isinstance(options, RunOptions)
    return options
