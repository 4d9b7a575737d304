"""One place for error mapping: every error leaves the API as RFC 9457 problem details
(``application/problem+json``) with a stable ``type`` that clients switch on."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount
from starlette.types import Scope

PROBLEM_BASE = "/problems/"
logger = logging.getLogger(__name__)

# Titles of the problems the API raises itself, by type; documented in docs/api.md.
TITLES: dict[str, str] = {
    "validation-error": "The request is not valid",
    "unknown-school": "Unknown school",
    "unknown-class": "Unknown class",
    "unknown-campaign": "Unknown campaign",
    "no-open-campaign": "No campaign is open",
    "track-not-offered": "Track not offered",
    "campaign-not-started": "The campaign has not started",
    "campaign-ended": "The campaign has ended",
    "attempt-limit-reached": "No attempts left",
    "daily-attempt-limit-reached": "No attempts left today",
    "already-submitted": "Attempt already submitted with other answers",
    "attempt-expired": "Attempt expired",
    "not-authenticated": "Authentication required",
    "invalid-token": "Invalid token",
    "not-found": "Not found",
    "method-not-allowed": "Method not allowed",
    "bank-incomplete": "The question bank cannot fill a paper",
    "rate-limited": "Too many requests",
    "server-busy": "The server is busy",
    "database-unavailable": "The database is unavailable",
    "internal-error": "Internal server error",
    "http-error": "HTTP error",
    "wechat-not-configured": "WeChat login is not configured",
    "wechat-unavailable": "WeChat is not answering",
    "invalid-wechat-identity": "Invalid WeChat identity",
    "not-passed": "The attempt did not pass",
    "invalid-credentials": "Wrong username or password",
    "outside-scope": "Outside your account's scope",
    "unknown-district": "Unknown district",
    "no-survey": "No survey is open",
    "survey-not-available": "Finish an attempt before the survey",
    "survey-already-answered": "Survey already answered",
}


class ProblemDetails(BaseModel):
    """RFC 9457 problem details; some problems add members (``errors``, ``field``, ``limit``)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None


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


class Problem(Exception):
    """Raise from services and routes; the handler renders it."""

    def __init__(
        self,
        status: int,
        type_: str,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or type_)
        self.status = status
        self.type = type_
        self.detail = detail
        self.headers = headers
        self.extra = extra


def problem_response(
    status: int,
    type_: str,
    detail: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + type_,
        "title": TITLES.get(type_, TITLES["http-error"]),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


_STATUS_TYPES = {404: "not-found", 405: "method-not-allowed", 401: "not-authenticated"}
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

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(
            exc.status, exc.type, exc.detail, request.url.path, exc.headers, **exc.extra
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": ".".join(str(part) for part in err.get("loc", ()) if part != "body"),
                "message": err.get("msg", ""),
                "code": err.get("type", ""),
            }
            for err in exc.errors()
        ]
        detail = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors[:5])
        return problem_response(422, "validation-error", detail, request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        type_ = _STATUS_TYPES.get(exc.status_code, "http-error")
        detail = exc.detail if isinstance(exc.detail, str) else None
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request.scope) or headers.get("Allow", "")
        return problem_response(exc.status_code, type_, detail, request.url.path, headers)

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        # A value the database cannot store (a NUL character, a number out of range): the
        # input's fault, whichever route let it through.
        logger.warning("database refused a value on %s: %s", request.url.path, exc.orig)
        return problem_response(
            422,
            "validation-error",
            "a value cannot be stored (control characters or out of range)",
            request.url.path,
            errors=[],
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(500, "internal-error", None, request.url.path)
