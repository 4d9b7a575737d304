"""Overload and database outages answered as what they are: a 503 problem with
``Retry-After``, at once, instead of a 500 after a long wait. The phone app retries these
(submissions are idempotent).

- ``/problems/server-busy``: every database connection of the worker stayed busy for
  ``QUIZ_DB_POOL_TIMEOUT`` seconds (the worker is overloaded).
- ``/problems/database-unavailable``: the database refused or dropped the connection (a
  restart, a failover) or could not take the transaction (SQLite: locked).
"""

from __future__ import annotations

import logging
import time

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from quiz_api.problems import problem_response

logger = logging.getLogger(__name__)
LOG_EVERY_SECONDS = 10.0
_last_logged: dict[str, float] = {}


def _log(kind: str, request: Request, exc: Exception) -> None:
    """One line per kind every few seconds: an outage must not flood the log."""
    now = time.monotonic()
    if now - _last_logged.get(kind, float("-inf")) >= LOG_EVERY_SECONDS:
        _last_logged[kind] = now
        logger.warning("%s on %s %s: %s", kind, request.method, request.url.path, exc)


def install_overload_handlers(app: FastAPI) -> None:
    @app.exception_handler(PoolTimeoutError)
    async def _busy(request: Request, exc: PoolTimeoutError) -> JSONResponse:
        _log("server busy", request, exc)
        return problem_response(
            503,
            "server-busy",
            "the server is busy: try again in a moment",
            request.url.path,
            {"Retry-After": "2"},
        )

    @app.exception_handler(OperationalError)
    async def _database(request: Request, exc: OperationalError) -> JSONResponse:
        _log("database unavailable", request, exc)
        return problem_response(
            503,
            "database-unavailable",
            "the database is briefly unavailable: try again in a moment",
            request.url.path,
            {"Retry-After": "1"},
        )
