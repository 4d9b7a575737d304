"""Pass or fail a run: the failure ratio, and p95/p99 of every request type. Installed in
each locustfile; sets ``environment.process_exit_code`` when locust quits. Importing this
module does not import locust (which monkey-patches the process with gevent)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Protocol

from loadtests.common.config import Limits

logger = logging.getLogger("loadtests")


class Entry(Protocol):
    """What the limits read of a locust stats entry (read only: a property will do)."""

    @property
    def name(self) -> str: ...
    @property
    def method(self) -> str | None: ...
    @property
    def num_requests(self) -> int: ...
    @property
    def num_failures(self) -> int: ...

    def get_response_time_percentile(self, percent: float) -> int: ...


def evaluate(entries: Iterable[Entry], limits: Limits) -> list[str]:
    """The broken limits, one line each; empty when the run passes."""
    problems: list[str] = []
    entries = [e for e in entries if e.num_requests or e.num_failures]
    requests = sum(e.num_requests for e in entries)
    failures = sum(e.num_failures for e in entries)
    if requests == 0:
        return ["no request was made"]
    ratio = failures / requests
    if ratio > limits.max_failure_ratio:
        problems.append(
            f"failure ratio {ratio:.4f} ({failures} of {requests}) > {limits.max_failure_ratio:.4f}"
        )
    for entry in entries:
        if not entry.num_requests:
            continue
        label = f"{entry.method} {entry.name}"
        for percent, limit in ((0.95, limits.p95_ms), (0.99, limits.p99_ms)):
            value = entry.get_response_time_percentile(percent)
            if value > limit:
                problems.append(f"{label}: p{round(percent * 100)} {value} ms > {limit:g} ms")
    return problems


def install(limits: Limits | None = None) -> None:
    """Check the limits when locust quits (on the master only, where stats are complete)."""
    from locust import events
    from locust.runners import WorkerRunner

    def _check(environment: Any, **_: Any) -> None:
        if isinstance(environment.runner, WorkerRunner):
            return
        problems = evaluate(environment.stats.entries.values(), limits or Limits.from_env())
        for line in problems:
            logger.error("limit exceeded: %s", line)
        if not problems:
            logger.info("all limits met")
        environment.process_exit_code = 1 if problems else 0

    # locust's EventHook is not annotated: as a decorator, it would make _check untyped.
    events.quitting.add_listener(_check)  # type: ignore[no-untyped-call]
