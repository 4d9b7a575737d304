"""The platform as `make run` serves it, for the browser tests of the quiz H5 page.

Once per session: a copy of the shipped content is imported into a migrated SQLite database
in a temporary folder, the site is built there, and ``python -m quiz_api serve`` is started
on a free port (ready when /healthz answers)."""

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
from tests import ROOT

SECRET = "h5-test-secret-" + "y" * 32


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
    holds, so that the page is tested against the real questions and campaign. The test's
    phone answers a paper in seconds, faster than any person: the minimum time per question
    is lifted here, or every result would be held for review (that rule has tests of its
    own, through the API)."""
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
            rules["integrity"] = {"min_seconds_per_question": 0}
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


def server_env(tmp: Path, content: Path, port: int, database: str, **extra: str) -> dict[str, str]:
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
    env = server_env(tmp, content, port, "quiz.sqlite3")
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
