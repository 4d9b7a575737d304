"""The staff dashboard at ``/staff/``: a small self-contained page (HTML, CSS and JS from
this package, no outside resources) over the reports API, in the four languages."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from quiz_api.api.problems import problem_responses, redirect_response
from quiz_api.core.errors import DomainError, ProblemType

STATIC = Path(__file__).resolve().parent / "static"
# Every script and style sheet of static/: a view of the dashboard is one more .js file here.
_TYPES = {".js": "text/javascript", ".css": "text/css"}
ASSETS = {path.name: _TYPES[path.suffix] for path in STATIC.iterdir() if path.suffix in _TYPES}
HEADERS = {
    "Cache-Control": "no-cache",
    # Nothing from elsewhere: scripts, styles and data come from this server only.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

router = APIRouter(tags=["staff dashboard"])
# The headers of every file, as the schema documents them.
_DOCUMENTED_HEADERS = {name: {"schema": {"type": "string"}} for name in HEADERS}


@router.get(
    "/staff",
    response_class=RedirectResponse,
    status_code=308,
    responses=redirect_response(308, "To /staff/"),
    summary="To the dashboard's page, /staff/",
)
def staff_redirect() -> RedirectResponse:
    return RedirectResponse("/staff/", status_code=308)


@router.get(
    "/staff/",
    response_class=HTMLResponse,
    responses={200: {"description": "The dashboard's page", "headers": _DOCUMENTED_HEADERS}},
    summary="The staff dashboard (HTML; it reads the reports API with a staff token)",
)
def staff_page() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html", headers=HEADERS)


@router.get(
    "/staff/{name}",
    response_class=FileResponse,
    responses={
        200: {
            "description": "The page's script or style sheet",
            "content": {media_type: {} for media_type in ASSETS.values()},
            "headers": _DOCUMENTED_HEADERS,
        },
        # 422 cannot happen (any name is a string), but FastAPI would document its own.
        **problem_responses(404, 422),
    },
    summary="The dashboard's scripts (common.js, app.js and one file a view) and style sheets",
)
def staff_asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise DomainError(ProblemType.not_found, f"no file /staff/{name}")
    return FileResponse(STATIC / name, media_type=ASSETS[name], headers=HEADERS)
