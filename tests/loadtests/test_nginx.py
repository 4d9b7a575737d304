"""deploy/nginx.conf, rendered as a deployment renders it, run by Debian's nginx in front of
a real API server: the site's pages and caching headers, the API and its problem answers."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest

from loadtests.harness.server import free_ports, wait_healthy
from loadtests.nginx import NGINX, running_nginx, stop
from site_builder.compress import precompress
from tests.plugins.factories import open_campaign_database

pytestmark = pytest.mark.skipif(
    not NGINX.exists(), reason="Debian's nginx is not installed (apt-get install nginx)"
)


@dataclass
class Answer:
    status: int
    headers: Message
    body: bytes

    def json(self) -> dict[str, object]:
        body: dict[str, object] = json.loads(self.body)
        return body


def _site(root: Path) -> Path:
    (root / "assets" / "images").mkdir(parents=True)
    (root / "zh").mkdir()
    (root / "index.html").write_text("<!doctype html><title>禁毒</title><p>首页 " + "内容" * 400)
    (root / "zh" / "index.html").write_text("<!doctype html><p>中文")
    (root / "404.html").write_text("<!doctype html><p>页面不存在")
    (root / "assets" / "sb.0123456789.css").write_text("body{color:#123}" * 50)
    (root / "assets" / "images" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    # a branch's preview, where the publisher puts it: WEB_ROOT/preview/<branch>/
    preview = root.parent / "preview" / "feature-june"
    preview.mkdir(parents=True)
    (preview / "index.html").write_text("<!doctype html><p>预览")
    precompress(root)  # as the site build does
    return root


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """A real API server (uvicorn) on a free port: its port and its folder."""
    tmp = tmp_path_factory.mktemp("nginx")
    (api_port,) = free_ports(1)
    env = dict(
        os.environ,
        QUIZ_ENV="production",
        QUIZ_SECRET_KEY="nginx-test-secret-" + "y" * 32,
        QUIZ_DATABASE_URL=open_campaign_database(tmp),
        QUIZ_SITE_DIR=str(tmp / "no-site"),
        QUIZ_RATE_LIMIT_JOIN_PER_ADDRESS="1/3600",
    )
    env.pop("QUIZ_REDIS_URL", None)
    api_log = (tmp / "api.log").open("wb")
    api = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "quiz_api.api.app:create_app", "--factory",
         "--port", str(api_port), "--no-access-log"],
        env=env, stdout=api_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_healthy(f"http://127.0.0.1:{api_port}", api)
        _site(tmp / "site")
        yield api_port, tmp
    finally:
        stop(api)
        api_log.close()


@pytest.fixture(scope="module")
def proxy(api_server: tuple[int, Path]) -> Iterator[str]:
    """The shipped configuration as deployed without monitoring addresses."""
    api_port, tmp = api_server
    (port,) = free_ports(1)
    with running_nginx(tmp, port, api_port, tmp / "site"):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def monitored_proxy(api_server: tuple[int, Path]) -> Iterator[str]:
    """The same, with this machine (127.0.0.1) as the monitoring address."""
    api_port, tmp = api_server
    (port,) = free_ports(1)
    folder = tmp / "monitored"
    with running_nginx(folder, port, api_port, tmp / "site", metrics_allow="allow 127.0.0.1;"):
        yield f"http://127.0.0.1:{port}"


def fetch(url: str, method: str = "GET", body: object = None, **headers: str) -> Answer:
    data = json.dumps(body).encode() if body is not None else None
    if data is not None:
        headers.setdefault("Content-Type", "application/json")
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


def test_pages_are_served_by_nginx_and_revalidated(proxy: str) -> None:
    page = fetch(f"{proxy}/")
    assert page.status == 200 and "首页" in page.body.decode()
    assert page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Cache-Control"] == "no-cache"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert fetch(f"{proxy}/zh/").headers["Cache-Control"] == "no-cache"
    compressed = fetch(f"{proxy}/", **{"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "首页" in gzip.decompress(compressed.body).decode()


def test_the_builds_gzip_copies_are_sent_as_they_are(proxy: str) -> None:
    """gzip_static: the bytes on the wire are the build's .gz file (level 9, no time stamp),
    not nginx's own level-5 compression of the file."""
    css = b"body{color:#123}" * 50
    answer = fetch(f"{proxy}/assets/sb.0123456789.css", **{"Accept-Encoding": "gzip, br"})
    assert answer.headers["Content-Encoding"] == "gzip"
    assert answer.headers["Vary"] == "Accept-Encoding"
    assert answer.body == gzip.compress(css, compresslevel=9, mtime=0)
    assert answer.body != gzip.compress(css, compresslevel=5, mtime=0)
    plain = fetch(f"{proxy}/assets/sb.0123456789.css")
    assert "Content-Encoding" not in plain.headers and plain.body == css


def test_hashed_assets_are_immutable_and_others_cached_briefly(proxy: str) -> None:
    asset = fetch(f"{proxy}/assets/sb.0123456789.css")
    assert asset.status == 200 and asset.headers["Content-Type"].startswith("text/css")
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    image = fetch(f"{proxy}/assets/images/logo.png")
    assert image.status == 200 and image.headers["Cache-Control"] == "public, max-age=3600"


def test_previews_are_served_but_never_indexed(proxy: str) -> None:
    preview = fetch(f"{proxy}/preview/feature-june/")
    assert preview.status == 200 and "预览" in preview.body.decode()
    assert preview.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert preview.headers["Cache-Control"] == "no-cache"
    assert "X-Robots-Tag" not in fetch(f"{proxy}/").headers


def test_a_missing_page_gets_the_site_404_page(proxy: str) -> None:
    missing = fetch(f"{proxy}/no/such/page/")
    assert missing.status == 404 and "页面不存在" in missing.body.decode()


def test_the_api_and_health_check_go_to_the_workers(proxy: str) -> None:
    health = fetch(f"{proxy}/healthz")
    assert health.status == 200 and health.json() == {"status": "ok", "database": "ok"}
    assert health.headers["Cache-Control"] == "no-store"
    joined = fetch(
        f"{proxy}/api/v1/participants",
        "POST",
        {"track": "adult", "lang": "en"},
        **{"X-Forwarded-For": "203.0.113.10"},  # a join of its own (the next test's limit)
    )
    assert joined.status == 201, joined.body
    token = joined.json()["token"]
    me = fetch(f"{proxy}/api/v1/participants/me", Authorization=f"Bearer {token}")
    assert me.status == 200 and me.json()["lang"] == "en"
    unknown = fetch(f"{proxy}/api/v1/no-such-endpoint")
    assert unknown.status == 404
    assert unknown.headers["Content-Type"] == "application/problem+json"


def test_rate_limited_answers_pass_through_with_retry_after(proxy: str) -> None:
    # The server allows one join an hour per address (QUIZ_RATE_LIMIT_JOIN_PER_ADDRESS=1/3600).
    # The address is the client's, which nginx appends to X-Forwarded-For and the API, behind
    # its trusted proxy, believes: so no other test's join counts against this one.
    phone = {"X-Forwarded-For": "203.0.113.20"}
    first = fetch(f"{proxy}/api/v1/participants", "POST", {"track": "adult"}, **phone)
    assert first.status == 201, first.body
    refused = fetch(f"{proxy}/api/v1/participants", "POST", {"track": "adult"}, **phone)
    assert refused.status == 429
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json()["type"] == "/problems/rate-limited"
    assert int(refused.headers["Retry-After"]) > 3000


def test_metrics_only_for_the_monitoring_addresses(proxy: str, monitored_proxy: str) -> None:
    refused = fetch(f"{proxy}/metrics")  # no monitoring address given: deny by default
    assert refused.status == 403
    assert b"http_requests_total" not in refused.body
    allowed = fetch(f"{monitored_proxy}/metrics")
    assert allowed.status == 200
    assert allowed.headers["Content-Type"].startswith("text/plain")
    assert b"quiz_attempts_submitted_total" in allowed.body
    for path in ("/livez", "/readyz"):
        answer = fetch(f"{proxy}{path}")
        assert answer.status == 200 and answer.json()["status"] == "ok"
        assert answer.headers["Cache-Control"] == "no-store"
    assert (
        fetch(f"{proxy}/livez", **{"X-Request-ID": "from-nginx"}).headers["X-Request-ID"]
        == "from-nginx"
    )
