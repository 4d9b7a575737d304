"""``python -m quiz_api deploy systemd``: the shipped units, rendered for a temporary install,
pass ``systemd-analyze verify`` without a single warning, and the backup unit's command
runs as written."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from quiz_api.cli.deploy import SHIPPED_PREFIX, SYSTEMD_UNITS
from tests import ROOT
from tests.plugins.commands import run
from tests.plugins.server import free_port, wait_until_up

UNITS = (
    "jd-quiz-api.service",
    "jd-quiz-backup.service",
    "jd-quiz-backup.timer",
    "jd-site-publish.service",
    "jd-site-publish.timer",
)


def install(prefix: Path) -> None:
    """What the units need of an install: its venv (this run's), deploy/ (the checkout's)
    and var/."""
    prefix.mkdir()
    (prefix / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    (prefix / "deploy").symlink_to(ROOT / "deploy", target_is_directory=True)
    (prefix / "var").mkdir()


def rendered(tmp_path: Path) -> tuple[Path, Path]:
    prefix, units = tmp_path / "jd", tmp_path / "units"
    install(prefix)
    result = run("deploy", "systemd", "--prefix", str(prefix), "--out", str(units))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in units.iterdir()) == sorted(UNITS)
    return prefix, units


def key(unit: str, name: str) -> list[str]:
    """Every value of ``name=`` in the unit, continuation lines joined."""
    joined = unit.replace("\\\n", " ")
    return [line.split("=", 1)[1] for line in joined.splitlines() if line.startswith(f"{name}=")]


def test_units_pass_systemd_analyze_verify_without_a_warning(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("Debian's systemd is missing: run `make system-deps`")
    prefix, units = rendered(tmp_path)
    result = subprocess.run(
        [analyze, "verify", "--man=no", *(str(units / name) for name in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    for name in UNITS:
        text = (units / name).read_text()
        assert SHIPPED_PREFIX not in text and str(prefix) in text


def test_the_api_unit_restarts_and_is_confined(tmp_path: Path) -> None:
    prefix, units = rendered(tmp_path)
    for name in ("jd-quiz-api.service", "jd-quiz-backup.service"):
        unit = (units / name).read_text()
        assert key(unit, "EnvironmentFile") == [f"{prefix}/etc/quiz.env"]
        assert key(unit, "ReadWritePaths") == [f"{prefix}/var"]
        for setting, value in {
            "NoNewPrivileges": "yes",
            "ProtectSystem": "strict",
            "PrivateTmp": "yes",
            "ProtectHome": "yes",
            "CapabilityBoundingSet": "",
        }.items():
            assert key(unit, setting) == [value], (name, setting)
    api = (units / "jd-quiz-api.service").read_text()
    assert key(api, "Restart") == ["always"]
    assert "QUIZ_ENV=production" in key(api, "Environment")[0]
    assert key((units / "jd-quiz-backup.timer").read_text(), "Persistent") == ["true"]


def test_the_backup_units_command_makes_a_verified_archive(tmp_path: Path) -> None:
    prefix, units = rendered(tmp_path)
    (command,) = key((units / "jd-quiz-backup.service").read_text(), "ExecStart")
    argv = shlex.split(command)
    assert argv[0] == f"{prefix}/.venv/bin/python"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),  # the checkout under test stands in for the install's
        "QUIZ_DATABASE_URL": f"sqlite:///{prefix / 'var' / 'quiz.sqlite3'}",
    }
    assert run("db", "upgrade", env=env).returncode == 0
    result = subprocess.run(argv, capture_output=True, text=True, cwd=prefix, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    (archive,) = (prefix / "var" / "backups").glob("quiz-*.tar")
    assert f"{archive}: verified" in result.stdout.replace("\n", "")


def test_the_api_units_command_serves(tmp_path: Path) -> None:
    """The worker command as systemd starts it answers /healthz (one worker, another port)."""
    prefix, units = rendered(tmp_path)
    unit = (units / "jd-quiz-api.service").read_text()
    (command,) = key(unit, "ExecStart")
    argv = shlex.split(command)
    port = free_port()
    argv[argv.index("--port") + 1] = str(port)
    unit_env = dict(item.split("=", 1) for item in shlex.split(key(unit, "Environment")[0]))
    env = {
        **os.environ,
        **unit_env,
        "WEB_CONCURRENCY": "1",
        "PYTHONPATH": str(ROOT),
        "QUIZ_SECRET_KEY": "unit-test-secret-" + "z" * 32,
        "QUIZ_DATABASE_URL": f"sqlite:///{prefix / 'var' / 'quiz.sqlite3'}",
    }
    assert run("db", "upgrade", env=env).returncode == 0
    server = subprocess.Popen(argv, cwd=prefix, env=env, stderr=subprocess.PIPE)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert b"Traceback" not in stderr, stderr.decode()


def test_a_prefix_systemd_would_misread_is_refused(tmp_path: Path) -> None:
    for prefix in ("relative/jd", "/opt/my jd", "/opt/100%"):
        result = run("deploy", "systemd", "--prefix", prefix, "--out", str(tmp_path))
        assert result.returncode == 1 and "prefix" in result.stderr, prefix
    assert not any(tmp_path.iterdir())


def test_shipped_units_are_the_documented_install() -> None:
    """No placeholders: the files in the repository are the units for /opt/jd."""
    for name in UNITS:
        text = (SYSTEMD_UNITS / name).read_text()
        assert f"{SHIPPED_PREFIX}/" in text and "@" not in text and "{{" not in text
