"""The API server's command line and settings for a run, and the ports it gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from loadtests.harness import ROOT
from loadtests.harness.server import (
    APP,
    Kind,
    ServerPlan,
    free_ports,
    server_command,
    server_environment,
)


def test_free_ports_are_different() -> None:
    ports = free_ports(8)
    assert len(set(ports)) == 8 and all(1024 <= port < 65536 for port in ports)


@pytest.mark.parametrize("kind", ["uvicorn", "granian"])
def test_the_server_listens_on_loopback_with_its_workers(kind: Kind) -> None:
    command = " ".join(server_command(ServerPlan(kind, 8123, 3)))
    assert "--host 127.0.0.1 --port 8123 --workers 3" in command
    assert APP in command and "--factory" in command


def test_the_server_gets_the_runs_settings_and_only_the_runs_redis(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("QUIZ_REDIS_URL", "redis://elsewhere:6379/5")  # the caller's own
    url = f"sqlite:///{tmp_path / 'quiz.sqlite3'}"
    without = server_environment(url, tmp_path / "content", tmp_path, None)
    assert "QUIZ_REDIS_URL" not in without
    assert (without["QUIZ_ENV"], without["QUIZ_DATABASE_URL"]) == ("production", url)
    assert without["PYTHONPATH"] == str(ROOT)  # the server runs this checkout's code
    with_redis = server_environment(url, tmp_path / "content", tmp_path, "redis://127.0.0.1:6379/0")
    assert with_redis["QUIZ_REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert with_redis["QUIZ_SECRET_KEY"] != without["QUIZ_SECRET_KEY"]  # a secret per run
