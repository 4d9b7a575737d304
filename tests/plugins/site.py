"""The site's fixtures: the sample content, built once per session (canonical URLs under
SITE_URL) and built again for a local address and served; the same with the shipped VR
exhibition hall added."""

from __future__ import annotations

import shutil
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.corpus import write_sample
from site_builder.serve import make_server
from tests import ROOT

SITE_URL = "https://jd.example.org/"


@pytest.fixture(scope="session")
def no_quiz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Build without the quiz H5 app (site_builder/quiz_app/, another component with its own
    tests): the site tests check the site's own pages, with no quiz API running. Autouse in
    tests/site_builder/; the served sites below ask for it."""
    from site_builder.generators import assets

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assets, "QUIZ_APP_DIR", tmp_path_factory.mktemp("no-quiz-app"))
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
        time.sleep(0.05)  # polling interval of a readiness probe, not a wait for a result


def serve_built(content: Path, out: Path) -> Iterator[str]:
    """Build ``content`` into ``out`` for the address it is then served at, and serve it
    until the generator is closed. The server is bound before the build (the handler reads
    its folder per request), so the address is known and no other process can take it."""
    server = make_server(out)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        build(content, out, base_url=base)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        wait_until_up(base)
        yield base
        server.shutdown()
        thread.join()
    finally:
        server.server_close()


@pytest.fixture(scope="session")
def site_server(
    sample_content: Path, tmp_path_factory: pytest.TempPathFactory, no_quiz_app: None
) -> Iterator[str]:
    """The sample site built for its local address and served on a free port."""
    yield from serve_built(sample_content, tmp_path_factory.mktemp("served") / "site")


def with_hall(sample_content: Path, dest: Path) -> Path:
    """A copy of the sample content with the real content/exhibition/ (the hall the office
    ships)."""
    shutil.copytree(sample_content, dest)
    shutil.copytree(ROOT / "content" / "exhibition", dest / "exhibition")
    return dest


@pytest.fixture(scope="session")
def hall_content(sample_content: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return with_hall(sample_content, tmp_path_factory.mktemp("hall") / "content")


@pytest.fixture(scope="session")
def hall_site(
    hall_content: Path, tmp_path_factory: pytest.TempPathFactory, no_quiz_app: None
) -> Path:
    out = tmp_path_factory.mktemp("hall-site") / "site"
    build(hall_content, out, base_url=SITE_URL)
    return out


@pytest.fixture(scope="session")
def hall_server(
    hall_content: Path, tmp_path_factory: pytest.TempPathFactory, no_quiz_app: None
) -> Iterator[str]:
    yield from serve_built(hall_content, tmp_path_factory.mktemp("hall-served") / "site")
