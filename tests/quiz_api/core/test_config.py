"""One Settings: the documented flat QUIZ_ names fill the nested groups."""

from __future__ import annotations

import os
from operator import attrgetter
from pathlib import Path

import pytest

from quiz_api.core.config import Settings

# Every grouped variable that docs/ and deploy/ name: its value, where it lands, as what.
DOCUMENTED: dict[str, tuple[str, str, object]] = {
    "QUIZ_DB_POOL_SIZE": ("7", "db.pool_size", 7),
    "QUIZ_DB_MAX_OVERFLOW": ("3", "db.max_overflow", 3),
    "QUIZ_DB_POOL_TIMEOUT": ("1.5", "db.pool_timeout", 1.5),
    "QUIZ_RATE_LIMIT_JOIN_PER_ADDRESS": ("5/60", "rate_limit.join_per_address", "5/60"),
    "QUIZ_RATE_LIMIT_START_PER_ADDRESS": ("6/60", "rate_limit.start_per_address", "6/60"),
    "QUIZ_RATE_LIMIT_START_PER_PARTICIPANT": (
        "off",
        "rate_limit.start_per_participant",
        "off",
    ),
    "QUIZ_STAFF_TOKEN_MINUTES": ("45", "staff.token_minutes", 45),
    "QUIZ_REPORT_TARGET_RATE": ("0.8", "report.target_rate", 0.8),
    "QUIZ_WECHAT_APP_ID": ("wx123", "wechat.app_id", "wx123"),
    "QUIZ_WECHAT_APP_SECRET": ("shh", "wechat.app_secret", "shh"),
    "QUIZ_WECHAT_API_BASE": ("http://fake", "wechat.api_base", "http://fake"),
    "QUIZ_WECHAT_OPEN_BASE": ("http://open", "wechat.open_base", "http://open"),
    "QUIZ_WECHAT_TIMEOUT_SECONDS": ("2", "wechat.timeout_seconds", 2.0),
    # Flat names beside the groups keep their own fields.
    "QUIZ_DATABASE_URL": ("sqlite:///x.sqlite3", "database_url", "sqlite:///x.sqlite3"),
    "QUIZ_REDIS_URL": ("redis://r:6379/1", "redis_url", "redis://r:6379/1"),
    "QUIZ_TRUSTED_PROXIES": ("10.0.0.0/8", "trusted_proxies", "10.0.0.0/8"),
    "QUIZ_MAX_IN_FLIGHT": ("4", "max_in_flight", 4),
    "QUIZ_LEADERBOARD_CACHE_SECONDS": ("3", "leaderboard_cache_seconds", 3.0),
}


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No QUIZ_ variable of the machine running the tests, and no .env file."""
    for name in [n for n in os.environ if n.startswith("QUIZ_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def test_the_documented_environment_names_fill_the_nested_groups(
    clean_env: pytest.MonkeyPatch,
) -> None:
    for name, (value, _, _) in DOCUMENTED.items():
        clean_env.setenv(name, value)
    settings = Settings()
    for name, (_, field, expected) in DOCUMENTED.items():
        assert attrgetter(field)(settings) == expected, name
    assert settings.wechat.enabled


def test_a_dotenv_file_fills_the_groups_too(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("QUIZ_DB_POOL_SIZE=9\nQUIZ_WECHAT_APP_ID=wx-file\n")
    settings = Settings()
    assert settings.db.pool_size == 9 and settings.wechat.app_id == "wx-file"
    assert not settings.wechat.enabled  # no secret: WeChat stays off


def test_groups_keep_their_defaults_when_nothing_is_set(clean_env: pytest.MonkeyPatch) -> None:
    settings = Settings()
    assert (settings.db.pool_size, settings.db.max_overflow) == (20, 20)
    assert settings.rate_limit.start_per_participant == "20/60"
    assert settings.staff.token_minutes == 30 and settings.report.target_rate == 0.9
    assert settings.wechat.app_id is None and not settings.wechat.enabled
