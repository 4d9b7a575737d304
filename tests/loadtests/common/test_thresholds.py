"""The load test's pass/fail verdict (loadtests/common/thresholds.py) on hand-made stats."""

from __future__ import annotations

from dataclasses import dataclass, field

from loadtests.common.config import Limits
from loadtests.common.thresholds import evaluate


@dataclass
class Entry:
    """What the limits read of a locust stats entry (locust itself is not imported: it
    monkey-patches the whole test process with gevent)."""

    name: str
    method: str | None = "POST"
    times: list[int] = field(default_factory=list)
    num_failures: int = 0

    num_requests: int = 0

    def get_response_time_percentile(self, percent: float) -> int:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(len(ordered) * percent))]


def stats(*samples: tuple[str, int | None]) -> list[Entry]:
    """Requests by name with a response time in ms (None: a failure)."""
    entries: dict[str, Entry] = {}
    for name, ms in samples:
        entry = entries.setdefault(name, Entry(name))
        entry.num_requests += 1
        if ms is None:
            entry.num_failures += 1
        else:
            entry.times.append(ms)
    return list(entries.values())


def test_a_fast_clean_run_passes() -> None:
    run = stats(*[("/api/v1/attempts", 20)] * 200, *[("/api/v1/attempts/[id]/submit", 30)] * 200)
    assert evaluate(run, Limits()) == []


def test_a_single_failure_breaks_the_default_zero_failure_limit() -> None:
    run = stats(*[("/api/v1/attempts", 20)] * 999, ("/api/v1/attempts", None))
    problems = evaluate(run, Limits())
    assert len(problems) == 1 and "failure ratio 0.0010 (1 of 1000)" in problems[0]
    assert evaluate(run, Limits(max_failure_ratio=0.01)) == []


def test_p95_and_p99_are_checked_per_request_type() -> None:
    slow_tail = [("/api/v1/attempts/[id]/submit", 20)] * 97 + [
        ("/api/v1/attempts/[id]/submit", 400)
    ] * 3
    fast = [("/api/v1/attempts", 10)] * 100
    problems = evaluate(stats(*slow_tail, *fast), Limits())
    assert problems == ["POST /api/v1/attempts/[id]/submit: p99 400 ms > 250 ms"]
    slower = [("/api/v1/participants", 20)] * 90 + [("/api/v1/participants", 150)] * 10
    problems = evaluate(stats(*slower), Limits())
    assert problems == ["POST /api/v1/participants: p95 150 ms > 100 ms"]


def test_a_run_without_requests_fails() -> None:
    assert evaluate([], Limits()) == ["no request was made"]
