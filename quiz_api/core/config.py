"""One place for configuration: environment variables prefixed ``QUIZ_`` (or a ``.env`` file).

Related settings are grouped in nested models (``settings.db.pool_size``), and each group
keeps its flat environment names: ``QUIZ_DB_POOL_SIZE`` fills ``db.pool_size``,
``QUIZ_WECHAT_APP_ID`` fills ``wechat.app_id``. The name after ``QUIZ_<GROUP>_`` is the
field's whole name (``env_nested_max_split=1``: never split further), so fields with
underscores in their names work."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SECRET = "development-only-secret-change-me"
# The public site's base URL (`make run` serves it here). One setting, SITE_URL, read by the
# site build (canonical links) and by the API (the school kits' links and QR codes), so a
# printed poster points where the site really is.
SITE_URL_ENV = "SITE_URL"
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


def normalise_site_url(url: str | None) -> str:
    """The site's base URL, the default when unset, always ending with '/'."""
    value = (url or "").strip() or DEFAULT_SITE_URL
    return value if value.endswith("/") else value + "/"


class DbPoolConfig(BaseModel):
    """``QUIZ_DB_*``: SQLAlchemy's pool for server databases (PostgreSQL); ignored by SQLite.

    Keep the pool as large as the requests a worker runs at once: a connection opened beyond
    it (overflow) is closed after its request, and a new PostgreSQL backend per request cost
    a quarter of the throughput (docs/benchmarks.md). Pool + overflow = the thread pool's 40."""

    pool_size: int = 20
    max_overflow: int = 20
    # Seconds a request waits for a free connection before it is answered 503 (busy).
    pool_timeout: float = 5.0


class RateLimitConfig(BaseModel):
    """``QUIZ_RATE_LIMIT_*``: limits on joining and starting attempts, "N/S": a burst of N
    requests, refilled evenly over S seconds. Per address, generous: a whole school shares
    one NAT address and starts in the same minute (see docs/production.md). "off" disables
    a limit."""

    join_per_address: str = "6000/600"
    start_per_address: str = "6000/600"
    start_per_participant: str = "20/60"


class StaffConfig(BaseModel):
    """``QUIZ_STAFF_*``: the staff side."""

    # Lifetime of a staff token (QUIZ_STAFF_TOKEN_MINUTES).
    token_minutes: int = 30


class ReportConfig(BaseModel):
    """``QUIZ_REPORT_*``: the staff's reports."""

    # Target registration rate: classes and schools below it are listed first.
    target_rate: float = 0.9


class WechatConfig(BaseModel):
    """``QUIZ_WECHAT_*``; WeChat is off unless both the app id and the secret are set."""

    app_id: str | None = None
    app_secret: str | None = None
    api_base: str = "https://api.weixin.qq.com"
    open_base: str = "https://open.weixin.qq.com"
    timeout_seconds: float = 5.0

    @property
    def enabled(self) -> bool:
        return bool(self.app_id and self.app_secret)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="QUIZ_",
        env_file=".env",
        extra="ignore",
        env_nested_delimiter="_",
        env_nested_max_split=1,
        populate_by_name=True,
    )

    env: Literal["development", "test", "production"] = "development"
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'quiz.sqlite3'}"
    secret_key: str = DEFAULT_SECRET
    content_dir: Path = PROJECT_ROOT / "content"
    site_dir: Path = PROJECT_ROOT / "site"
    # The public site's base URL: env SITE_URL, the one the site build reads (QUIZ_SITE_URL
    # is accepted too).
    site_url: str = Field(
        default=DEFAULT_SITE_URL, validation_alias=AliasChoices(SITE_URL_ENV, "QUIZ_SITE_URL")
    )
    # The campaign served when a request names none; by default the one open now.
    campaign: str | None = None
    # Seconds after the deadline during which a submission still counts (network latency).
    submit_grace_seconds: int = 30
    leaderboard_size: int = 50
    # Seconds a worker shows the same top of a board (the caller's own rank is always fresh).
    leaderboard_cache_seconds: float = Field(default=2.0, ge=0)
    # Last grade of primary school where a student's school is both primary and secondary:
    # 6 in most of China, 5 where schools follow the "5+4" system (Shanghai).
    primary_last_grade: int = Field(default=6, ge=4, le=6)
    # Seconds between a worker's integrity sweeps (quiz_api/services/integrity.py: the
    # further signals that hold results after the fact); a campaign is swept by one worker
    # per interval. 0: no background sweep (run `python -m quiz_api contest sweep` instead).
    integrity_sweep_seconds: float = Field(default=60.0, ge=0)
    db: DbPoolConfig = DbPoolConfig()
    # Admission control (quiz_api/api/overload.py): API requests a worker runs at once; the
    # next wait for a place in arrival order, and after admission_wait_seconds are answered
    # 503 server-busy with Retry-After, having done nothing. 0 = no bound.
    max_in_flight: int = Field(default=16, ge=0)
    admission_wait_seconds: float = Field(default=0.5, ge=0)
    # Production: Redis shared by all workers for rate limits, ranks and WeChat's tokens
    # (redis://host:6379/0). Without it every worker process counts on its own (logged once
    # when the worker starts).
    redis_url: str | None = None
    rate_limit: RateLimitConfig = RateLimitConfig()
    # Proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed.
    trusted_proxies: str = "127.0.0.1,::1"
    # GET /api/v1/noop for the load tests' efficiency ratio; off in real deployments.
    benchmark_endpoints: bool = False
    # GET /metrics and the HTTP metrics (QUIZ_METRICS=false turns them off, for the
    # benchmark's comparison; the services' event counters stay).
    metrics: bool = True
    staff: StaffConfig = StaffConfig()
    report: ReportConfig = ReportConfig()
    wechat: WechatConfig = WechatConfig()

    @field_validator("site_url")
    @classmethod
    def _site_url_slash(cls, value: str) -> str:
        return normalise_site_url(value)

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.env == "production" and self.secret_key == DEFAULT_SECRET:
            raise ValueError(
                "QUIZ_SECRET_KEY is still the development default; set a long random value "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        if self.env == "production" and len(self.secret_key) < 32:
            raise ValueError("QUIZ_SECRET_KEY must be at least 32 characters in production")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def redis_namespace(self) -> str:
        """Keys in Redis are namespaced by deployment (its database), so that a staging
        server, a test run or a load test sharing the Redis server never mix with production."""
        return hashlib.sha256(self.database_url.encode()).hexdigest()[:12]


@lru_cache
def get_settings() -> Settings:
    """The settings of this process, read once (commands; the app gets its own)."""
    return Settings()
