"""``python -m loadtests run SCENARIO``: a fresh database, migrated and filled with the shipped
content, the server in production mode on loopback (several workers, Redis), locust headless
with CSV and HTML reports in ``loadtests/reports/``, and a non-zero exit when a limit is
broken. ``--compare-noop`` adds the efficiency ratio; ``--chaos`` the crash test."""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loadtests.common.config import Limits
from loadtests.common.content import roster, synthetic_content
from loadtests.common.cpu import seconds_of
from loadtests.nginx import NGINX, running_nginx

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
REPORTS = Path(__file__).resolve().parent / "reports"
PG_ADMIN = os.environ.get("LOADTEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PG_RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]


def say(message: str) -> None:
    print(f"[loadtests] {message}", flush=True)


# --- database -------------------------------------------------------------------------------


@contextmanager
def fresh_database(kind: str, workdir: Path, keep: bool) -> Iterator[str]:
    """A new, empty database for the run: a PostgreSQL database or a SQLite file."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'quiz.sqlite3'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"loadtest_{time.strftime('%Y%m%d_%H%M%S')}_{secrets.token_hex(3)}"
    # pre-ping: the crash test restarts PostgreSQL under this engine's pooled connection.
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    finally:
        if keep:
            say(f"kept database {name}")
        else:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def content_for_run(workdir: Path) -> Path:
    """The shipped content, or a generated bank of the same shape when the shipped bank
    cannot fill the campaign's papers yet."""
    from quiz_api.content.bank import ContentInvalid, load_bank, load_campaigns, stratum_sizes

    shipped = ROOT / "content"
    try:
        bank = load_bank(shipped / "quiz")
        load_campaigns(shipped / "campaigns", stratum_sizes(bank.questions))
    except ContentInvalid as exc:
        say(
            f"WARNING: the shipped bank cannot fill the campaign ({len(exc.errors)} problem(s), "
            "first: " + str(exc.errors[0]) + "); using a generated bank of the same shape"
        )
        return synthetic_content(shipped, workdir / "content")
    return shipped


def prepare_database(url: str, content: Path, schools: list[dict[str, Any]]) -> None:
    """Migrate, import the content and the roster."""
    from alembic import command

    from quiz_api.content.importer import import_content
    from quiz_api.core.config import Settings
    from quiz_api.db.engine import make_engine, session_scope
    from quiz_api.db.migrate import alembic_config
    from quiz_api.db.models import School, SchoolClass

    command.upgrade(alembic_config(url), "head")
    engine = make_engine(Settings(database_url=url, content_dir=content))
    with session_scope(engine) as session:
        report = import_content(session, content)
        say(f"imported questions: {report.bank}; campaigns: {', '.join(report.campaigns)}")
    survey_dir = ROOT / "content" / "survey"
    if survey_dir.is_dir():
        from datetime import UTC, datetime

        from quiz_api.services.survey import SurveySpec, import_surveys, load_surveys

        specs = [s for s in load_surveys(survey_dir) if isinstance(s, SurveySpec)]
        with session_scope(engine) as session:
            lines = import_surveys(session, specs, datetime.now(UTC))
        say(f"surveys: {', '.join(lines)}")
    with session_scope(engine) as session:
        for school in schools:
            session.add(
                School(
                    code=school["code"],
                    name=school["name"],
                    district=school["district"],
                    level=school["level"],
                )
            )
        session.flush()
        for school in schools:
            for grade, names in school["grades"].items():
                for name in names:
                    session.add(
                        SchoolClass(
                            school_code=school["code"],
                            grade=int(grade),
                            class_name=name,
                            enrolled=45,
                        )
                    )
    engine.dispose()
    if schools:
        say(f"roster: {len(schools)} school(s)")


# --- server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(server: str, port: int, workers: int) -> list[str]:
    """Production mode on loopback: no access log (nginx keeps it), uvloop + httptools."""
    if server == "granian":
        return [
            str(Path(sys.executable).with_name("granian")),
            "--interface",
            "asgi",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--loop",
            "uvloop",
            "--http",
            "1",
            "--respawn-failed-workers",
            "--backlog",
            "4096",
            "--log-level",
            "warning",
            "quiz_api.api.app:create_app",
        ]
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "quiz_api.api.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
        "--proxy-headers",
        "--forwarded-allow-ips",
        "127.0.0.1",
        "--backlog",
        "4096",
        # Without nginx in front (which keeps its upstream connections open), phones that
        # think for longer than uvicorn's default 5 s would reconnect for every request.
        "--timeout-keep-alive",
        "75",
    ]


def in_front(args: argparse.Namespace, workdir: Path) -> AbstractContextManager[object]:
    """nginx with the repository's configuration in front of the server (``--via-nginx``),
    believing the simulated phones' X-Forwarded-For; else nothing."""
    if not args.via_nginx:
        return nullcontext()
    (workdir / "site").mkdir(exist_ok=True)
    say(f"nginx: deploy/nginx.conf on port {args.target_port} in front of port {args.port}")
    return running_nginx(
        workdir / "nginx",
        args.target_port,
        args.port,
        workdir / "site",
        believe_forwarded_for=True,
    )


def wait_healthy(base: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        with suppress(OSError), urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("the server did not become healthy in time")


@contextmanager
def running_server(
    args: argparse.Namespace, env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    command = server_command(args.server, args.port, args.workers)
    say(f"server: {' '.join(command[1:] if args.server == 'uvicorn' else command)}")
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_healthy(f"http://127.0.0.1:{args.port}", process)
            warm_up(f"http://127.0.0.1:{args.port}", 10 * args.workers)
            yield process
        finally:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _call(base: str, method: str, path: str, body: Any = None, **headers: str) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    headers["Content-Type"] = "application/json"
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def warm_up(base: str, rounds: int) -> None:
    """A few whole attempts before measuring, on fresh connections so that every worker
    gets some: imports, compiled statements and the question cache are ready, as on a
    server that has been up for a while."""
    for n in range(rounds):
        address = f"192.0.2.{n % 250 + 1}"
        token = _call(
            base, "POST", "/api/v1/participants", {"track": "adult"}, **{"X-Forwarded-For": address}
        )["token"]
        auth = {"Authorization": f"Bearer {token}", "X-Forwarded-For": address}
        paper = _call(base, "POST", "/api/v1/attempts", **auth)
        answers = [{"question_id": q["id"], "choices": ["A"]} for q in paper["questions"]]
        _call(
            base,
            "POST",
            f"/api/v1/attempts/{paper['attempt_id']}/submit",
            {"answers": answers},
            **auth,
        )
        _call(base, "GET", "/api/v1/leaderboards/adult", **auth)
        _call(base, "GET", "/api/v1/stats")
        _call(base, "GET", "/api/v1/noop")


def worker_pids(master: int) -> list[int]:
    import psutil

    return [
        child.pid
        for child in psutil.Process(master).children(recursive=True)
        if "resource_tracker" not in " ".join(child.cmdline())
    ]


# --- locust ---------------------------------------------------------------------------------


@dataclass
class LocustRun:
    prefix: Path
    exit_code: int
    rows: dict[str, dict[str, str]] = field(default_factory=dict)

    def requests_per_second(self, *names: str) -> float:
        return sum(float(self.rows[n]["Requests/s"]) for n in names if n in self.rows)


def run_locust(
    scenario: str, args: argparse.Namespace, prefix: Path, env: dict[str, str]
) -> LocustRun:
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(SCENARIOS / f"{scenario}.py"),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        args.time,
        "--host",
        f"http://127.0.0.1:{args.target_port}",
        "--csv",
        str(prefix),
        "--csv-full-history",
        "--html",
        f"{prefix}.html",
        "--stop-timeout",
        "5",
        "--only-summary",
    ]
    if args.locust_processes != 1:
        command += ["--processes", str(args.locust_processes)]
    say(f"locust: {scenario}, {args.users} users, spawn rate {args.spawn_rate}/s, {args.time}")
    code = subprocess.call(command, cwd=ROOT, env=env)
    rows: dict[str, dict[str, str]] = {}
    stats = Path(f"{prefix}_stats.csv")
    if stats.exists():
        with stats.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                rows[row["Name"]] = row
    return LocustRun(prefix, code, rows)


SUBMIT = "/api/v1/attempts/[id]/submit"


def measured_locust(
    scenario: str,
    args: argparse.Namespace,
    prefix: Path,
    env: dict[str, str],
    server: subprocess.Popen[bytes],
) -> LocustRun:
    """``run_locust`` with the CPU of each part of the machine measured in the steady state
    (after the ramp, before the stop): printed and written to ``{prefix}_cpu.csv``."""
    from loadtests.common import cpu

    settle = args.users / args.spawn_rate + 5
    meter = cpu.CpuMeter(server.pid, seconds_of(args.time), settle)
    meter.start()
    run = run_locust(scenario, args, prefix, env)
    report = meter.stop()
    if report is None:
        say("CPU: the run ended before its steady state; run longer to measure it")
        return run
    history = Path(f"{prefix}_stats_history.csv")
    requests = cpu.requests_between(history, "Aggregated", report.start, report.end)
    attempts = cpu.requests_between(history, SUBMIT, report.start, report.end)
    rows = cpu.describe(report, requests, attempts)
    cpu.write_csv(Path(f"{prefix}_cpu.csv"), rows)
    say(
        f"CPU in the steady state ({report.window:.0f} s, {report.cpus} CPUs): "
        f"{requests or 0} requests, {attempts or 0} finished attempts"
    )
    say(f"{'':<14} {'of machine':>10} {'ms/request':>11} {'ms/attempt':>11}")
    for group, share, per_request, per_attempt in rows:
        say(f"{group:<14} {share:>10} {per_request:>11} {per_attempt:>11}")
    return run


def print_table(run: LocustRun) -> None:
    say(f"{'request':<46} {'count':>8} {'fail':>6} {'req/s':>8} {'p50':>5} {'p95':>5} {'p99':>5}")
    for name, row in run.rows.items():
        label = f"{row['Type']} {name}".strip()
        say(
            f"{label:<46} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{float(row['Requests/s']):>8.1f} {row['50%']:>5} {row['95%']:>5} {row['99%']:>5}"
        )


# --- the crash test -------------------------------------------------------------------------


def chaos(kind: str, at: float, server: subprocess.Popen[bytes], done: list[float]) -> None:
    time.sleep(at)
    if kind == "kill-worker":
        pids = worker_pids(server.pid)
        if not pids:
            say("chaos: no worker process found")
            return
        say(f"chaos: kill -9 worker {pids[0]} (of {len(pids)})")
        os.kill(pids[0], signal.SIGKILL)
    else:
        say(f"chaos: {' '.join(PG_RESTART)}")
        subprocess.run(PG_RESTART, check=False)
    done.append(time.time())


def verify_submits(url: str, log: Path) -> list[str]:
    """Every 2xx submit is in the database with the score the client was shown, once."""
    from sqlalchemy import create_engine, text

    seen: dict[int, int] = {}
    if log.exists():
        for line in log.read_text().split("\n"):
            if line.strip():
                attempt_id, score = (int(x) for x in line.split())
                seen[attempt_id] = score
    engine = create_engine(url)
    problems = []
    with engine.connect() as connection:
        stored = dict(connection.execute(text("SELECT attempt_id, score FROM result")).all())
        total, distinct = connection.execute(
            text("SELECT count(*), count(DISTINCT attempt_id) FROM result")
        ).one()
        best, participants = connection.execute(
            text(
                "SELECT (SELECT count(*) FROM best_score), "
                "(SELECT count(DISTINCT participant_id) FROM result)"
            )
        ).one()
    engine.dispose()
    missing = [a for a in seen if a not in stored]
    wrong = [a for a, s in seen.items() if a in stored and stored[a] != s]
    if missing:
        problems.append(f"{len(missing)} acknowledged submit(s) missing, e.g. {missing[:5]}")
    if wrong:
        problems.append(f"{len(wrong)} stored score(s) differ from the answer, e.g. {wrong[:5]}")
    if total != distinct:
        problems.append(f"duplicated results: {total} rows for {distinct} attempts")
    if best != participants:
        problems.append(f"best_score has {best} rows for {participants} participants")
    say(
        f"crash check: {len(seen)} acknowledged submits, {len(stored)} results stored, "
        f"{len(missing)} missing, {len(wrong)} different, {total - distinct} duplicated"
    )
    return problems


def recovered(prefix: Path, since: float, settle: float = 15.0) -> list[str]:
    """After the chaos event and a settling time, no failures and requests still flowing."""
    history = Path(f"{prefix}_stats_history.csv")
    rows = []
    with history.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated" and float(row["Timestamp"]) >= since + settle:
                rows.append(row)
    if not rows:
        return [f"no statistics later than {settle:g} s after the chaos event: run longer"]
    failing = [r for r in rows if float(r["Failures/s"]) > 0]
    flowing = [r for r in rows if float(r["Requests/s"]) > 0]
    problems = []
    if failing:
        problems.append(f"still failing {len(failing)} of {len(rows)} s after recovery time")
    if not flowing:
        problems.append("no requests after the chaos event")
    return problems


# --- main -----------------------------------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m loadtests")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a scenario against a fresh production-mode server")
    names = sorted(p.stem for p in SCENARIOS.glob("*.py") if p.stem != "__init__")
    run.add_argument("scenario", choices=names)
    run.add_argument("--users", type=int, default=50)
    run.add_argument("--spawn-rate", type=float, default=10)
    run.add_argument("--time", default="60s", help="locust --run-time (e.g. 60s, 10m)")
    run.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    run.add_argument("--workers", type=int, default=None, help="[2; 1 with SQLite]")
    run.add_argument("--server", choices=["uvicorn", "granian"], default="uvicorn")
    run.add_argument("--no-redis", action="store_true", help="in-process rate limits")
    run.add_argument("--schools", type=int, default=20, help="schools in the roster")
    run.add_argument("--think-scale", type=float, default=1.0, help="1 = human pace")
    run.add_argument("--locust-processes", type=int, default=1)
    run.add_argument("--max-failure-ratio", type=float, default=Limits.max_failure_ratio)
    run.add_argument("--p95", type=float, default=Limits.p95_ms, help="ms, every request type")
    run.add_argument("--p99", type=float, default=Limits.p99_ms, help="ms, every request type")
    run.add_argument("--compare-noop", action="store_true", help="also measure the ratio")
    run.add_argument("--min-ratio", type=float, default=0.0, help="fail below this ratio")
    run.add_argument("--chaos", choices=["kill-worker", "restart-postgres"])
    run.add_argument("--chaos-at", type=float, default=20.0, help="seconds into the run")
    run.add_argument(
        "--via-nginx",
        action="store_true",
        help="send the load through deploy/nginx.conf (Debian's nginx), as in production",
    )
    run.add_argument("--port", type=int, default=0)
    run.add_argument("--keep-db", action="store_true")
    args = parser.parse_args(argv)
    try:
        seconds_of(args.time)
    except ValueError as exc:
        parser.error(str(exc))
    if args.workers is None:
        args.workers = 1 if args.db == "sqlite" else 2
    if args.db == "sqlite" and args.workers > 1:
        parser.error("SQLite takes one writer at a time: one worker (--workers 1)")
    if args.chaos == "restart-postgres" and args.db != "postgres":
        parser.error("--chaos restart-postgres needs --db postgres")
    if args.via_nginx and not NGINX.exists():
        parser.error(f"--via-nginx needs Debian's nginx at {NGINX} (make system-deps)")
    args.port = args.port or free_port()
    args.target_port = free_port() if args.via_nginx else args.port  # where locust sends
    return args


def forget_ranks(url: str) -> None:
    """Drop the run's boards in Redis (its own namespace): they would outlive its database."""
    from quiz_api.core.config import Settings
    from quiz_api.integrations.ranks import RankIndex

    RankIndex(REDIS_URL, Settings(database_url=url).redis_namespace).forget()


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    REPORTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    prefix = REPORTS / f"{args.scenario}-{args.db}-{stamp}"
    workdir = Path(tempfile.mkdtemp(prefix="loadtest-"))
    problems: list[str] = []
    try:
        content = content_for_run(workdir)
        schools = roster(args.schools) if args.scenario in ("school", "staff") else []
        roster_file = workdir / "roster.json"
        roster_file.write_text(json.dumps(schools, ensure_ascii=False), "utf-8")
        submit_log = workdir / "submits.log"
        with fresh_database(args.db, workdir, args.keep_db) as url:
            prepare_database(url, content, schools)
            env = dict(os.environ)
            env.update(
                QUIZ_ENV="production",
                QUIZ_SECRET_KEY=secrets.token_urlsafe(48),
                QUIZ_DATABASE_URL=url,
                QUIZ_CONTENT_DIR=str(content),
                QUIZ_SITE_DIR=str(workdir / "no-site"),
                QUIZ_BENCHMARK_ENDPOINTS="true",
                QUIZ_TRUSTED_PROXIES="127.0.0.1",
                PYTHONPATH=str(ROOT),
            )
            env.pop("QUIZ_REDIS_URL", None)
            if not args.no_redis:
                if redis_available():
                    env["QUIZ_REDIS_URL"] = REDIS_URL
                else:
                    say(f"WARNING: no Redis at {REDIS_URL}: rate limits per worker")
            limits = Limits(args.max_failure_ratio, args.p95, args.p99)
            env.update(limits.as_env())
            env.update(
                LOADTEST_THINK_SCALE=str(args.think_scale),
                LOADTEST_SCHOOLS_FILE=str(roster_file),
                LOADTEST_SUBMIT_LOG=str(submit_log),
            )
            server_log = Path(f"{prefix}-server.log")
            with running_server(args, env, server_log) as server, in_front(args, workdir):
                chaos_done: list[float] = []
                if args.chaos:
                    threading.Thread(
                        target=chaos,
                        args=(args.chaos, args.chaos_at, server, chaos_done),
                        daemon=True,
                    ).start()
                run = measured_locust(args.scenario, args, prefix, env, server)
                print_table(run)
                if run.exit_code != 0:
                    problems.append(f"locust exited with {run.exit_code} (limits above)")
                if args.compare_noop:
                    noop = measured_locust("noop", args, Path(f"{prefix}-noop"), env, server)
                    print_table(noop)
                    real = run.requests_per_second("/api/v1/attempts", SUBMIT)
                    base = noop.requests_per_second("/api/v1/noop")
                    ratio = real / base if base else 0.0
                    say(
                        f"efficiency ratio: start+submit {real:.1f} req/s / "
                        f"noop {base:.1f} req/s = {ratio:.2f}"
                    )
                    if ratio < args.min_ratio:
                        problems.append(f"efficiency ratio {ratio:.2f} < {args.min_ratio}")
                if args.chaos:
                    if not chaos_done:
                        problems.append("the chaos event did not happen: run longer")
                    else:
                        problems += recovered(prefix, chaos_done[0])
                    if server.poll() is not None:
                        problems.append("the server exited")
            finished = run.rows.get(SUBMIT, {})
            if finished:
                say(f"finished attempts/s: {float(finished['Requests/s']):.1f}")
            log_text = server_log.read_text("utf-8", errors="replace")
            if "database is locked" in log_text:
                problems.append("'database is locked' in the server log")
            problems += verify_submits(url, submit_log)
            if env.get("QUIZ_REDIS_URL"):
                forget_ranks(url)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    say(f"reports: {prefix}_stats.csv, {prefix}.html, {prefix}-server.log")
    for line in problems:
        say(f"FAILED: {line}")
    if not problems:
        say("PASSED: every limit met")
    return 1 if problems else 0
