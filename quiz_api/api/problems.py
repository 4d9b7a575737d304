"""One place for error mapping: every error leaves the API as RFC 9457 problem details
(``application/problem+json``) with a stable ``type`` that clients switch on. Services raise
``quiz_api.core.errors.DomainError``; the table below gives each problem type its status
and title."""

from __future__ import annotations

import logging
from typing import Any, NamedTuple, Unpack

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount
from starlette.types import Scope

from quiz_api.api.observability import current_request_id
from quiz_api.core.errors import DomainError, FieldFault, ProblemExtras, ProblemType

PROBLEM_BASE = "/problems/"
logger = logging.getLogger(__name__)


class HttpProblem(NamedTuple):
    status: int
    title: str


# Every problem type's status and title; docs/api.md lists them (a test checks both).
PROBLEMS: dict[ProblemType, HttpProblem] = {
    ProblemType.validation_error: HttpProblem(422, "The request is not valid"),
    ProblemType.unknown_school: HttpProblem(422, "Unknown school"),
    ProblemType.unknown_class: HttpProblem(422, "Unknown class"),
    ProblemType.unknown_campaign: HttpProblem(404, "Unknown campaign"),
    ProblemType.unknown_district: HttpProblem(404, "Unknown district"),
    ProblemType.no_open_campaign: HttpProblem(409, "No campaign is open"),
    ProblemType.track_not_offered: HttpProblem(422, "Track not offered"),
    ProblemType.campaign_not_started: HttpProblem(409, "The campaign has not started"),
    ProblemType.campaign_ended: HttpProblem(409, "The campaign has ended"),
    ProblemType.attempt_limit_reached: HttpProblem(403, "No attempts left"),
    ProblemType.daily_attempt_limit_reached: HttpProblem(403, "No attempts left today"),
    ProblemType.already_submitted: HttpProblem(409, "Attempt already submitted with other answers"),
    ProblemType.attempt_expired: HttpProblem(409, "Attempt expired"),
    ProblemType.not_passed: HttpProblem(403, "The attempt did not pass"),
    ProblemType.bank_incomplete: HttpProblem(503, "The question bank cannot fill a paper"),
    ProblemType.not_authenticated: HttpProblem(401, "Authentication required"),
    ProblemType.invalid_token: HttpProblem(401, "Invalid token"),
    ProblemType.invalid_credentials: HttpProblem(401, "Wrong username or password"),
    ProblemType.outside_scope: HttpProblem(403, "Outside your account's scope"),
    ProblemType.not_found: HttpProblem(404, "Not found"),
    ProblemType.no_survey: HttpProblem(404, "No survey is open"),
    ProblemType.survey_not_available: HttpProblem(409, "Finish an attempt before the survey"),
    ProblemType.survey_already_answered: HttpProblem(409, "Survey already answered"),
    ProblemType.already_decided: HttpProblem(409, "This result was already decided"),
    ProblemType.no_round: HttpProblem(404, "The track has no such round"),
    ProblemType.daily_not_today: HttpProblem(409, "Only today's daily question can be answered"),
    ProblemType.wechat_not_configured: HttpProblem(404, "WeChat login is not configured"),
    ProblemType.wechat_unavailable: HttpProblem(503, "WeChat is not answering"),
    ProblemType.invalid_wechat_identity: HttpProblem(401, "Invalid WeChat identity"),
    ProblemType.method_not_allowed: HttpProblem(405, "Method not allowed"),
    ProblemType.rate_limited: HttpProblem(429, "Too many requests"),
    ProblemType.server_busy: HttpProblem(503, "The server is busy"),
    ProblemType.database_unavailable: HttpProblem(503, "The database is unavailable"),
    ProblemType.internal_error: HttpProblem(500, "Internal server error"),
    # Any other HTTP error (Starlette's); it keeps the status it was raised with.
    ProblemType.http_error: HttpProblem(400, "HTTP error"),
}

# The challenge of a 401 names the token's fault (RFC 6750).
_CHALLENGES = {
    ProblemType.not_authenticated: "Bearer",
    ProblemType.invalid_token: 'Bearer error="invalid_token"',
}


def status_of(error: DomainError) -> int:
    """The HTTP status of a domain error: its type's, but a school named by the path (a
    report, a school's classes) rather than by a body ``field`` is a missing resource."""
    if error.type is ProblemType.unknown_school and "field" not in error.extra:
        return 404
    return PROBLEMS[error.type].status


def headers_of(error: DomainError) -> dict[str, str]:
    headers: dict[str, str] = {}
    if error.type in _CHALLENGES:
        headers["WWW-Authenticate"] = _CHALLENGES[error.type]
    if error.retry_in_seconds is not None:
        headers["Retry-After"] = str(error.retry_in_seconds)
    if isinstance(error, Problem):
        headers.update(error.headers)
    return headers


class ProblemDetails(BaseModel):
    """RFC 9457 problem details; some problems add members (``errors``, ``field``, ``limit``)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    # The request's X-Request-ID (taken or made): the key to its log lines.
    request_id: str | None = None


PROBLEM_JSON = "application/problem+json"
_DESCRIPTIONS = {
    400: "The body cannot be read (not UTF-8 JSON)",
    401: "Missing or invalid token or credentials",
    403: "Not allowed (e.g. no attempts left, outside the account's scope)",
    404: "Not found",
    409: "Conflict with the current state (e.g. campaign closed)",
    422: "Invalid request",
    429: "Too many requests",
    503: "Temporarily unavailable (busy, database restarting)",
}
_SECONDS = {"type": "integer", "minimum": 0}
# Headers some problems carry; required only where every problem of the status has it.
_HEADERS: dict[int, dict[str, dict[str, Any]]] = {
    401: {"WWW-Authenticate": {"description": "With a missing or invalid bearer token"}},
    403: {"Retry-After": {"description": "Seconds until the next day's attempts"}},
    429: {"Retry-After": {"description": "Seconds to wait", "required": True}},
    503: {"Retry-After": {"description": "Seconds to wait when busy or the database is out"}},
}
_STRING = {"type": "string"}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` documenting problem answers of a route: the body's media type
    and schema (``ProblemDetails``, added to the components by ``install_problem_handlers``)
    and the headers the problems of each status may carry."""
    return {
        status: {
            "description": _DESCRIPTIONS[status],
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}},
            "headers": {
                name: {**header, "schema": _SECONDS if name == "Retry-After" else _STRING}
                for name, header in _HEADERS.get(status, {}).items()
            },
        }
        for status in statuses
    }


def redirect_response(
    status: int, description: str, cookie: str | None = None
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entry of a route that redirects: its status, ``Location`` and,
    when it sets (or clears) one, ``Set-Cookie``."""
    headers = {"Location": {"description": "Where to go", "required": True, "schema": _STRING}}
    if cookie:
        headers["Set-Cookie"] = {"description": cookie, "required": True, "schema": _STRING}
    return {status: {"description": description, "headers": headers}}


def _document_problem_details(app: FastAPI) -> None:
    """Add ``ProblemDetails`` to the schema's components, for the responses of
    ``problem_responses``: documented as a model, FastAPI would also list it under
    ``application/json``, a media type no problem is sent as."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        first = app.openapi_schema is None
        schema = generate()  # built on the first call, then FastAPI's kept copy
        if first:
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["ProblemDetails"] = ProblemDetails.model_json_schema()
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


class Problem(DomainError):
    """A problem of HTTP itself, raised in ``api/`` only, with headers of its own (``Allow``
    of a 405)."""

    def __init__(
        self,
        type_: ProblemType,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        **extra: Unpack[ProblemExtras],
    ) -> None:
        super().__init__(type_, detail, **extra)
        self.headers = headers or {}


def problem_response(
    type_: ProblemType,
    detail: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    *,
    status: int | None = None,
    **extra: Any,
) -> JSONResponse:
    """The problem's body; ``status`` only where it is not the type's own (a Starlette
    error of any status)."""
    known = PROBLEMS[type_]
    status = status or known.status
    body: dict[str, Any] = {"type": PROBLEM_BASE + type_.value, "title": known.title}
    body["status"] = status
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extra)
    rid = current_request_id()
    if rid:
        body["request_id"] = rid
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


_STATUS_TYPES = {
    404: ProblemType.not_found,
    405: ProblemType.method_not_allowed,
    401: ProblemType.not_authenticated,
}


HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(scope: Scope) -> str:
    """The ``Allow`` header of a 405 at the request's path: the methods that some route of the
    application takes there, or "" when no route has the path. Starlette's own 405 names the
    methods of the first route of the path only (GET /visits hid POST /visits), and the site
    mounted at / would name its GET and HEAD for every path. Each method is asked of the
    routes themselves (FastAPI nests the included routers), the site's mount left out."""
    routes = [route for route in scope["app"].router.routes if not isinstance(route, Mount)]
    return ", ".join(
        method
        for method in HTTP_METHODS
        if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in routes)
    )


def install_problem_handlers(app: FastAPI) -> None:
    _document_problem_details(app)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return problem_response(
            exc.type,
            exc.detail,
            request.url.path,
            headers_of(exc) or None,
            status=status_of(exc),
            **exc.extra,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors: list[FieldFault] = [
            {
                "field": ".".join(str(part) for part in err.get("loc", ()) if part != "body"),
                "message": err.get("msg", ""),
                "code": err.get("type", ""),
            }
            for err in exc.errors()
        ]
        detail = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors[:5])
        return problem_response(
            ProblemType.validation_error, detail, request.url.path, errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        type_ = _STATUS_TYPES.get(exc.status_code, ProblemType.http_error)
        detail = exc.detail if isinstance(exc.detail, str) else None
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request.scope) or headers.get("Allow", "")
        return problem_response(type_, detail, request.url.path, headers, status=exc.status_code)

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        # A value the database cannot store (a NUL character, a number out of range): the
        # input's fault, whichever route let it through.
        logger.warning("database refused a value on %s: %s", request.url.path, exc.orig)
        return problem_response(
            ProblemType.validation_error,
            "a value cannot be stored (control characters or out of range)",
            request.url.path,
            errors=[],
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(ProblemType.internal_error, None, request.url.path)
