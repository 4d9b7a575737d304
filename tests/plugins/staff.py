"""Staff accounts for the staff, reports, survey and dashboard tests: ``staff(role, ...)``
creates one and logs it in; the feature's tables are emptied after each test."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from quiz_api.db.engine import session_scope
from quiz_api.db.models import StaffRole
from quiz_api.services.staff import create_account
from tests.plugins.app import Clock
from tests.plugins.factories import DISTRICTS

PASSWORD = "correct horse battery"
# Tables of this feature, children first; emptied before the participants' tables are.
TABLES = ("review_decision", "survey_answer", "survey_response", "survey_version", "staff_account")
StaffFactory = Callable[..., dict[str, str]]


@pytest.fixture
def staff_tables(engine: Engine, db: Session) -> Iterator[None]:
    yield
    with engine.begin() as connection:
        for table in TABLES:
            connection.execute(text(f"DELETE FROM {table}"))


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/staff/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def staff(engine: Engine, client: TestClient, clock: Clock, staff_tables: None) -> StaffFactory:
    """``staff("school", school="S001")``: creates an account, returns its login headers."""

    def make(
        role: str,
        *,
        school: str | None = None,
        district: str | None = None,
        username: str | None = None,
    ) -> dict[str, str]:
        username = username or f"{role}-{uuid.uuid4().hex[:8]}"
        with session_scope(engine) as session:
            create_account(
                session,
                username=username,
                password=PASSWORD,
                role=StaffRole(role),
                school_code=school,
                district=district,
                now=clock.now,
                districts=DISTRICTS,
            )
        return login(client, username)

    return make
