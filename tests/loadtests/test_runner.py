"""The load-test runner's arguments and its crash checks, without running a load test (the
verdict, limits, data and content are tested in tests/loadtests/common/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from loadtests.nginx import NGINX
from loadtests.runner import parse, recovered


def test_runner_arguments() -> None:
    args = parse(["run", "throughput", "--users", "5", "--time", "10s"])
    assert (args.db, args.workers, args.users, args.p95, args.p99) == (
        "postgres",
        2,
        5,
        100.0,
        250.0,
    )
    assert parse(["run", "adults", "--db", "sqlite"]).workers == 1
    with pytest.raises(SystemExit):
        parse(["run", "adults", "--db", "sqlite", "--workers", "2"])
    with pytest.raises(SystemExit):
        parse(["run", "no-such-scenario"])
    with pytest.raises(SystemExit):
        parse(["run", "adults", "--time", "soon"])  # refused before anything starts
    assert args.target_port == args.port  # locust talks to the server itself
    if NGINX.exists():
        fronted = parse(["run", "adults", "--via-nginx"])
        assert fronted.target_port != fronted.port  # ... or to nginx in front of it


def test_recovery_after_a_chaos_event_reads_the_stats_history(tmp_path: Path) -> None:
    header = "Timestamp,User Count,Type,Name,Requests/s,Failures/s\n"
    rows = [(100, 50, 0), (110, 0, 40), (120, 30, 5), (130, 60, 0), (140, 61, 0)]
    history = tmp_path / "run_stats_history.csv"
    history.write_text(
        header + "".join(f"{t},10,,Aggregated,{r},{f}\n" for t, r, f in rows), "utf-8"
    )
    assert recovered(tmp_path / "run", since=105, settle=20) == []
    assert "still failing" in recovered(tmp_path / "run", since=105, settle=10)[0]
    assert "run longer" in recovered(tmp_path / "run", since=135, settle=20)[0]
