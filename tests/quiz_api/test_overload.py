"""Overload and database outages: a 503 problem with Retry-After, at once (quiz_api/overload.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from quiz_api.api.app import create_app
from quiz_api.config import Settings
from quiz_api.db import engine_dependency
from quiz_api.security import participant_token

from .test_participants import assert_problem


def _client(settings: Settings, engine: Engine) -> TestClient:
    app = create_app(settings)
    app.dependency_overrides[engine_dependency] = lambda: engine
    return TestClient(app)


@pytest.fixture
def tiny_pool(settings: Settings, engine: Engine) -> Iterator[Engine]:
    """One connection, given up on after 50 ms."""
    small = create_engine(settings.database_url, pool_size=1, max_overflow=0, pool_timeout=0.05)
    yield small
    small.dispose()


def test_a_worker_out_of_connections_answers_busy_at_once(
    settings: Settings, tiny_pool: Engine
) -> None:
    with tiny_pool.connect(), _client(settings, tiny_pool) as client:  # holds the only one
        response = client.get("/api/v1/stats")
    assert_problem(response, 503, "server-busy")
    assert response.headers["Retry-After"] == "2"


def test_an_unreachable_database_answers_unavailable(settings: Settings) -> None:
    gone = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none", pool_timeout=1)
    token = participant_token(settings.secret_key, 1)
    with _client(settings, gone) as client:  # checking the token reads the participant
        response = client.get(
            "/api/v1/participants/me", headers={"Authorization": f"Bearer {token}"}
        )
    gone.dispose()
    assert_problem(response, 503, "database-unavailable")
    assert response.headers["Retry-After"] == "1"


def test_busy_and_unavailable_are_documented_problem_types() -> None:
    from quiz_api.problems import TITLES

    assert TITLES["server-busy"] and TITLES["database-unavailable"]
