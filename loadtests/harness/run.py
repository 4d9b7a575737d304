"""One run from start to verdict: a work folder, a fresh database, the server (and nginx),
the load (and the no-op load to compare), the chaos event and the checks after it. Returns
the exit code: 1 when a limit is broken or a check fails."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from loadtests.common.config import Limits
from loadtests.common.content import roster
from loadtests.harness import ROOT, child_environment, say
from loadtests.harness.chaos import ChaosEvent, ChaosPlan, recovered, verify_submits
from loadtests.harness.database import (
    REDIS_URL,
    Database,
    content_for_run,
    forget_ranks,
    fresh_database,
    prepare_database,
    redis_available,
)
from loadtests.harness.locust import (
    SUBMIT,
    LoadPlan,
    LocustRun,
    measured_locust,
    print_table,
)
from loadtests.harness.server import (
    ServerPlan,
    in_front,
    running_server,
    server_environment,
)

REPORTS = ROOT / "loadtests" / "reports"
ROSTER_SCENARIOS = ("school", "school_bots", "staff")  # whose students join a school


@dataclass(frozen=True)
class RunOptions:
    scenario: str
    database: Database
    keep_database: bool
    server: ServerPlan
    load: LoadPlan
    nginx_port: int | None  # nginx in front of the server, where the load then goes
    redis: bool
    schools: int
    think_scale: float
    limits: Limits
    compare_noop: bool
    min_ratio: float
    chaos: ChaosPlan | None


def run_scenario(options: RunOptions) -> int:
    REPORTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    prefix = REPORTS / f"{options.scenario}-{options.database}-{stamp}"
    workdir = Path(tempfile.mkdtemp(prefix="loadtest-"))
    try:
        problems = _run_in(workdir, prefix, options)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    say(f"reports: {prefix}_stats.csv, {prefix}.html, {prefix}-server.log")
    for line in problems:
        say(f"FAILED: {line}")
    if not problems:
        say("PASSED: every limit met")
    return 1 if problems else 0


def _run_in(workdir: Path, prefix: Path, options: RunOptions) -> list[str]:
    content = content_for_run(workdir)
    schools = roster(options.schools) if options.scenario in ROSTER_SCENARIOS else []
    roster_file = workdir / "roster.json"
    roster_file.write_text(json.dumps(schools, ensure_ascii=False), "utf-8")
    submit_log = workdir / "submits.log"
    redis_url = _redis(options)
    # What the scenarios read (loadtests.common.config): limits, pace, roster, submit log.
    locust_env = child_environment(
        **options.limits.as_env(),
        LOADTEST_THINK_SCALE=str(options.think_scale),
        LOADTEST_SCHOOLS_FILE=str(roster_file),
        LOADTEST_SUBMIT_LOG=str(submit_log),
    )
    with fresh_database(options.database, workdir, options.keep_database) as url:
        prepare_database(url, content, schools)
        server_env = server_environment(url, content, workdir, redis_url)
        server_log = Path(f"{prefix}-server.log")
        with (
            running_server(options.server, server_env, server_log) as server,
            in_front(options.nginx_port, options.server, workdir),
        ):
            run, problems = _load(options, prefix, locust_env, server)
        finished = run.rows.get(SUBMIT, {})
        if finished:
            say(f"finished attempts/s: {float(finished['Requests/s']):.1f}")
        if "database is locked" in server_log.read_text("utf-8", errors="replace"):
            problems.append("'database is locked' in the server log")
        problems += verify_submits(url, submit_log)
        if redis_url:
            forget_ranks(url)
    return problems


def _redis(options: RunOptions) -> str | None:
    """Redis for the server's rate limits and ranks, unless ``--no-redis`` or none answers."""
    if not options.redis:
        return None
    if redis_available():
        return REDIS_URL
    say(f"WARNING: no Redis at {REDIS_URL}: rate limits per worker")
    return None


def _load(
    options: RunOptions,
    prefix: Path,
    env: dict[str, str],
    server: subprocess.Popen[bytes],
) -> tuple[LocustRun, list[str]]:
    """The scenario's load (with the chaos event in it), then the no-op load to compare;
    the scenario's figures and what broke a limit."""
    problems: list[str] = []
    chaos = ChaosEvent(options.chaos, server.pid) if options.chaos else None
    if chaos:
        chaos.start()
    run = measured_locust(options.scenario, options.load, prefix, env, server.pid)
    print_table(run)
    if run.exit_code != 0:
        problems.append(f"locust exited with {run.exit_code} (limits above)")
    if options.compare_noop:
        noop = measured_locust("noop", options.load, Path(f"{prefix}-noop"), env, server.pid)
        print_table(noop)
        real = run.requests_per_second("/api/v1/attempts", SUBMIT)
        base = noop.requests_per_second("/api/v1/noop")
        ratio = real / base if base else 0.0
        say(
            f"efficiency ratio: start+submit {real:.1f} req/s / noop {base:.1f} req/s = {ratio:.2f}"
        )
        if ratio < options.min_ratio:
            problems.append(f"efficiency ratio {ratio:.2f} < {options.min_ratio}")
    if chaos:
        happened_at = chaos.stop()
        if happened_at is None:
            problems.append("the chaos event did not happen: run longer")
        else:
            problems += recovered(prefix, happened_at)
        if server.poll() is not None:
            problems.append("the server exited")
    return run, problems
