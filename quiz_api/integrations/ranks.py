"""Ranks on the leaderboards from Redis sorted sets, so that a rank costs O(log n) instead of
counting the participants ahead in the database (109-259 ms for a middle rank among 500,000:
docs/benchmarks.md).

One sorted set per board (campaign, track, and city, district or school), member the
participant id, score ``score * 2**32 - duration_ms``: higher is better, as on the boards.
``ZADD GT`` keeps each member's best, so writers never need to read first and the order
in which workers record does not matter. A rank is

    1 + (members with a higher sorted-set score: ZCOUNT)
      + (participants with the same score and duration who got there first: the database)

The last term keeps the boards' exact tie order (who got there first) and is an indexed
count over one (score, duration) pair, nearly always empty.

Redis keeps nothing the database does not have: a board is used only once a rebuild from
``best_score`` has finished for its campaign and track (a marker key says so). When Redis is
new, restarted or emptied, ranks come from the database count while one worker rebuilds in
the background (a Redis lock keeps it to one). When Redis cannot be reached, ranks come from
the database, and recording is skipped (the next rebuild catches up: see ``forget``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection, Engine

from quiz_api.db.models import BEST_SCORE, Result
from quiz_api.integrations import metrics
from quiz_api.services.leaderboards import Scope, ahead_of, count_rank, same_board

logger = logging.getLogger(__name__)

KEY_PREFIX = "quiz:rank:"
REBUILD_LOCK_SECONDS = 600
REDIS_RETRY_SECONDS = 5.0
_DURATION_SPAN = 2**32  # milliseconds: 49 days, far above any time limit


def board_score(score: int, duration_ms: int) -> int:
    """The sorted-set score: exact in a double for scores below 2**21."""
    return score * _DURATION_SPAN - min(max(duration_ms, 0), _DURATION_SPAN - 1)


def _mine_statement(scope: Scope) -> Any:
    """The participant's best, with the number of participants on the same board who have
    the same score and duration and got there first."""
    me, tie = BEST_SCORE.alias("me"), BEST_SCORE.alias("tie")
    ties_ahead = (
        select(func.count())
        .select_from(tie)
        .where(
            *same_board(tie, me, scope),
            tie.c.score == me.c.score,
            tie.c.duration_ms == me.c.duration_ms,
            ahead_of(tie.c, me.c),  # with both equal: who got there first
        )
        .scalar_subquery()
    )
    return select(
        me.c.campaign_id,
        me.c.track,
        me.c.district,
        me.c.school_code,
        me.c.score,
        me.c.duration_ms,
        ties_ahead.label("ties_ahead"),
    ).where(me.c.participant_id == bindparam("participant_id"))


_MINE = {scope: _mine_statement(scope) for scope in ("city", "district", "school")}
_BOARD_ROWS = select(
    BEST_SCORE.c.participant_id,
    BEST_SCORE.c.district,
    BEST_SCORE.c.school_code,
    BEST_SCORE.c.score,
    BEST_SCORE.c.duration_ms,
).where(
    BEST_SCORE.c.campaign_id == bindparam("campaign_id"),
    BEST_SCORE.c.track == bindparam("track"),
)


class RankIndex:
    """The boards' sorted sets in Redis, for one deployment (``namespace``)."""

    def __init__(self, url: str, namespace: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self._prefix = f"{KEY_PREFIX}{namespace}:"
        self._down_until = 0.0
        self._missed = False  # a record was lost while Redis was away
        self._rebuilding: dict[tuple[str, str], threading.Thread] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Wait for the rebuilds under way (they read the application's engine), then close
        the connections to Redis."""
        with self._lock:
            threads = list(self._rebuilding.values())
        for thread in threads:
            thread.join()
        self._redis.close()

    # Keys -------------------------------------------------------------------------------

    def _board(self, campaign_id: str, track: str, scope: str, code: str | None) -> str:
        return f"{self._prefix}{campaign_id}:{track}:{scope}:{code or ''}"

    def _boards(
        self, campaign_id: str, track: str, district: str | None, school: str | None
    ) -> Iterable[str]:
        yield self._board(campaign_id, track, "city", None)
        if district:
            yield self._board(campaign_id, track, "district", district)
        if school:
            yield self._board(campaign_id, track, "school", school)

    def _ready_key(self, campaign_id: str, track: str) -> str:
        return f"{self._prefix}{campaign_id}:{track}:ready"

    # Redis calls, each falling back quietly while Redis is away ------------------------------

    def _call(self, what: str, work: Any) -> Any:
        """``work()``, or None while Redis is away. A record lost to an outage makes the
        boards stale: once Redis answers again, they are marked for a rebuild first."""
        if time.monotonic() < self._down_until:
            self._missed = self._missed or what == "record"
            metrics.redis_fallback()
            return None
        try:
            if self._missed:
                for key in self._redis.scan_iter(f"{self._prefix}*:ready", count=1000):
                    self._redis.delete(key)
                self._missed = False
            return work()
        except self._errors as exc:
            logger.warning(
                "ranks: Redis unreachable during %s (%s): ranks from the database", what, exc
            )
            self._down_until = time.monotonic() + REDIS_RETRY_SECONDS
            self._missed = self._missed or what == "record"
            metrics.redis_fallback()
            return None

    def record(
        self,
        campaign_id: str,
        track: str,
        district: str | None,
        school: str | None,
        participant_id: int,
        score: int,
        duration_ms: int,
    ) -> None:
        """A stored result: its boards keep the better of it and the participant's best."""
        value = board_score(score, duration_ms)

        def work() -> None:
            pipe = self._redis.pipeline(transaction=False)
            for key in self._boards(campaign_id, track, district, school):
                pipe.zadd(key, {str(participant_id): value}, gt=True)
            pipe.execute()

        self._call("record", work)

    def record_result(self, result: Result) -> None:
        """``record`` of a stored result that is on the boards (not held)."""
        self.record(
            result.campaign_id,
            result.track,
            result.district,
            result.school_code,
            result.participant_id,
            result.score,
            result.duration_ms,
        )

    def withdraw(
        self,
        campaign_id: str,
        track: str,
        district: str | None,
        school: str | None,
        participant_id: int,
        best: tuple[int, int] | None,
    ) -> None:
        """A participant's best was taken back (a result held after the fact): their boards
        forget them, then keep ``best`` (score, duration) when they have another result.
        The reverse of ``record``, which can only raise a member's score."""

        def work() -> None:
            pipe = self._redis.pipeline(transaction=True)
            for key in self._boards(campaign_id, track, district, school):
                pipe.zrem(key, str(participant_id))
                if best is not None:
                    pipe.zadd(key, {str(participant_id): board_score(*best)})
            pipe.execute()

        # Lost while Redis is away: "record" marks the boards for a rebuild from the
        # database, which has the right best scores.
        self._call("record", work)

    def rank(
        self, connection: Connection, participant_id: int, scope: Scope = "city"
    ) -> int | None:
        """The participant's rank on their board of ``scope``; None before their first
        result. Counted in the database while the board is not ready in Redis."""
        mine = connection.execute(_MINE[scope], {"participant_id": participant_id}).first()
        if mine is None:
            return None
        code = {"city": None, "district": mine.district, "school": mine.school_code}[scope]
        key = self._board(mine.campaign_id, mine.track, scope, code)
        value = board_score(mine.score, mine.duration_ms)

        def work() -> tuple[Any, Any]:
            pipe = self._redis.pipeline(transaction=False)
            pipe.exists(self._ready_key(mine.campaign_id, mine.track))
            pipe.zcount(key, f"({value}", "+inf")
            ready, higher = pipe.execute()
            return ready, higher

        answer = self._call("rank", work)
        if answer is None:  # Redis away
            return count_rank(connection, participant_id, scope)
        ready, higher = answer
        if not ready:
            self.rebuild_soon(connection.engine, mine.campaign_id, mine.track)
            return count_rank(connection, participant_id, scope)
        return 1 + int(higher) + int(mine.ties_ahead)

    # Rebuilding ----------------------------------------------------------------------------

    def rebuild_soon(self, engine: Engine, campaign_id: str, track: str) -> threading.Thread | None:
        """Rebuild a track's boards in a background thread, unless this worker is at it.
        Returns the thread (tests join it)."""
        key = (campaign_id, track)

        def run() -> None:
            try:
                self.rebuild(engine, campaign_id, track)
            except Exception:  # logged; the next rank asks again
                logger.exception("ranks: rebuilding %s/%s failed", campaign_id, track)
            finally:
                with self._lock:
                    self._rebuilding.pop(key, None)

        with self._lock:
            if key in self._rebuilding:
                return None
            thread = threading.Thread(target=run, name=f"ranks-{campaign_id}-{track}", daemon=True)
            self._rebuilding[key] = thread
        thread.start()
        return thread

    def rebuild(self, engine: Engine, campaign_id: str, track: str, batch: int = 5_000) -> bool:
        """Fill a track's boards from ``best_score`` and mark them ready. Returns False when
        another worker holds the rebuild lock (it will mark them ready)."""
        lock = f"{self._prefix}{campaign_id}:{track}:rebuilding"
        if not self._redis.set(lock, "1", nx=True, ex=REBUILD_LOCK_SECONDS):
            return False
        try:
            started = time.monotonic()
            count = 0
            with engine.connect() as connection:
                rows = connection.execution_options(stream_results=True).execute(
                    _BOARD_ROWS, {"campaign_id": campaign_id, "track": track}
                )
                for chunk in rows.partitions(batch):
                    pipe = self._redis.pipeline(transaction=False)
                    for row in chunk:
                        value = board_score(row.score, row.duration_ms)
                        for key in self._boards(campaign_id, track, row.district, row.school_code):
                            pipe.zadd(key, {str(row.participant_id): value}, gt=True)
                    pipe.execute()
                    count += len(chunk)
            self._redis.set(self._ready_key(campaign_id, track), "1")
            logger.info(
                "ranks: %s/%s rebuilt from the database: %d participants in %.1f s",
                campaign_id,
                track,
                count,
                time.monotonic() - started,
            )
            return True
        finally:
            self._redis.delete(lock)

    def forget(self) -> None:
        """Drop every board of this deployment (tests; or to force a rebuild)."""
        keys = list(self._redis.scan_iter(f"{self._prefix}*", count=1000))
        if keys:
            self._redis.delete(*keys)


def redis_reachable(url: str | None, timeout: float = 1.0) -> bool:
    """Whether the Redis server at ``url`` answers a PING within ``timeout`` (readiness)."""
    import redis

    if not url:
        return False
    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()
