"""The quiz H5 page in headless Chromium (Debian's package) against the real server.

Once per session: a copy of the shipped content is imported into a migrated SQLite database
in a temporary folder, the site is built there, and ``python -m quiz_api serve`` is started
on a free port (ready when /healthz answers). Each test gets a fresh browser context at
375x667 with WeChat's user agent."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import yaml

from quiz_api.content.bank import Level, StratumKey, load_bank, stratum_sizes
from quiz_api.db.models import Track
from tests.quiz_api.test_wechat_fake import APP_SECRET, FakeWechat, serve_fake_wechat

ROOT = Path(__file__).resolve().parents[2]
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A.240205.004; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 XWEB/1200143 "
    "MMWEBSDK/20240301 MMWEBID/1234 MicroMessenger/8.0.49.2600(0x28003133) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
SECRET = "h5-test-secret-" + "y" * 32
SHOTS = Path(os.environ.get("QUIZ_H5_SHOTS", "/tmp/quiz_h5_shots"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Poll the URL until it answers 200 (or the process dies, or time runs out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)  # polling interval of a readiness probe, not a wait for a result
    raise RuntimeError(f"{url} did not come up in {timeout} s")


def fit_campaigns(content: Path) -> None:
    """While the shipped bank is still growing, lower the campaigns' draw counts to what it
    holds, so that the page is tested against the real questions and campaign."""
    sizes = stratum_sizes(load_bank(content / "quiz").questions)
    for path in sorted((content / "campaigns").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for track, rules in data.get("tracks", {}).items():
            levels: list[Level | None] = (
                [Level.primary, Level.secondary] if track == "student" else [None]
            )
            kept = []
            for rule in rules.get("draw", []):
                have = min(
                    sizes[StratumKey(Track(track), level, rule["category"], rule["difficulty"])]
                    for level in levels
                )
                if have:
                    kept.append({**rule, "count": min(rule["count"], have)})
            rules["draw"] = kept
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


@dataclass
class Live:
    base: str
    database_url: str
    tmp: Path

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        import sqlite3

        path = self.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as connection:
            return list(connection.execute(query, params))


def _env(tmp: Path, content: Path, port: int, database: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "QUIZ_ENV": "test",
        "QUIZ_DATABASE_URL": f"sqlite:///{tmp / database}",
        "QUIZ_SECRET_KEY": SECRET,
        "QUIZ_CONTENT_DIR": str(content),
        "QUIZ_SITE_DIR": str(tmp / "site"),
        "SITE_URL": f"http://127.0.0.1:{port}/",
    }
    for name in ("QUIZ_WECHAT_APP_ID", "QUIZ_WECHAT_APP_SECRET", "QUIZ_REDIS_URL"):
        env.pop(name, None)
    env.update(extra)
    return env


@contextmanager
def serve(tmp: Path, port: int, env: dict[str, str], name: str) -> Iterator[Live]:
    """Migrate and fill the database of ``env``, then run the server until the block ends."""
    subprocess.run(
        [sys.executable, "-m", "quiz_api", "setup"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    log = (tmp / f"{name}.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "quiz_api", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
        yield Live(f"http://127.0.0.1:{port}/", env["QUIZ_DATABASE_URL"], tmp)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The platform as `make run` serves it, without WeChat configured."""
    tmp = tmp_path_factory.mktemp("quiz_h5")
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    fit_campaigns(content)
    port = free_port()
    env = _env(tmp, content, port, "quiz.sqlite3")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "site_builder",
            "build",
            "--content",
            str(content),
            "--out",
            str(tmp / "site"),
            "--site-url",
            env["SITE_URL"],
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    with serve(tmp, port, env, "server") as server:
        yield server


@pytest.fixture(scope="session")
def wechat_fake() -> Iterator[FakeWechat]:
    with serve_fake_wechat() as fake:
        yield fake


@pytest.fixture(scope="session")
def live_wechat(live: Live, wechat_fake: FakeWechat) -> Iterator[Live]:
    """The same site with WeChat configured: an official account served by the fake."""
    port = free_port()
    env = _env(
        live.tmp,
        live.tmp / "content",
        port,
        "wechat.sqlite3",
        QUIZ_WECHAT_APP_ID=wechat_fake.app_id,
        QUIZ_WECHAT_APP_SECRET=APP_SECRET,
        QUIZ_WECHAT_API_BASE=wechat_fake.base,
        QUIZ_WECHAT_OPEN_BASE=wechat_fake.base,
    )
    with serve(live.tmp, port, env, "wechat-server") as server:
        yield server


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(
        viewport={"width": 375, "height": 667},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        user_agent=WECHAT_UA,
    )
    yield ctx
    ctx.close()


class Phone:
    """A page with its console errors recorded, and screenshots saved under SHOTS."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.errors: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        # Failed requests are expected while the tests take the network offline.
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.errors.append(message.text)

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_selector("#quiz-app[data-screen]:not([data-screen=loading])")

    def screen(self) -> str:
        value: str = self.page.get_attribute("#quiz-app", "data-screen") or ""
        return value

    def wait_screen(self, name: str) -> None:
        self.page.wait_for_selector(f"#quiz-app[data-screen={name}]")

    def shot(self, name: str) -> None:
        """What the phone shows with the app's screen scrolled into view (a full-page shot
        would draw the theme's sticky header in the middle of the page)."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.evaluate("document.getElementById('quiz-app').scrollIntoView()")
        self.page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.fixture
def phone(context: Any, live: Live) -> Phone:
    return Phone(context.new_page(), live.base)
