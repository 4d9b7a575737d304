"""``python -m quiz_api backup ...`` as an operator and the backup timer run it: the
archive's name and retention, the messages of a refusal and of a damaged file, and the
ranks dropped after a restore. (Both backends' dumps are tested in
tests/quiz_api/services/test_backup.py; here the database is an SQLite file.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import redis

from quiz_api.core.config import Settings
from tests.plugins.commands import run
from tests.plugins.database import redis_url


def test_create_verify_and_restore_as_the_operator_runs_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'quiz.sqlite3'}"
    env = {"QUIZ_DATABASE_URL": url, "QUIZ_REDIS_URL": ""}
    assert run("db", "upgrade", env=env).returncode == 0
    backups = tmp_path / "backups"
    backups.mkdir()
    (backups / "quiz-20200101T000000Z.tar").write_text("an old archive")
    (backups / "README").write_text("not an archive: kept")

    made = run("backup", "create", "--out-dir", str(backups), "--keep", "1", "--verify", env=env)
    assert made.returncode == 0, made.stderr
    (archive,) = backups.glob("quiz-2*.tar")
    assert archive.name != "quiz-20200101T000000Z.tar"
    assert sorted(p.name for p in backups.iterdir()) == sorted([archive.name, "README"])
    assert "sqlite database at revision" in made.stdout and "verified" in made.stdout
    assert "quiz-20200101T000000Z.tar: deleted (keeping the newest 1)" in made.stdout

    checked = run("backup", "verify", str(archive), env=env)
    assert checked.returncode == 0, checked.stderr
    assert f"{archive}: verified" in checked.stdout

    restored = run("backup", "restore", str(archive), env=env)  # only the schema: no people
    assert restored.returncode == 0, restored.stderr
    assert "restored sqlite database" in restored.stdout
    assert "ranks" not in restored.stdout  # no Redis configured, nothing to drop


def test_refusals_and_damage_are_one_clear_line(tmp_path: Path) -> None:
    env = {"QUIZ_DATABASE_URL": f"sqlite:///{tmp_path / 'quiz.sqlite3'}"}
    assert run("db", "upgrade", env=env).returncode == 0
    archive = tmp_path / "quiz.tar"
    assert run("backup", "create", "--out", str(archive), env=env).returncode == 0
    create_staff = ["staff", "create", "--username", "office", "--role", "city"]
    staff = subprocess.run(
        [sys.executable, "-m", "quiz_api", *create_staff, "--password-stdin"],
        input="correct horse battery\n",
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )
    assert staff.returncode == 0, staff.stderr

    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(archive.read_bytes()[:1000])
    failures = {
        ("backup", "restore", str(archive)): "1 rows in staff_account",
        ("backup", "verify", str(damaged)): "unreadable archive",
        ("backup", "verify", str(tmp_path / "none.tar")): "no such file",
        ("backup", "create", "--out", str(archive), "--out-dir", str(tmp_path)): "either --out",
        ("backup", "create", "--out", str(archive), "--keep", "3"): "--keep prunes an --out-dir",
    }
    for args, message in failures.items():
        result = run(*args, env=env)
        assert result.returncode == 1, (args, result.stdout)
        assert "error:" in result.stderr and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert archive.stat().st_size > 1000  # the failed create left the archive alone


def test_restore_drops_this_deployments_ranks(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'quiz.sqlite3'}"
    env = {"QUIZ_DATABASE_URL": url, "QUIZ_REDIS_URL": redis_url()}
    assert run("db", "upgrade", env=env).returncode == 0
    archive = tmp_path / "quiz.tar"
    assert run("backup", "create", "--out", str(archive), env=env).returncode == 0
    client = redis.Redis.from_url(redis_url())
    board = f"quiz:rank:{Settings(database_url=url).redis_namespace}:c:adult:city:"
    client.zadd(board, {"1": 10})  # a result the restored database may not have
    try:
        result = run("backup", "restore", str(archive), "--force", env=env)
        assert result.returncode == 0, result.stderr
        assert "ranks in Redis dropped" in result.stdout
        assert not client.exists(board)
    finally:
        client.delete(board)
