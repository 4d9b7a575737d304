"""``python -m quiz_api``: the commands the office and operators run, as they run them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.plugins import factories
from tests.plugins.commands import run


@pytest.mark.parametrize(
    "command", [[], ["db"], ["bank"], ["campaign"], ["ranks"], ["setup"], ["serve"]]
)
def test_every_command_has_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_validate_the_shipped_bank() -> None:
    result = run("bank", "validate")
    assert result.returncode == 0, result.stderr
    assert "questions valid" in result.stdout and "campaign(s) fillable" in result.stdout


def test_a_broken_bank_fails_with_file_line_and_field(tmp_path: Path) -> None:
    broken = factories.question("q-broken-ja")
    del broken["explanation"]["ja"]
    content = factories.write_content(tmp_path, [broken], [])
    result = run(
        "bank", "validate", str(content / "quiz"), "--campaigns", str(content / "campaigns")
    )
    assert result.returncode == 1
    assert f"{content / 'quiz' / 'bank.yaml'}:" in result.stderr
    assert "question q-broken-ja" in result.stderr and "explanation.ja" in result.stderr
    assert "Traceback" not in result.stderr


def test_setup_migrates_and_imports_idempotently(tmp_path: Path) -> None:
    content = factories.write_content(
        tmp_path / "content", factories.standard_bank(), [factories.campaign()]
    )
    env = {
        "QUIZ_DATABASE_URL": f"sqlite:///{tmp_path / 'q.sqlite3'}",
        "QUIZ_CONTENT_DIR": str(content),
    }
    first = run("setup", env=env)
    assert first.returncode == 0, first.stderr
    assert f"questions: {len(factories.standard_bank())} added" in first.stdout
    assert "campaign test-campaign: added" in first.stdout
    again = run("setup", env=env)
    assert again.returncode == 0, again.stderr
    assert "0 added, 0 changed (new version)" in again.stdout and "unchanged" in again.stdout


def test_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    env = {"QUIZ_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    result = run("db", "upgrade", env=env)
    assert result.returncode == 1
    assert "cannot reach the database" in result.stderr and "Traceback" not in result.stderr


def test_production_refuses_the_default_secret() -> None:
    result = run("db", "current", env={"QUIZ_ENV": "production", "QUIZ_SECRET_KEY": ""})
    assert result.returncode == 1
    assert "QUIZ_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_campaign_import_checks_the_bank_in_the_database(tmp_path: Path) -> None:
    env = {"QUIZ_DATABASE_URL": f"sqlite:///{tmp_path / 'q.sqlite3'}"}
    assert run("db", "upgrade", env=env).returncode == 0
    folder = tmp_path / "campaigns"
    folder.mkdir()
    (folder / "c.yaml").write_text(yaml.safe_dump(factories.campaign()), "utf-8")
    result = run("campaign", "import", str(folder), env=env)
    assert result.returncode == 1 and "import the bank first" in result.stderr


def test_a_bad_roster_lists_every_rejected_row_and_imports_nothing(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "school_code,school_name,district,level,grade,class,enrolled\n"
        "T001,测试小学,黄浦区,primary,3,1班,40\n"
        "T001,测试小学,火星区,primary,3,2班,38\n"
        "T001,测试小学,黄浦区,primary,4,1班,-5\n",
        "utf-8",
    )
    env = {"QUIZ_DATABASE_URL": f"sqlite:///{tmp_path / 'q.sqlite3'}"}
    assert run("db", "upgrade", env=env).returncode == 0
    result = run("schools", "import", str(roster), env=env)
    assert result.returncode == 1
    assert result.stderr.count("roster.csv: ") == 2  # one line per rejected row
    assert "2 row(s) rejected; nothing was imported" in result.stderr
    assert "Traceback" not in result.stderr
    missing = run("schools", "import", str(tmp_path / "none.csv"), env=env)
    assert missing.returncode == 1 and "no file" in missing.stderr


def test_ranks_reset_drops_this_deployments_boards_only(tmp_path: Path) -> None:
    import redis

    from quiz_api.core.config import Settings
    from tests.plugins.database import redis_url

    url, other = f"sqlite:///{tmp_path / 'a.sqlite3'}", f"sqlite:///{tmp_path / 'b.sqlite3'}"
    client = redis.Redis.from_url(redis_url())
    mine = f"quiz:rank:{Settings(database_url=url).redis_namespace}:c:adult:city:"
    theirs = f"quiz:rank:{Settings(database_url=other).redis_namespace}:c:adult:city:"
    client.zadd(mine, {"1": 10})
    client.zadd(theirs, {"1": 10})
    result = run("ranks", "reset", env={"QUIZ_DATABASE_URL": url, "QUIZ_REDIS_URL": redis_url()})
    assert result.returncode == 0, result.stderr
    assert not client.exists(mine) and client.exists(theirs)
    client.delete(theirs)
    without = run("ranks", "reset", env={"QUIZ_DATABASE_URL": url, "QUIZ_REDIS_URL": ""})
    assert without.returncode == 1 and "QUIZ_REDIS_URL is not set" in without.stderr
