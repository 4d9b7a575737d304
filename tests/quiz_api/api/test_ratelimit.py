"""Rate limits on joining and starting attempts (quiz_api/api/ratelimit.py), and the no-op
endpoint of the load tests. Time moves with the Clock, never by waiting."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from quiz_api.api.app import create_app
from quiz_api.api.deps import get_now
from quiz_api.api.ratelimit import Limit, MemoryStore, RedisStore, client_address, parse_networks
from quiz_api.core.config import RateLimitConfig, Settings
from tests.plugins.app import Clock, assert_problem
from tests.plugins.database import redis_url

ClientFactory = Callable[..., Any]


@pytest.fixture
def limited(
    settings: Settings, engine: Engine, db: Session, clock: Clock
) -> Iterator[ClientFactory]:
    """A client of an app whose settings the test chooses (peer address included)."""
    clients: list[TestClient] = []

    def make(peer: str = "203.0.113.9", **changes: Any) -> TestClient:
        custom = settings.model_copy(update=changes)
        app = create_app(custom)
        app.dependency_overrides[get_now] = clock
        test_client = TestClient(app, client=(peer, 40000))
        clients.append(test_client.__enter__())
        return test_client

    yield make
    for test_client in clients:
        test_client.__exit__(None, None, None)


def _join(client: TestClient, **headers: str) -> Any:
    return client.post("/api/v1/participants", json={"track": "adult"}, headers=headers)


def test_join_is_limited_per_address_with_retry_after(limited: ClientFactory, clock: Clock) -> None:
    client = limited(rate_limit=RateLimitConfig(join_per_address="3/60"))
    assert [_join(client).status_code for _ in range(3)] == [201, 201, 201]
    refused = _join(client)
    body = assert_problem(refused, 429, "rate-limited")
    # One request comes back every 60/3 = 20 s.
    assert refused.headers["Retry-After"] == "20" and body["retry_after"] == 20
    clock.advance(seconds=19)
    assert _join(client).status_code == 429
    clock.advance(seconds=1)
    assert _join(client).status_code == 201
    assert _join(client).status_code == 429


def test_addresses_behind_a_trusted_proxy_are_counted_apart(limited: ClientFactory) -> None:
    proxy = limited(peer="127.0.0.1", rate_limit=RateLimitConfig(join_per_address="1/60"))
    assert _join(proxy, **{"X-Forwarded-For": "198.51.100.1"}).status_code == 201
    assert _join(proxy, **{"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    assert _join(proxy, **{"X-Forwarded-For": "198.51.100.2"}).status_code == 201
    # A client claiming an address in front of the proxy's own entry is still counted as
    # the address the proxy saw.
    spoofed = {"X-Forwarded-For": "192.0.2.77, 198.51.100.2"}
    assert _join(proxy, **spoofed).status_code == 429


def test_forwarded_for_from_an_untrusted_peer_is_ignored(limited: ClientFactory) -> None:
    direct = limited(peer="203.0.113.50", rate_limit=RateLimitConfig(join_per_address="1/60"))
    assert _join(direct, **{"X-Forwarded-For": "198.51.100.3"}).status_code == 201
    assert _join(direct, **{"X-Forwarded-For": "198.51.100.4"}).status_code == 429


def test_start_is_limited_per_participant(limited: ClientFactory, clock: Clock) -> None:
    client = limited(rate_limit=RateLimitConfig(start_per_participant="2/60"))
    alice = {"Authorization": f"Bearer {_join(client).json()['token']}"}
    bob = {"Authorization": f"Bearer {_join(client).json()['token']}"}
    assert client.post("/api/v1/attempts", headers=alice).status_code == 201
    assert client.post("/api/v1/attempts", headers=alice).status_code == 200  # still open
    refused = client.post("/api/v1/attempts", headers=alice)
    assert_problem(refused, 429, "rate-limited")
    assert refused.headers["Retry-After"] == "30"
    assert client.post("/api/v1/attempts", headers=bob).status_code == 201
    clock.advance(seconds=30)
    assert client.post("/api/v1/attempts", headers=alice).status_code == 200


def test_start_is_limited_per_address(limited: ClientFactory) -> None:
    client = limited(rate_limit=RateLimitConfig(start_per_address="1/60"))
    alice = {"Authorization": f"Bearer {_join(client).json()['token']}"}
    bob = {"Authorization": f"Bearer {_join(client).json()['token']}"}
    assert client.post("/api/v1/attempts", headers=alice).status_code == 201
    assert_problem(client.post("/api/v1/attempts", headers=bob), 429, "rate-limited")


def test_a_whole_school_behind_one_address_starts_together_with_the_defaults(
    limited: ClientFactory, clock: Clock
) -> None:
    """The defaults let 3,000 joins and 3,000 starts through one NAT address in a minute."""
    defaults = Settings(secret_key="x" * 40)
    limits = [
        Limit.parse(defaults.rate_limit.join_per_address),
        Limit.parse(defaults.rate_limit.start_per_address),
    ]
    store = MemoryStore()
    for n, limit in enumerate(limits):
        assert limit is not None
        now_ms = 0
        for _ in range(3000):  # 50 a second for a minute
            assert store.hit(f"{n}:school", now_ms, limit) == 0
            now_ms += 20
    per_participant = Limit.parse(defaults.rate_limit.start_per_participant)
    assert per_participant is not None and per_participant.count >= 10


def test_limits_can_be_switched_off(limited: ClientFactory) -> None:
    client = limited(rate_limit=RateLimitConfig(join_per_address="off"))
    assert Limit.parse("off") is None
    assert all(_join(client).status_code == 201 for _ in range(5))


@pytest.mark.parametrize("text", ["10", "0/60", "10/0", "ten/60", "10/sixty"])
def test_malformed_limits_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="N/S"):
        Limit.parse(text)


def test_client_address_walks_forwarded_for_past_trusted_proxies_only() -> None:
    trusted = parse_networks("127.0.0.1,10.0.0.0/8,::1")
    assert client_address("203.0.113.1", ["198.51.100.1"], trusted) == "203.0.113.1"
    assert client_address("127.0.0.1", ["198.51.100.1"], trusted) == "198.51.100.1"
    # Two proxies in a row (a load balancer then nginx): the first untrusted from the right.
    assert client_address("127.0.0.1", ["1.2.3.4, 198.51.100.1, 10.1.2.3"], trusted) == (
        "198.51.100.1"
    )
    assert client_address("::1", ["2001:db8::5"], trusted) == "2001:db8::5"
    assert client_address("127.0.0.1", [], trusted) == "127.0.0.1"
    assert client_address(None, [], trusted) == "unknown"


def test_redis_store_counts_like_the_memory_store() -> None:
    store, memory = RedisStore(redis_url()), MemoryStore()
    limit = Limit(count=3, period_ms=60_000)
    key = f"test:{uuid.uuid4().hex}"
    now = 1_800_000_000_000
    for step in (0, 0, 0, 0, 19_999, 20_000, 20_000, 45_000):
        assert store.hit(key, now + step, limit) == memory.hit(key, now + step, limit)


def test_workers_sharing_redis_share_the_limit() -> None:
    url = redis_url()
    first, second = RedisStore(url), RedisStore(url)
    limit = Limit(count=2, period_ms=60_000)
    key = f"test:{uuid.uuid4().hex}"
    assert first.hit(key, 0, limit) == 0
    assert second.hit(key, 0, limit) == 0
    assert first.hit(key, 0, limit) == 30_000


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_a_request_counts_against_all_its_keys_or_none(kind: str) -> None:
    """A start counts per participant and per address in one step: when the address is
    refused, the participant's allowance is not spent either."""
    store: MemoryStore | RedisStore = MemoryStore() if kind == "memory" else RedisStore(redis_url())
    person, school = f"test:p:{uuid.uuid4().hex}", f"test:a:{uuid.uuid4().hex}"
    one_a_minute = Limit(count=1, period_ms=60_000)
    assert store.hit(school, 0, one_a_minute) == 0  # the address has used its one
    both = [(person, one_a_minute), (school, one_a_minute)]
    assert store.hit_all(both, 1_000) == (59_000, 1)  # refused by the address (index 1)
    assert store.hit(person, 1_000, one_a_minute) == 0  # the person's one is still there
    assert store.hit_all(both, 61_000) == (0, -1)


def test_a_redis_that_forgot_the_script_is_given_it_again() -> None:
    """A restarted Redis has no scripts: the store sends the script itself and goes on."""
    import redis

    store = RedisStore(redis_url())
    limit = Limit(count=1, period_ms=60_000)
    key = f"test:{uuid.uuid4().hex}"
    assert store.hit(key, 0, limit) == 0
    redis.Redis.from_url(redis_url()).script_flush()
    assert store.hit(key, 0, limit) == 60_000  # still counted in Redis, not in memory
    assert RedisStore(redis_url()).hit(key, 0, limit) == 60_000


@contextmanager
def _no_redis() -> Iterator[RedisStore]:
    yield RedisStore("redis://:secret@127.0.0.1:1/0")


def test_without_redis_the_worker_counts_alone_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limit = Limit(count=1, period_ms=60_000)
    with caplog.at_level(logging.WARNING, logger="quiz_api.api.ratelimit"), _no_redis() as store:
        assert store.hit("k", 0, limit) == 0
        assert store.hit("k", 0, limit) == 60_000  # counted in memory: still limited
        assert store.hit("k", 60_000, limit) == 0
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "per worker" in warnings[0]
    assert "secret" not in warnings[0]


def test_the_noop_endpoint_answers_only_when_enabled(limited: ClientFactory) -> None:
    off = limited()
    assert_problem(off.get("/api/v1/noop"), 404, "not-found")
    on = limited(benchmark_endpoints=True)
    assert on.get("/api/v1/noop").json() == {"ok": True}
    assert "/api/v1/noop" not in on.get("/api/v1/openapi.json").json()["paths"]


def test_the_api_counts_in_redis_when_it_is_configured(limited: ClientFactory) -> None:
    peer = f"198.18.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    first = limited(
        peer=peer, redis_url=redis_url(), rate_limit=RateLimitConfig(join_per_address="1/3600")
    )
    second = limited(
        peer=peer, redis_url=redis_url(), rate_limit=RateLimitConfig(join_per_address="1/3600")
    )
    assert _join(first).status_code == 201
    # Another worker (another app with its own limiter) sees the same count.
    assert_problem(_join(second), 429, "rate-limited")


def test_deployments_sharing_a_redis_server_count_apart() -> None:
    url = redis_url()
    key = f"test:{uuid.uuid4().hex}"
    limit = Limit(count=1, period_ms=60_000)
    production, staging = RedisStore(url, namespace="prod"), RedisStore(url, namespace="staging")
    assert production.hit(key, 0, limit) == 0
    assert staging.hit(key, 0, limit) == 0
    assert production.hit(key, 0, limit) > 0
