"""The crash test: a worker killed or PostgreSQL restarted in the middle of the load, then
two checks: the load recovered, and every submit the server acknowledged is in the database
with the score the client was shown, once."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from loadtests.harness import say
from loadtests.harness.server import worker_pids

Kind = Literal["kill-worker", "restart-postgres"]
PG_RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]


@dataclass(frozen=True)
class ChaosPlan:
    kind: Kind
    at: float  # seconds into the run


class ChaosEvent:
    """The plan carried out in a thread of its own ``at`` seconds after ``start()``, unless
    ``stop()`` comes first."""

    def __init__(self, plan: ChaosPlan, server_pid: int) -> None:
        self._plan = plan
        self._server_pid = server_pid
        self._stopped = threading.Event()
        self._happened_at: float | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> float | None:
        """When the event happened (``time.time()``), or None when it did not."""
        self._stopped.set()
        self._thread.join()
        return self._happened_at

    def _run(self) -> None:
        if self._stopped.wait(self._plan.at):
            return
        if self._plan.kind == "kill-worker":
            pids = worker_pids(self._server_pid)
            if not pids:
                say("chaos: no worker process found")
                return
            say(f"chaos: kill -9 worker {pids[0]} (of {len(pids)})")
            os.kill(pids[0], signal.SIGKILL)
        else:
            say(f"chaos: {' '.join(PG_RESTART)}")
            subprocess.run(PG_RESTART, check=False)
        self._happened_at = time.time()


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


def acknowledged_submits(log: Path) -> dict[int, int]:
    """attempt id -> score, from the lines "attempt_id score" that the scenarios append for
    every 2xx submit (``loadtests.common.quiz.record_submit``)."""
    if not log.exists():
        return {}
    pairs = (line.split() for line in log.read_text().splitlines() if line.strip())
    return {int(attempt): int(score) for attempt, score in pairs}


def verify_submits(url: str, log: Path) -> list[str]:
    """Every 2xx submit is in the database with the score the client was shown, once."""
    from sqlalchemy import create_engine, text

    seen = acknowledged_submits(log)
    engine = create_engine(url)
    with engine.connect() as connection:
        stored: dict[int, int] = {
            attempt: score
            for attempt, score in connection.execute(text("SELECT attempt_id, score FROM result"))
        }
        total, distinct = connection.execute(
            text("SELECT count(*), count(DISTINCT attempt_id) FROM result")
        ).one()
        best, participants = connection.execute(
            text(
                "SELECT (SELECT count(*) FROM best_score), "
                # Held results (contest integrity) stay off best_score until cleared.
                "(SELECT count(DISTINCT participant_id) FROM result WHERE NOT held)"
            )
        ).one()
    engine.dispose()
    missing = [a for a in seen if a not in stored]
    wrong = [a for a, s in seen.items() if a in stored and stored[a] != s]
    problems = []
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
