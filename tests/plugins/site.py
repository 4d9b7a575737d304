"""Fixtures of the site tests: a sample content tree built once per session, served locally."""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.corpus import write_sample
from site_builder.serve import serve_in_thread

SITE_URL = "https://jd.example.org/"


@pytest.fixture(scope="session", autouse=True)
def no_quiz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Build without the quiz H5 app (site_builder/quiz_app/, another component with its own
    tests): these tests check the site's own pages, with no quiz API running."""
    from site_builder import generate

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(generate, "QUIZ_APP_DIR", tmp_path_factory.mktemp("no-quiz-app"))
        yield


@pytest.fixture(scope="session")
def sample_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample(tmp_path_factory.mktemp("content") / "content")


@pytest.fixture(scope="session")
def sample_site(sample_content: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample content built once (canonical URLs under SITE_URL)."""
    out = tmp_path_factory.mktemp("site") / "site"
    build(sample_content, out, base_url=SITE_URL)
    return out


def wait_until_up(url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.05)


@pytest.fixture(scope="session")
def site_server(sample_content: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site built for its local address and served on a free port."""
    from site_builder.serve import make_server

    probe = make_server(tmp_path_factory.mktemp("probe"))
    port = probe.server_address[1]
    probe.server_close()
    out = tmp_path_factory.mktemp("served") / "site"
    build(sample_content, out, base_url=f"http://127.0.0.1:{port}/")
    import threading

    server = make_server(out, port=port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}/"
    wait_until_up(base)
    yield base
    server.shutdown()
    server.server_close()


__all__ = ["serve_in_thread"]
