"""The crash test's checks: the load recovered, and every acknowledged submit is stored."""

from __future__ import annotations

import subprocess
from pathlib import Path

from loadtests.harness.chaos import ChaosEvent, ChaosPlan, acknowledged_submits, recovered


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


def test_the_acknowledged_submits_come_from_the_scenarios_log(tmp_path: Path) -> None:
    log = tmp_path / "submits.log"
    assert acknowledged_submits(log) == {}  # no submit acknowledged: no log
    log.write_text("17 80\n\n18 95\n", "utf-8")
    assert acknowledged_submits(log) == {17: 80, 18: 95}


def test_a_chaos_event_stopped_before_its_time_does_nothing() -> None:
    server = subprocess.Popen(["sh", "-c", "sleep 60 & wait"])  # a master with a worker
    try:
        event = ChaosEvent(ChaosPlan("kill-worker", at=3600), server.pid)
        event.start()
        assert event.stop() is None  # at once (not in an hour), and nothing happened
    finally:
        server.kill()
        server.wait()
