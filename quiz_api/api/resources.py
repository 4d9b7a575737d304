"""What one worker process keeps between requests, made from one ``Settings`` when the
application starts (``create_app``'s lifespan) and released when it stops. Routes get the
parts through the dependencies of ``quiz_api.api.deps``; services get them as arguments.
Nothing here is a module global: two applications in one process (tests, benchmarks) each
have their own database, caches and clients."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.engine import Engine

from quiz_api.content.daily import DailySpec
from quiz_api.core.config import Settings
from quiz_api.db.engine import make_engine
from quiz_api.integrations import metrics
from quiz_api.integrations.ranks import RankIndex
from quiz_api.integrations.wechat import TokenCache, token_cache
from quiz_api.services.caches import ContentCaches
from quiz_api.services.daily import load_daily_spec
from quiz_api.services.integrity import IntegritySweeper
from quiz_api.services.leaderboards import BoardCache
from quiz_api.services.question_report import AnalyticsRefresher
from quiz_api.services.reports import PastDaysCache
from quiz_api.services.schools import Districts, load_districts

if TYPE_CHECKING:
    # Imported where it is made: quiz_api.api.ratelimit depends on quiz_api.api.deps, which
    # hands out these resources.
    from quiz_api.api.ratelimit import RateLimiter


@dataclass(frozen=True)
class Resources:
    settings: Settings
    engine: Engine
    content: ContentCaches
    districts: Districts  # read from the content folder (QUIZ_CONTENT_DIR) at start-up
    daily: DailySpec | None  # content/daily/, read at start-up; None: no daily question
    past_days: PastDaysCache  # the city report's sums of past days, refreshed in threads
    analytics: AnalyticsRefresher  # the question analytics' sums, refreshed in threads
    boards: BoardCache
    rate_limiter: RateLimiter
    ranks: RankIndex | None  # None without Redis: ranks are counted in the database
    wechat_tokens: TokenCache
    sweeper: IntegritySweeper  # the integrity sweep's thread (off when the interval is 0)

    @classmethod
    def open(cls, settings: Settings) -> Resources:
        from quiz_api.api.ratelimit import RateLimiter

        engine = make_engine(settings)
        content = ContentCaches()
        metrics.forget_dead_workers()  # a worker that died before this one started
        # quiz_db_pool_in_use: counted as connections leave and return to the pool.
        event.listen(engine, "checkout", lambda *_: metrics.connection_checked_out())
        event.listen(engine, "checkin", lambda *_: metrics.connection_checked_in())
        ranks = (
            RankIndex(settings.redis_url, settings.redis_namespace) if settings.redis_url else None
        )
        sweeper = IntegritySweeper(engine, content, ranks, settings.integrity_sweep_seconds)
        sweeper.start()
        return cls(
            settings=settings,
            engine=engine,
            content=content,
            districts=load_districts(settings.content_dir),
            daily=load_daily_spec(settings.content_dir),
            past_days=PastDaysCache(engine),
            analytics=AnalyticsRefresher(engine, content),
            boards=BoardCache(settings.leaderboard_cache_seconds),
            rate_limiter=RateLimiter(settings),
            ranks=ranks,
            wechat_tokens=token_cache(settings.redis_url),
            sweeper=sweeper,
        )

    def close(self) -> None:
        """Wait for the refreshes under way (they use the engine), then let go of the
        Redis connections and the database's pool."""
        self.sweeper.stop()
        self.past_days.wait_for_refreshes()
        self.analytics.wait()
        self.rate_limiter.close()
        if self.ranks is not None:
            self.ranks.close()
        self.wechat_tokens.close()
        self.engine.dispose()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Resources]]:
    """The application's resources for as long as it serves. They travel in the lifespan's
    state (``request.state.resources``), not on ``app.state``: an application served twice
    at once (a test client inside another) has a set for each run."""
    resources = Resources.open(app.state.settings)
    try:
        yield {"resources": resources}
    finally:
        resources.close()
