"""The runner's account of where the machine's CPU went (loadtests.common.cpu)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from loadtests.common.cpu import (
    CpuMeter,
    Sample,
    compare,
    describe,
    requests_between,
    sample,
    seconds_of,
)


def test_run_times_in_locusts_notation() -> None:
    assert seconds_of("90") == 90
    assert seconds_of("60s") == 60
    assert seconds_of("10m") == 600
    assert seconds_of("1h30m") == 5400
    for bad in ("", "soon", "10x", "5m later"):
        with pytest.raises(ValueError, match="not a run time"):
            seconds_of(bad)


def test_the_window_counts_each_process_once_and_the_rest_is_the_machines_busy_time() -> None:
    first = Sample(100.0, {1: ("API workers", 10.0), 2: ("PostgreSQL", 4.0)}, busy=50.0)
    last = Sample(
        110.0,
        {
            1: ("API workers", 18.0),  # 8 s in the window
            2: ("PostgreSQL", 5.5),  # 1.5 s
            3: ("locust", 2.0),  # started within the window: all of it counts
        },
        busy=64.0,
    )
    report = compare(first, last)
    assert report.window == 10.0
    assert report.seconds["API workers"] == pytest.approx(8.0)
    assert report.seconds["PostgreSQL"] == pytest.approx(1.5)
    assert report.seconds["locust"] == pytest.approx(2.0)
    assert report.seconds["Redis"] == 0.0
    assert report.seconds["rest"] == pytest.approx(14.0 - 11.5)
    rows = {row[0]: row for row in describe(report, requests=1000, attempts=250)}
    # 8 CPU seconds over 1,000 requests and 250 finished attempts
    assert rows["API workers"][2:] == ("8.00", "32.00")
    assert rows["machine"][2:] == ("14.00", "56.00")
    assert describe(report, requests=1000, attempts=None)[0][3] == "-"


def test_the_requests_in_the_window_come_from_locusts_history(tmp_path: Path) -> None:
    history = tmp_path / "run_stats_history.csv"
    history.write_text(
        "Timestamp,User Count,Type,Name,Requests/s,Total Request Count\n"
        "100,16,POST,/submit,0,0\n"
        "100,16,,Aggregated,0,0\n"
        "101,16,POST,/submit,0,200\n"
        "101,16,,Aggregated,0,700\n"
        "105,16,POST,/submit,0,1000\n"
        "105,16,,Aggregated,0,3300\n",
        "utf-8",
    )
    assert requests_between(history, "/submit", 100.5, 104.0) == 1000 - 0
    assert requests_between(history, "Aggregated", 101.0, 105.0) == 3300 - 700
    assert requests_between(history, "/submit", 99.0, 101.0) == 200  # none before its first row
    assert requests_between(history, "/submit", 101.0, 106.0) is None  # the run ended first
    assert requests_between(tmp_path / "missing.csv", "/submit", 0, 1) is None


def _burn(cpu_seconds: float) -> float:
    """Spend at least ``cpu_seconds`` of this process's CPU; returns how much it spent."""
    start = time.process_time()
    while time.process_time() - start < cpu_seconds:
        sum(range(10_000))
    return time.process_time() - start


def test_a_process_is_measured_in_its_group() -> None:
    # psutil reads the kernel's user and system times apart, each cut down to whole clock
    # ticks (/proc/PID/stat): between two samples, their sum may be up to two ticks off
    # the nanosecond clock that time.process_time() reads.
    tolerance = 2 / os.sysconf("SC_CLK_TCK")
    start = time.process_time()
    before = sample(os.getpid())  # this process plays the server
    burnt = _burn(0.3)
    report = compare(before, sample(os.getpid()))
    spent = time.process_time() - start  # the burn and the two samples around it
    assert burnt - tolerance <= report.seconds["API workers"] <= spent + tolerance
    assert report.seconds["API workers"] <= report.window * report.cpus


def test_the_meter_reports_nothing_when_the_run_ends_before_its_steady_state() -> None:
    meter = CpuMeter(os.getpid(), duration=60, settle=30)
    meter.start()
    assert meter.stop() is None
