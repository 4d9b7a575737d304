"""Compressed answers of `make run`'s server: the bytes on the wire, not what httpx decodes.

The site's precompressed copies (`.br`, `.gz` written by the build) go to clients that accept
them, with the original's media type, `Content-Encoding` and `Vary: Accept-Encoding`; API
JSON above a kilobyte is gzipped; small problem+json answers go as they are."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import brotli
import pytest
from fastapi.testclient import TestClient

from quiz_api.api.app import create_app
from quiz_api.api.compression import API_MIN_SIZE, accepted_codings
from quiz_api.core.config import Settings
from site_builder.compress import precompress

CSS = "".join(f".c{i} {{ color: #{i:06x}; margin: {i}px; }}\n" for i in range(400))


def wire(
    client: TestClient, path: str, accept: str, method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the raw (still encoded) body of one request."""
    with client.stream(method, path, headers={"Accept-Encoding": accept}) as response:
        raw = b"".join(response.iter_raw())
        return response.status_code, dict(response.headers), raw


@pytest.fixture
def site_client(settings: Settings, engine: object, tmp_path: Path) -> TestClient:
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<h1>禁毒</h1>" + "<p>知识</p>" * 300, "utf-8")
    (site / "404.html").write_text("<h1>404</h1>", "utf-8")
    (site / "assets" / "sb.css").write_text(CSS, "utf-8")
    (site / "tiny.js").write_text("var a = 1;\n", "utf-8")
    precompress(site)
    return TestClient(create_app(settings.model_copy(update={"site_dir": site})))


def test_the_site_sends_the_best_precompressed_copy_it_is_asked_for(
    site_client: TestClient, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    with site_client as client:
        status, headers, raw = wire(client, "/assets/sb.css", "gzip, deflate, br")
        assert status == 200
        assert headers["content-encoding"] == "br" and headers["vary"] == "Accept-Encoding"
        assert headers["content-type"].startswith("text/css")
        assert raw == (site / "assets" / "sb.css.br").read_bytes()
        assert brotli.decompress(raw).decode() == CSS
        assert int(headers["content-length"]) == len(raw) < len(CSS) // 4
        # The long cache of hashed assets still applies to the compressed copy.
        assert headers["cache-control"].startswith("public, max-age=31536000")

        status, headers, raw = wire(client, "/", "gzip")
        assert headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Encoding"
        assert headers["content-type"].startswith("text/html")
        assert headers["cache-control"] == "no-cache"
        assert gzip.decompress(raw).decode().startswith("<h1>禁毒</h1>")

        # br refused with q=0: gzip; nothing accepted: the file itself, still Vary.
        _s, headers, raw = wire(client, "/assets/sb.css", "br;q=0, gzip;q=0.5")
        assert headers["content-encoding"] == "gzip"
        _s, headers, raw = wire(client, "/assets/sb.css", "identity")
        assert "content-encoding" not in headers and headers["vary"] == "Accept-Encoding"
        assert raw.decode() == CSS

        # A file too small to gain has no copy: sent as it is, no Vary needed.
        _s, headers, raw = wire(client, "/tiny.js", "gzip, br")
        assert "content-encoding" not in headers and "vary" not in headers
        assert raw == b"var a = 1;\n"


def test_revalidation_and_head_of_a_compressed_copy(site_client: TestClient) -> None:
    with site_client as client:
        first = client.get("/assets/sb.css", headers={"Accept-Encoding": "gzip"})
        etag = first.headers["etag"]
        again = client.get(
            "/assets/sb.css", headers={"Accept-Encoding": "gzip", "If-None-Match": etag}
        )
        assert again.status_code == 304 and again.headers["vary"] == "Accept-Encoding"
        # Each encoding is its own representation: another ETag.
        other = client.get("/assets/sb.css", headers={"Accept-Encoding": "br"})
        assert other.headers["etag"] != etag
        status, headers, raw = wire(client, "/assets/sb.css", "br", method="HEAD")
        assert status == 200 and headers["content-encoding"] == "br" and raw == b""


def test_api_json_above_a_kilobyte_is_gzipped_and_problems_stay_readable(
    site_client: TestClient,
) -> None:
    with site_client as client:
        status, headers, raw = wire(client, "/api/v1/openapi.json", "gzip, br")
        assert status == 200 and headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in headers["vary"]
        spec = json.loads(gzip.decompress(raw))
        assert spec["info"]["title"] and len(raw) < len(json.dumps(spec)) // 3

        status, headers, raw = wire(client, "/api/v1/nothing-here", "gzip")
        assert status == 404 and "content-encoding" not in headers
        assert headers["content-type"] == "application/problem+json"
        assert len(raw) < API_MIN_SIZE and json.loads(raw)["type"] == "/problems/not-found"

        # A long problem (every field of a body wrong) is compressed and still a problem.
        bad = {f"field{i}": "x" * 40 for i in range(60)}
        response = client.post(
            "/api/v1/participants", json=bad, headers={"Accept-Encoding": "gzip"}
        )
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == response.status_code >= 400


@pytest.mark.parametrize(
    ("header", "codings"),
    [
        ("gzip, deflate, br", {"gzip", "deflate", "br"}),
        ("br;q=0, GZIP ; q=0.8", {"gzip"}),
        ("identity", {"identity"}),
        ("", set()),
        ("gzip;q=nonsense", set()),
    ],
)
def test_accept_encoding_is_parsed_with_its_q_values(header: str, codings: set[str]) -> None:
    assert accepted_codings(header) == codings
