"""Overload and database outages answered as what they are: a 503 problem with
``Retry-After``, at once, instead of a 500 after a long wait. The phone app retries these
after ``Retry-After`` (submissions are idempotent).

- ``/problems/server-busy``: the worker already runs ``QUIZ_MAX_IN_FLIGHT`` API requests
  (admission control, below), or every database connection of the worker stayed busy for
  ``QUIZ_DB_POOL_TIMEOUT`` seconds.
- ``/problems/database-unavailable``: the database refused or dropped the connection (a
  restart, a failover) or could not take the transaction (SQLite: locked).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.types import ASGIApp, Receive, Scope, Send

from quiz_api.api.problems import problem_response
from quiz_api.core.errors import ProblemType
from quiz_api.integrations import metrics

logger = logging.getLogger(__name__)
LOG_EVERY_SECONDS = 10.0
BUSY_RETRY_AFTER = "2"  # seconds; the phone app adds a random part of a second


class ThrottledLog:
    """One line per kind every few seconds: an outage must not flood the log. One per
    application (its handlers and its admission control share it)."""

    def __init__(self) -> None:
        self._last_logged: dict[str, float] = {}

    def __call__(self, kind: str, method: str, path: str, detail: object) -> None:
        now = time.monotonic()
        if now - self._last_logged.get(kind, float("-inf")) >= LOG_EVERY_SECONDS:
            self._last_logged[kind] = now
            logger.warning("%s on %s %s: %s", kind, method, path, detail)


def _busy_response(path: str) -> JSONResponse:
    return problem_response(
        ProblemType.server_busy,
        "the server is busy: try again in a moment",
        path,
        {"Retry-After": BUSY_RETRY_AFTER},
    )


class AdmissionControl:
    """At most ``limit`` API requests of a worker run at once; the next ones wait for a free
    place in arrival order, and one that waited ``wait_seconds`` is answered 503
    ``server-busy`` with ``Retry-After``, having done nothing.

    Without a bound, a wave beyond what the machine serves (a share in a big WeChat group,
    every school of a district at 9:00) queues inside the worker: every request gets slower
    together (p95 up to 13 s in the load test), phones give up after 20 s and send again,
    and the queue grows further. With it, a short burst waits its turn unseen, and a
    sustained overload is refused cheaply, to come back after ``Retry-After``; the bound
    adds no throughput (docs/benchmarks.md). The counts are per worker process (one event
    loop: no lock). ``/healthz`` and the static site are never held or refused."""

    def __init__(
        self,
        app: ASGIApp,
        limit: int,
        wait_seconds: float,
        prefix: str = "/api/",
        log: ThrottledLog | None = None,
    ) -> None:
        self.app = app
        self.log = log or ThrottledLog()
        self.limit = limit
        self.wait_seconds = wait_seconds
        self.prefix = prefix
        self.running = 0
        self.waiting: deque[asyncio.Future[None]] = deque()
        self.refused = 0  # since the worker started

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        if not await self._admit():
            self.refused += 1
            metrics.refused("server-busy")
            self.log(
                "server busy",
                scope["method"],
                scope["path"],
                f"{self.running} requests running, {len(self.waiting)} waiting "
                f"(QUIZ_MAX_IN_FLIGHT); {self.refused} refused since start",
            )
            await _busy_response(scope["path"])(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._leave()

    async def _admit(self) -> bool:
        """Take a place, waiting for one up to ``wait_seconds``; False when none came."""
        if self.running < self.limit and not self.waiting:
            self.running += 1
            return True
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.append(turn)
        admitted = False
        try:
            async with asyncio.timeout(self.wait_seconds):
                await turn
            admitted = True  # _leave handed its place over: ``running`` already counts it
            return True
        except TimeoutError:
            return False
        finally:
            if not admitted:  # timed out, or the request was cancelled while it waited
                if turn in self.waiting:
                    self.waiting.remove(turn)
                elif turn.done() and not turn.cancelled():
                    self._leave()  # the place came as the time ran out: pass it on
                turn.cancel()

    def _leave(self) -> None:
        """Hand the place to the longest waiting request, or free it."""
        while self.waiting:
            turn = self.waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self.running -= 1


def install_overload_handlers(
    app: FastAPI, max_in_flight: int = 0, admission_wait_seconds: float = 0.0
) -> None:
    """The 503 answers of overload and outages; admission control when ``max_in_flight``
    is above 0."""
    log = ThrottledLog()
    if max_in_flight > 0:
        app.add_middleware(
            AdmissionControl, limit=max_in_flight, wait_seconds=admission_wait_seconds, log=log
        )

    @app.exception_handler(PoolTimeoutError)
    async def _busy(request: Request, exc: PoolTimeoutError) -> JSONResponse:
        log("server busy", request.method, request.url.path, exc)
        metrics.refused("server-busy")
        return _busy_response(request.url.path)

    @app.exception_handler(OperationalError)
    async def _database(request: Request, exc: OperationalError) -> JSONResponse:
        log("database unavailable", request.method, request.url.path, exc)
        metrics.refused("database-unavailable")
        return problem_response(
            ProblemType.database_unavailable,
            "the database is briefly unavailable: try again in a moment",
            request.url.path,
            {"Retry-After": "1"},
        )
