"""Where the machine's CPU goes during a load run.

The targets of the load tests are stated for one machine that carries the server, PostgreSQL,
Redis and the load generator together, so a figure of requests per second says little until
it says who used the CPU. ``CpuMeter`` samples the processes of each part at the start and
the end of the steady state (after the ramp, before the stop) and reports CPU milliseconds
per request and per finished attempt, and the share of the machine, for:

- ``API workers``: the server's process tree (uvicorn or granian, master and workers),
- ``PostgreSQL``: every ``postgres`` process (the load test's backends, WAL writer, ...),
- ``Redis``: ``redis-server``,
- ``nginx``: in front of the server (``--via-nginx``),
- ``locust``: the load generator's processes,
- ``rest``: the machine's busy time not in any of them (the kernel's softirq work for the
  loopback traffic, processes that exited within the window, anything else running).

A process that starts within the window counts its whole CPU time; one that exits within
it falls into ``rest``.
"""

from __future__ import annotations

import csv
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

GROUPS = ("API workers", "PostgreSQL", "Redis", "nginx", "locust")
_SPAN = re.compile(r"(\d+)\s*([hms])")
_UNIT = {"h": 3600, "m": 60, "s": 1}


def seconds_of(span: str) -> float:
    """A locust ``--run-time`` ("90", "60s", "10m", "1h30m") in seconds. (Not locust's own
    parser: importing locust patches the whole process for gevent.)"""
    if span.strip().isdigit():
        return float(span)
    parts = _SPAN.findall(span)
    if not parts or "".join(n + u for n, u in parts) != re.sub(r"\s", "", span):
        raise ValueError(f"not a run time: {span!r} (e.g. 60s, 10m, 1h30m)")
    return float(sum(int(n) * _UNIT[u] for n, u in parts))


@dataclass(frozen=True)
class Sample:
    at: float  # time.time()
    cpu: dict[int, tuple[str, float]]  # pid -> (group, user + system CPU seconds)
    busy: float  # the machine's busy CPU seconds since boot (all CPUs)


def _busy_seconds() -> float:
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def _group(process: psutil.Process, server_pids: set[int]) -> str | None:
    if process.pid in server_pids:
        return "API workers"
    name = process.name()
    if name == "postgres":
        return "PostgreSQL"
    if name.startswith("redis-server"):
        return "Redis"
    if name == "nginx":
        return "nginx"
    if "locust" in " ".join(process.cmdline()):
        return "locust"
    return None


def sample(server_pid: int) -> Sample:
    try:
        server = psutil.Process(server_pid)
        server_pids = {server_pid, *(child.pid for child in server.children(recursive=True))}
    except psutil.NoSuchProcess:
        server_pids = set()
    cpu: dict[int, tuple[str, float]] = {}
    for process in psutil.process_iter():
        try:
            group = _group(process, server_pids)
            if group is not None:
                times = process.cpu_times()
                cpu[process.pid] = (group, times.user + times.system)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return Sample(time.time(), cpu, _busy_seconds())


@dataclass(frozen=True)
class CpuReport:
    start: float
    end: float
    seconds: dict[str, float]  # CPU seconds in the window per group, "rest" included
    cpus: int

    @property
    def window(self) -> float:
        return self.end - self.start

    def share(self, group: str) -> float:
        """The group's share of the whole machine in the window (0..1)."""
        return self.seconds[group] / (self.window * self.cpus)


def compare(first: Sample, last: Sample) -> CpuReport:
    seconds = dict.fromkeys(GROUPS, 0.0)
    for pid, (group, total) in last.cpu.items():
        before = first.cpu.get(pid)
        seconds[group] += total - (before[1] if before and before[0] == group else 0.0)
    seconds["rest"] = max(0.0, last.busy - first.busy - sum(seconds.values()))
    return CpuReport(first.at, last.at, seconds, psutil.cpu_count() or 1)


class CpuMeter:
    """Samples once ``settle`` seconds after ``start()`` and again ``margin`` seconds before
    ``duration`` ends (or when ``stop()`` comes first), in a thread of its own."""

    def __init__(
        self, server_pid: int, duration: float, settle: float, margin: float = 5.0
    ) -> None:
        self._server_pid = server_pid
        self._settle = settle
        self._until = max(settle + 1.0, duration - margin)
        self._stopped = threading.Event()
        self._samples: list[Sample] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        if self._stopped.wait(self._settle):
            return
        self._samples.append(sample(self._server_pid))
        self._stopped.wait(self._until - self._settle)
        self._samples.append(sample(self._server_pid))

    def stop(self) -> CpuReport | None:
        """The report of the steady state, or None when the run ended before it began."""
        self._stopped.set()
        self._thread.join()
        if len(self._samples) < 2:
            return None
        return compare(self._samples[0], self._samples[1])


def requests_between(history: Path, name: str, start: float, end: float) -> int | None:
    """How many requests of ``name`` locust counted between two moments, from its
    ``--csv-full-history`` file (one row a second); None when it ends before ``end``."""
    if not history.exists():
        return None
    counts: list[tuple[float, int]] = []
    with history.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == name:
                counts.append((float(row["Timestamp"]), int(row["Total Request Count"])))
    before = [count for at, count in counts if at <= start]
    after = [count for at, count in counts if at >= end]
    if not after:
        return None
    return after[0] - (before[-1] if before else 0)  # its rows begin with its first request


def describe(
    report: CpuReport, requests: int | None, attempts: int | None
) -> list[tuple[str, str, str, str]]:
    """Rows of (group, share of the machine, ms per request, ms per finished attempt)."""

    def per(count: int | None, seconds: float) -> str:
        return f"{1000 * seconds / count:.2f}" if count else "-"

    rows = []
    for group in (*GROUPS, "rest"):
        seconds = report.seconds[group]
        rows.append(
            (
                group,
                f"{100 * report.share(group):.1f} %",
                per(requests, seconds),
                per(attempts, seconds),
            )
        )
    total = sum(report.seconds.values())
    share = 100 * total / (report.window * report.cpus)
    rows.append(("machine", f"{share:.1f} %", per(requests, total), per(attempts, total)))
    return rows


def write_csv(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["group", "share of the machine", "ms per request", "ms per attempt"])
        writer.writerows(rows)
