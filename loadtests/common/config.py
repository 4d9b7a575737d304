"""What the runner tells the scenarios, through environment variables (``LOADTEST_*``), so
that a locustfile also runs by hand: ``locust -f loadtests/scenarios/adults.py``."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


@dataclass(frozen=True)
class Limits:
    """Pass/fail limits of a run: the issue's targets unless the runner says otherwise."""

    max_failure_ratio: float = 0.0
    p95_ms: float = 100.0
    p99_ms: float = 250.0

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            max_failure_ratio=_float("LOADTEST_MAX_FAILURE_RATIO", cls.max_failure_ratio),
            p95_ms=_float("LOADTEST_P95_MS", cls.p95_ms),
            p99_ms=_float("LOADTEST_P99_MS", cls.p99_ms),
        )

    def as_env(self) -> dict[str, str]:
        return {
            "LOADTEST_MAX_FAILURE_RATIO": str(self.max_failure_ratio),
            "LOADTEST_P95_MS": str(self.p95_ms),
            "LOADTEST_P99_MS": str(self.p99_ms),
        }


@dataclass(frozen=True)
class Config:
    # 1.0 = human pace (about 4 s a question); the short CI run uses a smaller factor.
    think_scale: float = 1.0
    # Roster of the school scenario: [{"code", "grades": {grade: [class, ...]}}, ...]
    schools: list[dict[str, Any]] = field(default_factory=list)
    # Where each locust process appends "attempt_id score" of every 2xx submit (crash test).
    submit_log: Path | None = None

    @classmethod
    def from_env(cls) -> Config:
        roster = os.environ.get("LOADTEST_SCHOOLS_FILE")
        log = os.environ.get("LOADTEST_SUBMIT_LOG")
        return cls(
            think_scale=_float("LOADTEST_THINK_SCALE", 1.0),
            schools=json.loads(Path(roster).read_text("utf-8")) if roster else [],
            submit_log=Path(log) if log else None,
        )


CONFIG = Config.from_env()
