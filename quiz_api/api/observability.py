"""What lets an operator follow the API: a request id on every request and answer, the HTTP
metrics of ``quiz_api.integrations.metrics`` and, in production, one JSON log line per
request and per message.

The request id comes from ``X-Request-ID`` when the caller (nginx, a phone) sent a usable one
(up to 64 characters of ``A-Z a-z 0-9 . _ -``), else it is made here. It goes back in the
``X-Request-ID`` header, into every problem body as ``request_id`` (a participant's
screenshot of an error finds its log line) and into every log line written while the request
runs (a context variable: each request runs in a task of its own, which copies it).
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from typing import Any

from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from quiz_api.core.errors import ProblemType
from quiz_api.integrations import metrics

REQUEST_ID_HEADER = b"x-request-id"
_VALID_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")
# The id of the request being answered, for problem bodies and log lines; "" outside one.
request_id: ContextVar[str] = ContextVar("request_id", default="")
access_log = logging.getLogger("quiz_api.access")
_STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")


def current_request_id() -> str:
    rid: str = request_id.get()
    return rid


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            if _VALID_ID.fullmatch(value):
                rid: str = value.decode("ascii")
                return rid
            break  # anything else is replaced: it would end up in logs and headers
    return uuid.uuid4().hex


def route_template(scope: Scope) -> str:
    """The route's whole path template (``/api/v1/attempts/{attempt_id}/submit``), never the
    raw path: a label per participant would grow without bound. The static site is ``site``,
    a path no route took ``unmatched``. FastAPI nests included routers, so the matched
    route knows only its own part of the path (``/attempts/{attempt_id}/submit``); the
    routers' prefixes (which hold no parameters here) are what precedes it in the path."""
    route = scope.get("route")
    if route is None:
        return "unmatched"
    if isinstance(route, Mount):
        return "site"
    own: str | None = getattr(route, "path", None)
    if own is None:
        return "unmatched"
    path: str = scope["path"]
    try:
        rendered = own.format(**scope.get("path_params", {}))
    except (KeyError, IndexError, ValueError):
        return own
    return path[: len(path) - len(rendered)] + own if path.endswith(rendered) else own


class RequestObservability:
    """Pure ASGI middleware, outermost: request id, the request's count and duration by
    route template and status class, and (``log_requests``) one log line per request.
    ``count`` off (QUIZ_METRICS=false) leaves only the request id."""

    def __init__(self, app: ASGIApp, count: bool = True, log_requests: bool = False) -> None:
        self.app = app
        self.count = count
        self.log_requests = log_requests
        # Label children by (method, route, status class), made on first use: afterwards a
        # request costs two dictionary lookups, an inc() and an observe().
        self._counters: dict[tuple[str, str, str], Any] = {}
        self._histograms: dict[tuple[str, str], Any] = {}
        self._templates: dict[int, str] = {}  # by id(): routes are not hashable

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _request_id(scope)
        request_id.set(rid)  # not reset: the error handler outside this middleware reads it
        header = (b"x-request-id", rid.encode("ascii"))
        status = 500
        answered = False
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status, answered = message["status"], True
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            if not answered:
                # The 500 problem from here, so that it carries the X-Request-ID header too;
                # the error handler outside still logs the error (and sends nothing more,
                # the answer having started), and the server still sees the exception.
                from quiz_api.api.problems import problem_response  # problems imports us

                response = problem_response(ProblemType.internal_error, None, scope["path"])
                await response(scope, receive, send_with_id)
            raise
        finally:
            if self.count or self.log_requests:
                self._record(scope, status, time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        method: str = scope["method"]
        matched = scope.get("route")
        route = self._templates.get(id(matched)) if matched is not None else None
        if route is None:
            route = route_template(scope)
            if matched is not None and route != "unmatched":
                self._templates[id(matched)] = route  # routes live as long as the app
        if self.count:
            status_class = _STATUS_CLASSES[min(max(status // 100, 1), 5) - 1]
            key = (method, route, status_class)
            counter = self._counters.get(key)
            if counter is None:
                counter = self._counters[key] = metrics.HTTP_REQUESTS.labels(*key)
            counter.inc()
            timing = self._histograms.get((method, route))
            if timing is None:
                timing = self._histograms[(method, route)] = metrics.HTTP_DURATION.labels(
                    method, route
                )
            timing.observe(seconds)
        if self.log_requests:
            access_log.info(
                "%s %s %s",
                method,
                route,
                status,
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def json_formatter() -> logging.Formatter:
    """One JSON object per record: time, level, logger, message, request id and the
    record's extra fields (a request line's method, route, status, duration_ms). Also named
    by deploy/uvicorn-log.json, which gives uvicorn's master process the same lines."""
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        rename_fields={"asctime": "time", "levelname": "level"},
        datefmt="%Y-%m-%dT%H:%M:%S%z",
    )


def configure_json_logging(level: int = logging.INFO) -> None:
    """Production: every line a worker logs, uvicorn's included, is one JSON object on
    stderr with time, level, message and request id (and the request's method, route,
    status and duration for the request lines). uvicorn's own access lines are silenced:
    ours name the route template and the duration, which its lines lack. (The master
    process, which never makes the app, gets the same with ``--log-config
    deploy/uvicorn-log.json``.)"""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(json_formatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "granian"):
        named = logging.getLogger(name)
        named.handlers = []  # uvicorn's plain-text handlers
        named.propagate = True
    logging.getLogger("uvicorn.access").disabled = True
