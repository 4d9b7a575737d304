"""The load: locust headless on a scenario of ``loadtests/scenarios/``, its CSV and HTML
reports, the table of its figures, and the machine's CPU in its steady state."""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from loadtests.common import cpu
from loadtests.harness import ROOT, say

SCENARIOS = ROOT / "loadtests" / "scenarios"
SUBMIT = "/api/v1/attempts/[id]/submit"


def scenario_names() -> list[str]:
    """One locustfile a scenario: ``adults`` is ``scenarios/adults.py``."""
    return sorted(p.stem for p in SCENARIOS.glob("*.py") if p.stem != "__init__")


@dataclass(frozen=True)
class LoadPlan:
    users: int
    spawn_rate: float
    run_time: str  # locust's notation: 60s, 10m
    processes: int
    port: int  # where the load goes: the server, or nginx in front of it

    @property
    def settle_seconds(self) -> float:
        """The ramp and a few seconds more: the steady state begins after it."""
        return self.users / self.spawn_rate + 5


@dataclass
class LocustRun:
    prefix: Path
    exit_code: int
    rows: dict[str, dict[str, str]] = field(default_factory=dict)

    def requests_per_second(self, *names: str) -> float:
        return sum(float(self.rows[n]["Requests/s"]) for n in names if n in self.rows)


def run_locust(scenario: str, load: LoadPlan, prefix: Path, env: dict[str, str]) -> LocustRun:
    """locust's exit code (1 when a limit is broken: ``loadtests.common.thresholds``) and
    the rows of its ``{prefix}_stats.csv``."""
    command = [
        sys.executable, "-m", "locust", "-f", str(SCENARIOS / f"{scenario}.py"), "--headless",
        "--users", str(load.users), "--spawn-rate", str(load.spawn_rate),
        "--run-time", load.run_time, "--host", f"http://127.0.0.1:{load.port}",
        "--csv", str(prefix), "--csv-full-history", "--html", f"{prefix}.html",
        "--stop-timeout", "5", "--only-summary",
    ]  # fmt: skip
    if load.processes != 1:
        command += ["--processes", str(load.processes)]
    say(f"locust: {scenario}, {load.users} users, spawn rate {load.spawn_rate}/s, {load.run_time}")
    code = subprocess.call(command, cwd=ROOT, env=env)
    rows: dict[str, dict[str, str]] = {}
    stats = Path(f"{prefix}_stats.csv")
    if stats.exists():
        with stats.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                rows[row["Name"]] = row
    return LocustRun(prefix, code, rows)


def measured_locust(
    scenario: str, load: LoadPlan, prefix: Path, env: dict[str, str], server_pid: int
) -> LocustRun:
    """``run_locust`` with the CPU of each part of the machine measured in the steady state
    (after the ramp, before the stop): printed and written to ``{prefix}_cpu.csv``."""
    meter = cpu.CpuMeter(server_pid, cpu.seconds_of(load.run_time), load.settle_seconds)
    meter.start()
    run = run_locust(scenario, load, prefix, env)
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
