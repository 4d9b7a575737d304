"""The quiz API app in tests: its clock (moved by hand, never by waiting), a TestClient of
an app built from the tests' settings, and how a problem answer is checked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from quiz_api.api.app import create_app
from quiz_api.api.deps import get_now
from quiz_api.core.config import Settings
from tests.plugins import factories


class Clock:
    """The server's clock in tests: moved by hand, never by waiting."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def assert_problem(response: httpx.Response, status: int, type_: str) -> dict[str, Any]:
    """An RFC 9457 problem of this status and type (docs/api.md lists the types)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == f"/problems/{type_}"
    assert body["status"] == status and body["title"]
    return body


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 6, 10, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai


@pytest.fixture
def client(settings: Settings, engine: Engine, db: Session, clock: Clock) -> Iterator[TestClient]:
    app = create_app(settings)  # its own engine on the test database, its own caches
    app.dependency_overrides[get_now] = clock
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def school(db: Session) -> str:
    from quiz_api.db.models import School, SchoolClass

    db.add(School(code="S001", name="第一中学", district="黄浦区", level="junior"))
    db.add(School(code="S002", name="Second Primary", district="徐汇区", level="primary"))
    db.commit()
    db.add(SchoolClass(school_code="S001", grade=7, class_name="1班", enrolled=40))
    db.add(SchoolClass(school_code="S001", grade=8, class_name="2班", enrolled=38))
    db.commit()
    return "S001"


@pytest.fixture
def adult(client: TestClient) -> dict[str, str]:
    return factories.join(client, nickname="阿明", lang="zh")
