"""The load-test runner's pass/fail logic, the scenarios' helpers and the crash checks,
without running a load test."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from loadtests.common.config import Limits
from loadtests.common.content import roster, synthetic_content
from loadtests.common.data import choose, random_address, school_address, seat
from loadtests.common.thresholds import evaluate
from loadtests.nginx import NGINX
from loadtests.runner import parse, recovered
from tests import ROOT


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


def test_limits_travel_to_locust_through_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    limits = Limits(max_failure_ratio=0.02, p95_ms=80, p99_ms=200)
    for key, value in limits.as_env().items():
        monkeypatch.setenv(key, value)
    assert Limits.from_env() == limits


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


def test_answers_are_valid_choices_of_the_paper() -> None:
    rng = random.Random(7)
    options = [{"id": letter, "text": "x"} for letter in "ABCD"]
    for _ in range(50):
        assert choose({"type": "single", "options": options}, rng)[0] in "ABCD"
        picked = choose({"type": "multiple", "options": options}, rng)
        assert 1 <= len(picked) <= 3 and picked == sorted(set(picked))
    assert all(int(part) <= 255 for part in random_address(rng).split("."))


def test_students_spread_over_the_roster_and_share_their_school_address() -> None:
    schools = roster(3, grades=(7, 8), classes=2)
    seats = [seat(n, schools) for n in range(12)]
    assert {code for code, _, _ in seats} == {"LT0001", "LT0002", "LT0003"}
    assert len(set(seats)) == 12  # 3 schools x 2 grades x 2 classes
    assert school_address("LT0001") == school_address("LT0001") != school_address("LT0002")


def test_the_generated_bank_fills_the_shipped_campaign(tmp_path: Path) -> None:
    from quiz_api.content.bank import load_bank, load_campaigns, stratum_sizes

    content = synthetic_content(ROOT / "content", tmp_path / "content")
    bank = load_bank(content / "quiz")
    assert load_campaigns(content / "campaigns", stratum_sizes(bank.questions))
