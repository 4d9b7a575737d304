"""The platform's Prometheus metrics: their names and labels (dashboards and alert rules in
``deploy/monitoring/`` rely on them: keep them), the calls that count the events where they
happen, and the text exposition for ``GET /metrics``.

Several worker processes: prometheus-client's multiprocess mode. With
``PROMETHEUS_MULTIPROC_DIR`` set (the systemd unit gives each start an empty runtime folder)
every process writes its values to memory-mapped files there and ``/metrics``, answered by
any worker, adds up the files of all of them. A worker that died leaves its counters (they
still count) and its live gauge (which must not): ``forget_dead_workers`` drops the latter
when a worker starts, since uvicorn has no hook when a child exits.

The metric objects are module globals, unlike the rest of quiz_api's state (which lives in
``api.resources.Resources``): a process's counters are process-wide by nature (the
multiprocess files are named by process id), and the services count an event with one
``inc()`` of about a microsecond, without a metrics object in every signature. Counting never
fails a request: prometheus-client's calls raise nothing at run time.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from quiz_api.core.tracks import Track

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

# prometheus-client appends ``_total`` to a counter's name in the exposition.
HTTP_REQUESTS = Counter(
    "http_requests",
    "HTTP requests answered, by method, route template and status class (2xx..5xx)",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time from the request's arrival at the worker to the end of its answer",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
ATTEMPTS_STARTED = Counter("quiz_attempts_started", "Attempts started", ["track"])
ATTEMPTS_SUBMITTED = Counter(
    "quiz_attempts_submitted", "Attempts submitted (first time)", ["track"]
)
ATTEMPTS_EXPIRED = Counter(
    "quiz_attempts_expired", "Attempts found expired (past their deadline)", ["track"]
)
SURVEY_RESPONSES = Counter("quiz_survey_responses", "Survey responses stored")
REFUSALS = Counter(
    "quiz_refusals",
    "Requests refused: rate-limited (429), server-busy or database-unavailable (503)",
    ["reason"],
)
DB_POOL_IN_USE = Gauge(
    "quiz_db_pool_in_use",
    "Database connections checked out of the workers' pools",
    multiprocess_mode="liveall",  # one sample per live worker (label pid); dead ones dropped
)
REDIS_FALLBACKS = Counter(
    "quiz_redis_fallbacks", "Times a worker counted in its own memory because Redis failed"
)
CONTENT_REFRESHES = Counter(
    "quiz_content_refreshes",
    "Times a worker re-read content (questions, campaigns) from the database",
)
# The daily question: a participant's first answer of the day (a repeated one is not counted).
DAILY_ANSWERS = Counter("quiz_daily_answers", "Daily questions answered", ["track"])

REFUSAL_REASONS = ("rate-limited", "server-busy", "database-unavailable")
# Children made once: a hot-path count is then one ``inc()``, no label lookup.
_started = {track.value: ATTEMPTS_STARTED.labels(track) for track in Track}
_submitted = {track.value: ATTEMPTS_SUBMITTED.labels(track) for track in Track}
_expired = {track.value: ATTEMPTS_EXPIRED.labels(track) for track in Track}
_refused = {reason: REFUSALS.labels(reason) for reason in REFUSAL_REASONS}
_daily = {track.value: DAILY_ANSWERS.labels(track) for track in Track}


def attempt_started(track: str) -> None:
    _started[track].inc()


def attempt_submitted(track: str) -> None:
    _submitted[track].inc()


def attempt_expired(track: str) -> None:
    _expired[track].inc()


def daily_answered(track: str) -> None:
    _daily[track].inc()


def survey_response() -> None:
    SURVEY_RESPONSES.inc()


def refused(reason: str) -> None:
    _refused[reason].inc()


def redis_fallback() -> None:
    REDIS_FALLBACKS.inc()


def content_refresh() -> None:
    CONTENT_REFRESHES.inc()


def connection_checked_out() -> None:
    DB_POOL_IN_USE.inc()


def connection_checked_in() -> None:
    DB_POOL_IN_USE.dec()


def multiprocess_dir() -> Path | None:
    folder = os.environ.get(MULTIPROC_ENV)
    return Path(folder) if folder else None


_PID = re.compile(r"_(\d+)\.db$")


def forget_dead_workers() -> list[int]:
    """Drop the live gauges of worker processes that no longer run (a crash, a restart by
    the process manager); their counters stay in the sums. Returns their process ids."""
    folder = multiprocess_dir()
    if folder is None or not folder.is_dir():
        return []
    dead: list[int] = []
    for path in folder.glob("gauge_live*_*.db"):
        match = _PID.search(path.name)
        if match is None:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            dead.append(pid)
        except PermissionError:
            pass  # another user's process of that id runs: not one of ours, but alive
    for pid in set(dead):
        multiprocess.mark_process_dead(pid, str(folder))  # type: ignore[no-untyped-call]
    return sorted(set(dead))


def exposition() -> bytes:
    """The text format of every metric: all workers' sums in multiprocess mode, else this
    process's registry."""
    folder = multiprocess_dir()
    if folder is None:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, str(folder))  # type: ignore[no-untyped-call]
    return generate_latest(registry)
