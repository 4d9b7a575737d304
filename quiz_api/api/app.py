"""The ASGI application: the API under /api/v1 and, when built, the static site at /."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter, FastAPI
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

from quiz_api import __version__
from quiz_api.api.compression import ApiGZip, has_precompressed, precompressed
from quiz_api.api.observability import RequestObservability, configure_json_logging
from quiz_api.api.overload import install_overload_handlers
from quiz_api.api.problems import (
    Problem,
    allowed_methods,
    install_problem_handlers,
    problem_responses,
)
from quiz_api.api.resources import lifespan
from quiz_api.api.routes import (
    analytics,
    attempts,
    certificate,
    contest,
    daily,
    daily_report,
    health,
    leaderboards,
    noop,
    participants,
    stats,
    visits,
    wechat,
)
from quiz_api.api.routes import kits as kit_routes
from quiz_api.api.routes import reports as report_routes
from quiz_api.api.routes import schools as school_routes
from quiz_api.api.routes import staff as staff_routes
from quiz_api.api.routes import survey as survey_routes
from quiz_api.api.staff_dashboard import router as staff_dashboard_router
from quiz_api.core.config import Settings, get_settings
from quiz_api.core.errors import DomainError, ProblemType

API_PREFIX = "/api/v1"


class SiteFiles(StaticFiles):
    """The built site. HTML must be revalidated (WeChat's browser caches hard); assets with
    a content hash in their name can be cached for a year. Text files go precompressed
    (`name.br`, `name.gz` written by the site build) to a client that accepts them."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        variant = precompressed(full_path, scope, status_code)
        if variant is None:
            response = super().file_response(full_path, stat_result, scope, status_code)
            if has_precompressed(full_path):
                response.headers["Vary"] = "Accept-Encoding"
            return response
        if self.is_not_modified(variant.headers, Headers(scope=scope)):
            return NotModifiedResponse(variant.headers)
        return variant

    async def get_response(self, path: str, scope: Scope):  # type: ignore[no-untyped-def]
        # Mounted at /, the site is asked for every request no route took: also for a route's
        # path with another method, which is the route's 405, not the site's.
        allowed = allowed_methods(scope)
        if allowed:
            raise Problem(ProblemType.method_not_allowed, headers={"Allow": allowed})
        if path == "api" or path.startswith("api/"):
            # Unknown API paths get a problem body, not the site's HTML 404 page.
            raise DomainError(ProblemType.not_found, f"no API endpoint /{path}")
        if scope["method"] not in ("GET", "HEAD"):
            raise Problem(ProblemType.method_not_allowed, headers={"Allow": "GET, HEAD"})
        response = await super().get_response(path, scope)
        content_type = response.headers.get("content-type", "")
        if content_type.startswith("text/html") or path.endswith((".xml", ".json")):
            response.headers["Cache-Control"] = "no-cache"
        elif "/assets/" in f"/{path}":
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Anti-drug knowledge challenge API",
        version=__version__,
        description="The quiz engine of the city's anti-drug knowledge challenge. "
        "Errors are RFC 9457 problem details (application/problem+json).",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,  # the engine, caches and clients of these settings
    )
    app.state.settings = settings  # what SettingsDep gives the routes, and the lifespan reads
    production = settings.env == "production"
    if production:
        configure_json_logging()
    install_problem_handlers(app)
    install_overload_handlers(app, settings.max_in_flight, settings.admission_wait_seconds)
    # API answers above a kilobyte go gzipped to clients that accept it (problem+json too).
    app.add_middleware(ApiGZip)
    # Every API request may wait its turn and be refused as busy, or find the database out.
    api = APIRouter(prefix=API_PREFIX, responses=problem_responses(503))
    for module in (
        participants,
        attempts,
        leaderboards,
        stats,
        visits,
        noop,
        school_routes,
        staff_routes,
        report_routes,
        analytics,
        contest,
        kit_routes,
        survey_routes,
        wechat,
        certificate,
        daily,
        daily_report,
    ):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(health.router)
    app.include_router(staff_dashboard_router)  # /staff/: the staff's report page

    # Added last, so outermost: the request id and the timing cover admission control too.
    app.add_middleware(RequestObservability, count=settings.metrics, log_requests=production)

    site_dir = Path(settings.site_dir)
    if site_dir.is_dir():
        app.mount("/", SiteFiles(directory=site_dir, html=True), name="site")
    return app
