"""Compressed answers: the site's precompressed files and the API's larger JSON.

The site build writes `name.br` and `name.gz` beside each text file
(`site_builder/compress.py`); `precompressed` picks the best one the client accepts, so
that `make run` sends phones the same bytes nginx's `gzip_static` does, with no CPU per
request. API answers above `API_MIN_SIZE` bytes are gzipped on the fly (`ApiGZip`): the
lists, reports and exports; small answers (a submission's result, most problem+json bodies)
go as they are, where compression would only add latency.
"""

from __future__ import annotations

import os

from starlette.datastructures import Headers
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import FileResponse
from starlette.types import ASGIApp, Receive, Scope, Send

# (suffix of the precompressed copy, its Content-Encoding), best first.
ENCODINGS: tuple[tuple[str, str], ...] = ((".br", "br"), (".gz", "gzip"))
API_MIN_SIZE = 1024
API_PATH_PREFIX = "/api/"


def accepted_codings(accept_encoding: str) -> set[str]:
    """The content codings an Accept-Encoding header accepts (`;q=0` refuses one)."""
    codings = set()
    for part in accept_encoding.split(","):
        name, _sep, params = part.partition(";")
        name = name.strip().lower()
        q = 1.0
        for param in params.split(";"):
            key, _eq, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name and q > 0:
            codings.add(name)
    return codings


def precompressed(
    full_path: str | os.PathLike[str], scope: Scope, status_code: int
) -> FileResponse | None:
    """The precompressed copy of full_path the client accepts, or None (send the file).

    The copy keeps the original's media type; `Vary: Accept-Encoding` tells caches that the
    answer depends on that header."""
    path = os.fspath(full_path)
    codings = accepted_codings(Headers(scope=scope).get("accept-encoding", ""))
    for suffix, coding in ENCODINGS:
        if coding not in codings:
            continue
        try:
            stat = os.stat(path + suffix)
        except OSError:
            continue
        plain = FileResponse(path)  # only for the media type guessed from the real name
        return FileResponse(
            path + suffix,
            status_code=status_code,
            stat_result=stat,
            media_type=plain.media_type,
            headers={"Content-Encoding": coding, "Vary": "Accept-Encoding"},
        )
    return None


def has_precompressed(full_path: str | os.PathLike[str]) -> bool:
    path = os.fspath(full_path)
    return any(os.path.exists(path + suffix) for suffix, _coding in ENCODINGS)


class ApiGZip:
    """GZipMiddleware for the API's paths only: the site's files come precompressed, and
    images, fonts and certificates gain nothing from a second pass."""

    def __init__(self, app: ASGIApp, minimum_size: int = API_MIN_SIZE) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(API_PATH_PREFIX):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
