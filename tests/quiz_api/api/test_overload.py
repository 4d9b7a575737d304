"""Overload and database outages: a 503 problem with Retry-After, at once (quiz_api/api/overload.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import anyio.to_thread
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from quiz_api.api import resources
from quiz_api.api.app import create_app
from quiz_api.api.deps import get_now
from quiz_api.core.config import DbPoolConfig, Settings
from quiz_api.core.tokens import participant_token
from quiz_api.db.models import Participant
from tests.plugins.app import Clock, assert_problem


@pytest.fixture
def tiny_pool(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    """The engine of the next application: one connection, given up on after 50 ms (on
    SQLite too, whose engine otherwise keeps a pool of its own size)."""
    small = create_engine(settings.database_url, pool_size=1, max_overflow=0, pool_timeout=0.05)
    monkeypatch.setattr(resources, "make_engine", lambda _settings: small)
    yield small
    small.dispose()


def test_a_worker_out_of_connections_answers_busy_at_once(
    settings: Settings, tiny_pool: Engine
) -> None:
    with TestClient(create_app(settings)) as client, tiny_pool.connect():  # the only one
        response = client.get("/api/v1/stats")
    assert_problem(response, 503, "server-busy")
    assert response.headers["Retry-After"] == "2"


def test_an_unreachable_database_answers_unavailable(settings: Settings) -> None:
    gone = DbPoolConfig(pool_timeout=1)
    nowhere = {"database_url": "postgresql+psycopg://postgres@127.0.0.1:1/none", "db": gone}
    token = participant_token(settings.secret_key, 1)
    with TestClient(create_app(settings.model_copy(update=nowhere))) as client:
        # checking the token reads the participant
        response = client.get(
            "/api/v1/participants/me", headers={"Authorization": f"Bearer {token}"}
        )
    assert_problem(response, 503, "database-unavailable")
    assert response.headers["Retry-After"] == "1"


def test_busy_and_unavailable_are_documented_problem_types() -> None:
    from quiz_api.api.problems import PROBLEMS
    from quiz_api.core.errors import ProblemType

    assert PROBLEMS[ProblemType.server_busy].title
    assert PROBLEMS[ProblemType.database_unavailable].title


class Gate:
    """The server's clock, held shut: every request that reads it stays in flight until the
    gate opens. ``entered`` counts the requests waiting at it."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.entered = threading.Semaphore(0)
        self.opened = threading.Event()

    async def __call__(self) -> datetime:
        self.entered.release()
        await anyio.to_thread.run_sync(lambda: self.opened.wait(30))
        return self.clock()


def test_a_worker_runs_max_in_flight_requests_and_refuses_one_that_waited_too_long(
    settings: Settings, engine: Engine, db: Session, clock: Clock
) -> None:
    bounded = {"max_in_flight": 2, "admission_wait_seconds": 0.2}
    app = create_app(settings.model_copy(update=bounded))
    gate = Gate(clock)
    app.dependency_overrides[get_now] = gate
    join = {"track": "adult", "lang": "zh"}
    with TestClient(app) as client, ThreadPoolExecutor(2) as pool:
        held = [pool.submit(client.post, "/api/v1/participants", json=join) for _ in range(2)]
        for _ in held:
            assert gate.entered.acquire(timeout=30), "a request did not reach the gate"
        refused = client.post("/api/v1/participants", json=join)  # after waiting 0.2 s
        health = client.get("/healthz")  # never refused: the load balancer must see it
        gate.opened.set()
        admitted = [future.result(timeout=30) for future in held]
        later = client.post("/api/v1/participants", json=join)
    assert_problem(refused, 503, "server-busy")
    assert refused.headers["Retry-After"] == "2"
    assert health.status_code == 200
    assert [r.status_code for r in admitted] == [201, 201]
    assert later.status_code == 201  # the bound counts requests in flight, not since start
    stored = db.exec(select(func.count()).select_from(Participant)).one()
    assert stored == 3  # the refused request did nothing


def test_admission_control_is_on_by_default_and_off_at_zero(settings: Settings) -> None:
    from quiz_api.api.overload import AdmissionControl

    def bounded(app: FastAPI) -> bool:
        classes: list[object] = [m.cls for m in app.user_middleware]
        return AdmissionControl in classes

    assert Settings().max_in_flight > 0
    assert bounded(create_app(settings))
    assert not bounded(create_app(settings.model_copy(update={"max_in_flight": 0})))
