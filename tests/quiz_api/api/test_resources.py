"""The composition root: ``create_app``'s lifespan makes each application's resources from
its own settings, and releases them at shutdown."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlmodel import Session

from quiz_api.api.app import create_app
from quiz_api.api.resources import Resources
from quiz_api.core.config import Settings
from quiz_api.db.engine import session_scope
from quiz_api.db.migrate import alembic_config
from quiz_api.db.models import School, StaffRole
from quiz_api.services import reports
from quiz_api.services.scope import StaffScope
from tests.plugins.database import make_settings

NOW = datetime(2026, 6, 10, 2, 0, tzinfo=UTC)


def _settings(tmp_path: Path, content_dir: Path, name: str) -> Settings:
    """Settings of an application on a migrated SQLite file of its own."""
    url = f"sqlite:///{tmp_path / name}"
    command.upgrade(alembic_config(url), "head")
    return make_settings(url, content_dir)


def _resources(client: TestClient) -> Resources:
    resources: Resources = client.app_state["resources"]
    return resources


def test_each_application_uses_the_database_of_its_settings(
    tmp_path: Path, content_dir: Path
) -> None:
    first = _settings(tmp_path, content_dir, "first.sqlite3")
    second = _settings(tmp_path, content_dir, "second.sqlite3")
    with TestClient(create_app(first)) as one, TestClient(create_app(second)) as two:
        assert str(_resources(one).engine.url) == first.database_url
        with session_scope(_resources(one).engine) as session:
            session.add(
                School(code="A001", name="Only in the first", district="黄浦区", level="junior")
            )
        found = one.get("/api/v1/schools", params={"q": "A001"}).json()
        assert [school["code"] for school in found] == ["A001"]
        assert two.get("/api/v1/schools", params={"q": "A001"}).json() == []
        assert _resources(one).content is not _resources(two).content  # caches of their own


def test_shutdown_joins_the_refreshes_before_disposing_the_engine(
    tmp_path: Path, content_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refresh of the city report's past days under way at shutdown is waited for: it
    still uses the engine, which is disposed after it."""
    events: list[str] = []
    shutting_down = threading.Event()
    compute_past = reports._compute_past

    def slow_refresh(*args: object) -> object:
        past = compute_past(*args)  # type: ignore[arg-type]
        if threading.current_thread().name == reports.REFRESH_THREAD:
            assert shutting_down.wait(30), "the lifespan never waited for the refresh"
            events.append("refreshed")
        return past

    monkeypatch.setattr(reports, "_compute_past", slow_refresh)
    with TestClient(create_app(_settings(tmp_path, content_dir, "q.sqlite3"))) as client:
        resources = _resources(client)
        past_days, engine = resources.past_days, resources.engine
        city = StaffScope(StaffRole.city)
        with Session(engine) as session:
            past_days.get(session, "c1", city, "2026-06-10", NOW)
            # Ten minutes later the sums are stale: refreshed in a thread, which now waits.
            past_days.get(session, "c1", city, "2026-06-10", NOW + timedelta(minutes=11))
        wait_for_refreshes = past_days.wait_for_refreshes

        def shutdown_waits() -> None:
            shutting_down.set()
            wait_for_refreshes()

        dispose = engine.dispose

        def disposing() -> None:
            events.append("disposed")
            dispose()

        monkeypatch.setattr(past_days, "wait_for_refreshes", shutdown_waits)
        monkeypatch.setattr(engine, "dispose", disposing)
    assert events == ["refreshed", "disposed"]
    assert not any(t.name == reports.REFRESH_THREAD for t in threading.enumerate())
