"""The staff dashboard at ``/staff/``: a small self-contained page (HTML, CSS and JS from
this package, no outside resources) over the reports API, in the four languages."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from quiz_api.core.errors import DomainError, ProblemType

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = {"app.js": "text/javascript", "app.css": "text/css"}
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

router = APIRouter(include_in_schema=False)


@router.get("/staff")
def staff_redirect() -> RedirectResponse:
    return RedirectResponse("/staff/", status_code=308)


@router.get("/staff/")
def staff_page() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html", headers=HEADERS)


@router.get("/staff/{name}")
def staff_asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise DomainError(ProblemType.not_found, f"no file /staff/{name}")
    return FileResponse(STATIC / name, media_type=ASSETS[name], headers=HEADERS)
