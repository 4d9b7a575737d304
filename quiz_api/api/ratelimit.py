"""Rate limits on joining and starting attempts: per client address and per participant.

Each limit is a generic cell rate algorithm (GCRA): "N/S" allows a burst of N requests, then
one more every S/N seconds. The state of a key is one number, the theoretical arrival time,
kept in Redis when ``QUIZ_REDIS_URL`` is set (shared by every worker on every machine) and
in the worker's memory otherwise. Time comes from the request's clock (``NowDep``), so tests
move it by hand. A refused request gets a 429 ``/problems/rate-limited`` with ``Retry-After``.

Behind a reverse proxy the client address is taken from ``X-Forwarded-For``, walking from the
right past the trusted proxies only (``QUIZ_TRUSTED_PROXIES``): a client cannot choose its
own address by sending the header itself.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from typing import Annotated, Any, Protocol

from fastapi import Depends, Request

from quiz_api.api.deps import NowDep, ParticipantId
from quiz_api.core.config import Settings
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.integrations import metrics

logger = logging.getLogger(__name__)

KEY_PREFIX = "quiz:rl:"
REDIS_RETRY_SECONDS = 5.0
MEMORY_PRUNE_AT = 100_000  # keys kept in memory before expired ones are dropped

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Limit:
    """A burst of ``count`` requests, refilled evenly over ``period_ms``."""

    count: int
    period_ms: int

    @property
    def interval_ms(self) -> int:
        return max(1, self.period_ms // self.count)

    @classmethod
    def parse(cls, text: str) -> Limit | None:
        """``"N/S"`` (N requests per S seconds), or ``"off"`` for no limit."""
        text = text.strip().lower()
        if text in ("off", "none", ""):
            return None
        count, sep, seconds = text.partition("/")
        try:
            limit = cls(int(count), round(float(seconds.rstrip("s")) * 1000))
        except ValueError:
            limit = None
        if not sep or limit is None or limit.count < 1 or limit.period_ms < 1:
            raise ValueError(f"rate limit {text!r} is not N/S (e.g. 6000/600) or 'off'")
        return limit


def gcra(tat_ms: int | None, now_ms: int, limit: Limit) -> tuple[int, int]:
    """One request against a stored arrival time. Returns (new arrival time or the old one
    when refused, milliseconds to wait: 0 when allowed)."""
    tat = now_ms if tat_ms is None or tat_ms < now_ms else tat_ms
    new_tat = tat + limit.interval_ms
    allow_at = new_tat - limit.period_ms
    if now_ms < allow_at:
        return tat, allow_at - now_ms
    return new_tat, 0


Hit = tuple[str, Limit]  # a key and its limit


class Store(Protocol):
    def hit_all(self, hits: list[Hit], now_ms: int) -> tuple[int, int]:
        """Count one request against every key, all or none: (milliseconds to wait before
        retrying, 0 when allowed; the index of the first key that refused, else -1)."""

    def hit(self, key: str, now_ms: int, limit: Limit) -> int:
        """One key: milliseconds to wait before retrying, 0 when allowed."""

    def close(self) -> None:
        """Release the store's connection, if it has one."""


class MemoryStore:
    """Per-process counters: exact within one worker, N workers allow up to N times more."""

    def __init__(self) -> None:
        self._tats: dict[str, int] = {}
        self._lock = Lock()

    def close(self) -> None:
        """Nothing to release."""

    def hit_all(self, hits: list[Hit], now_ms: int) -> tuple[int, int]:
        with self._lock:
            new_tats = {}
            for index, (key, limit) in enumerate(hits):
                tat, wait = gcra(self._tats.get(key), now_ms, limit)
                if wait:
                    return wait, index
                new_tats[key] = tat
            self._tats.update(new_tats)
            if len(self._tats) > MEMORY_PRUNE_AT:
                self._tats = {k: v for k, v in self._tats.items() if v > now_ms}
            return 0, -1

    def hit(self, key: str, now_ms: int, limit: Limit) -> int:
        return self.hit_all([(key, limit)], now_ms)[0]


# The same arithmetic as gcra(), atomically in Redis, for every key of a request in one
# round trip (all or none); a key expires when it is back to idle.
_GCRA_LUA = """
local now = tonumber(ARGV[1])
local tats = {}
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i])
  local period = tonumber(ARGV[2 * i + 1])
  local tat = tonumber(redis.call('GET', key))
  if not tat or tat < now then tat = now end
  local new_tat = tat + interval
  local allow_at = new_tat - period
  if now < allow_at then return {allow_at - now, i - 1} end
  tats[i] = new_tat
end
for i, key in ipairs(KEYS) do
  redis.call('SET', key, tats[i], 'PX', math.max(1, tats[i] - now))
end
return {0, -1}
"""


class RedisStore:
    """Counters shared by every worker. When Redis cannot be reached the worker counts in
    its own memory (logged once per outage) and tries Redis again a few seconds later.

    The limits are checked in the event loop (async dependencies, see quiz_api/api/deps.py)
    with a blocking call: Redis on loopback or the LAN answers in a fraction of a
    millisecond, less than a hand-off to the thread pool costs, and the 0.25 s socket
    timeout bounds the worst case, after which the worker counts in memory for a while.

    The store talks over one connection of its own rather than through redis-py's client:
    the client's per-command bookkeeping (a pool checkout with a readiness poll and argument
    inspection) cost more worker time than the script under load (docs/benchmarks.md). A
    lock keeps the one connection to one request at a time."""

    def __init__(self, url: str, fallback: MemoryStore | None = None, namespace: str = "") -> None:
        import redis

        # Keys are namespaced by deployment (its database), so that a staging server, a test
        # run or a load test sharing the Redis server never counts against production.
        self._prefix = f"{KEY_PREFIX}{namespace}:" if namespace else KEY_PREFIX

        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self._no_script = redis.exceptions.NoScriptError
        pool = redis.ConnectionPool.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        self._connection: Any = pool.make_connection()  # redis-py's Connection is untyped
        self._sha = hashlib.sha1(_GCRA_LUA.encode()).hexdigest()
        self._lock = Lock()
        self._fallback = fallback or MemoryStore()
        self._down_until = 0.0
        self._url = url

    def _evaluate(self, keys: list[str], args: list[int]) -> Any:
        """The script's answer: by its digest, loading it first if the server lacks it
        (a new or restarted Redis)."""
        connection = self._connection
        with self._lock:
            try:
                connection.send_command("EVALSHA", self._sha, len(keys), *keys, *args)
                try:
                    return connection.read_response()
                except self._no_script:
                    connection.send_command("EVAL", _GCRA_LUA, len(keys), *keys, *args)
                    return connection.read_response()
            except BaseException:
                connection.disconnect()  # reconnects at the next command
                raise

    def hit_all(self, hits: list[Hit], now_ms: int) -> tuple[int, int]:
        if time.monotonic() >= self._down_until:
            args = [now_ms]
            for _, limit in hits:
                args += [limit.interval_ms, limit.period_ms]
            try:
                wait, index = self._evaluate([self._prefix + key for key, _ in hits], args)
            except self._errors as exc:
                if self._down_until == 0.0:
                    logger.warning(
                        "Redis at %s unreachable (%s): rate limits are counted per worker "
                        "until it is back",
                        _safe_url(self._url),
                        exc,
                    )
                self._down_until = time.monotonic() + REDIS_RETRY_SECONDS
            else:
                if self._down_until:
                    logger.warning("Redis is back: rate limits are shared again")
                    self._down_until = 0.0
                return int(wait), int(index)
        metrics.redis_fallback()
        return self._fallback.hit_all(hits, now_ms)

    def hit(self, key: str, now_ms: int, limit: Limit) -> int:
        return self.hit_all([(key, limit)], now_ms)[0]

    def close(self) -> None:
        with self._lock:
            self._connection.disconnect()


def _safe_url(url: str) -> str:
    """The Redis URL without its password, for logs."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme}{sep}{rest.rsplit('@', 1)[-1]}" if sep else url


def parse_networks(text: str) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(part.strip()) for part in text.split(",") if part.strip())


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(peer: str | None, forwarded_for: list[str], trusted: tuple[Network, ...]) -> str:
    """The client's address: the peer, or when the peer is a trusted proxy, the right-most
    X-Forwarded-For entry that is not a trusted proxy (entries left of it are the client's
    own claims)."""
    address = peer or "unknown"
    if not _trusted(address, trusted):
        return address
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = hop[:64]
        if not _trusted(address, trusted):
            break
    return address


class RateLimiter:
    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self.join_per_address = Limit.parse(settings.rate_limit.join_per_address)
        self.start_per_address = Limit.parse(settings.rate_limit.start_per_address)
        self.start_per_participant = Limit.parse(settings.rate_limit.start_per_participant)
        self.trusted = parse_networks(settings.trusted_proxies)
        if store is None:
            if settings.redis_url:
                store = RedisStore(settings.redis_url, namespace=settings.redis_namespace)
            else:
                logger.warning(
                    "QUIZ_REDIS_URL is not set: rate limits are counted per worker process"
                )
                store = MemoryStore()
        self.store = store

    def close(self) -> None:
        self.store.close()

    def address(self, request: Request) -> str:
        peer = request.client.host if request.client else None
        return client_address(peer, request.headers.getlist("x-forwarded-for"), self.trusted)

    def check(self, checks: list[tuple[str, str, Limit | None]], now: datetime) -> None:
        """Count the request under each (name, key, limit), all or none; a 429 when one of
        the limits is reached."""
        named = [(name, f"{name}:{key}", limit) for name, key, limit in checks if limit]
        if not named:
            return
        now_ms = int(now.timestamp() * 1000)
        wait_ms, index = self.store.hit_all([(key, limit) for _, key, limit in named], now_ms)
        if wait_ms > 0:
            retry_after = max(1, math.ceil(wait_ms / 1000))
            name = named[index][0]
            what = "this address" if name.endswith("address") else "this participant"
            metrics.refused("rate-limited")
            raise DomainError(
                ProblemType.rate_limited,
                f"too many requests from {what}: try again in {retry_after} s",
                retry_in_seconds=retry_after,
                retry_after=retry_after,
            )


async def get_rate_limiter(request: Request) -> RateLimiter:
    """The application's limiter (made by its lifespan, one per worker process)."""
    limiter: RateLimiter = request.state.resources.rate_limiter
    return limiter


Limiter = Annotated[RateLimiter, Depends(get_rate_limiter)]


async def limit_join(request: Request, limiter: Limiter, now: NowDep) -> None:
    """Dependency of POST /participants: per client address."""
    limiter.check([("join:address", limiter.address(request), limiter.join_per_address)], now)


async def limit_start(
    request: Request, limiter: Limiter, now: NowDep, participant_id: ParticipantId
) -> None:
    """Dependency of POST /attempts: per participant and per client address."""
    limiter.check(
        [
            ("start:participant", str(participant_id), limiter.start_per_participant),
            ("start:address", limiter.address(request), limiter.start_per_address),
        ],
        now,
    )


JoinRateLimit = Depends(limit_join)
StartRateLimit = Depends(limit_start)
