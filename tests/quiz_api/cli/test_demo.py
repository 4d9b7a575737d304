"""`python -m quiz_api demo`: refused in production, once only, removable; what it prints."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select
from typer.testing import CliRunner

from quiz_api.cli.schools import DEMO_ROSTER
from quiz_api.core.config import Settings
from quiz_api.db.engine import session_scope
from quiz_api.db.models import Participant
from quiz_api.services.schools import import_roster_file
from tests.plugins.app import Clock
from tests.plugins.commands import run
from tests.plugins.factories import DISTRICTS, SHIPPED_CONTENT
from tests.plugins.staff import StaffFactory

PRODUCTION = {"QUIZ_ENV": "production", "QUIZ_SECRET_KEY": "p" * 40}


def test_refused_in_production(tmp_path: Path) -> None:
    env = {**PRODUCTION, "QUIZ_DATABASE_URL": f"sqlite:///{tmp_path / 'never.sqlite3'}"}
    refused = run("demo", env=env)
    assert refused.returncode == 2
    assert "never made in production" in refused.stderr
    skipped = run("demo", "--optional", env=env)  # what `make run` calls
    assert skipped.returncode == 0 and "skipped in production" in skipped.stdout
    assert run("demo", "--remove", env=env).returncode == 2
    assert not (tmp_path / "never.sqlite3").exists()  # not even a database was made


@pytest.fixture
def demo_settings(
    settings: Settings, engine: Engine, db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """The tests' settings with a content folder that ships the demo roster, imported."""
    import quiz_api.cli.demo

    content = tmp_path / "content"
    shutil.copytree(settings.content_dir, content)
    (content / DEMO_ROSTER).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SHIPPED_CONTENT / DEMO_ROSTER, content / DEMO_ROSTER)
    with session_scope(engine) as session:
        import_roster_file(session, content / DEMO_ROSTER, DISTRICTS)
    changed = settings.model_copy(update={"content_dir": content})
    monkeypatch.setattr(quiz_api.cli.demo, "get_settings", lambda: changed)
    return changed


def _count(db: Session, *conditions: object) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(Participant).where(*conditions)).one()  # type: ignore[arg-type]


def test_demo_once_then_remove(demo_settings: Settings, db: Session) -> None:
    from quiz_api.cli.main import app

    runner = CliRunner()
    made = runner.invoke(
        app, ["demo", "--participants", "40", "--seed", "3", "--campaign", "test-campaign"]
    )
    assert made.exit_code == 0, made.output
    said = " ".join(made.output.split())  # rich wraps at the terminal's width
    assert "demo week 2026-06-24 to 2026-06-30 of test-campaign" in said
    assert "3 results were submitted faster than the time-per-question rule" in said
    assert "python -m quiz_api demo --remove deletes it" in said
    assert "DEMO001:" in said
    made_count = _count(db)
    assert made_count == 40 and _count(db, col(Participant.demo)) == made_count

    again = runner.invoke(app, ["demo", "--participants", "40"])
    assert again.exit_code == 1
    assert "demo data already present (40 participants); --remove first" in " ".join(
        again.output.split()
    )
    quiet = runner.invoke(app, ["demo", "--optional"])
    assert quiet.exit_code == 0 and "already present" in quiet.output
    assert _count(db) == made_count

    removed = runner.invoke(app, ["demo", "--remove"])
    assert removed.exit_code == 0, removed.output
    assert "demo removed: 40 participants" in " ".join(removed.output.split())
    assert _count(db) == 0


def test_ranks_in_redis_are_rebuilt_after_the_demo_and_its_removal(
    demo_settings: Settings, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import redis

    import quiz_api.cli.demo
    from quiz_api.cli.main import app
    from quiz_api.integrations.ranks import KEY_PREFIX
    from tests.plugins.database import redis_url

    with_redis = demo_settings.model_copy(update={"redis_url": redis_url()})
    monkeypatch.setattr(quiz_api.cli.demo, "get_settings", lambda: with_redis)
    client = redis.Redis.from_url(redis_url())
    stale = f"{KEY_PREFIX}{with_redis.redis_namespace}:test-campaign:adult:city:"
    runner = CliRunner()
    try:
        for args in (["demo", "--participants", "10"], ["demo", "--remove"]):
            client.zadd(stale, {"1": 1.0})  # a board Redis kept from before
            done = runner.invoke(app, args)
            assert done.exit_code == 0, done.output
            assert "ranks in Redis: dropped" in done.output
            assert not client.exists(stale)
    finally:
        client.delete(stale)
        client.close()


def test_a_newcomers_dashboard_shows_figures_after_the_demo(
    demo_settings: Settings,
    client: TestClient,
    clock: Clock,
    staff: StaffFactory,
    shipped_survey: None,
) -> None:
    """What the staff dashboard reads, over HTTP, after `demo` (a city account)."""
    from quiz_api.cli.main import app

    made = CliRunner().invoke(app, ["demo", "--participants", "120", "--seed", "5"])
    assert made.exit_code == 0, made.output
    clock.now = datetime.now(UTC)
    city = staff("city")

    report = client.get("/api/v1/reports/city", headers=city).json()
    assert report["totals"]["registered"] > 0 and report["totals"]["attempts"] > 0
    assert report["daily"] and report["schools"]
    school = client.get("/api/v1/reports/schools/DEMO001", headers=city).json()
    assert school["totals"]["registered"] > 0 and school["classes"]
    assert all(row["registered"] <= row["enrolled"] for row in school["classes"])
    survey = client.get("/api/v1/reports/survey", headers=city).json()
    assert any(group["n"] > 0 for q in survey["questions"] for group in q["groups"])
    questions = client.get("/api/v1/reports/questions", headers=city).json()
    assert sum(q["attempts"] for q in questions["questions"]) > 0
    assert any(q["facility"] is not None for q in questions["questions"])


def test_no_campaign_to_show_fails_but_not_make_run(demo_settings: Settings, db: Session) -> None:
    from quiz_api.cli.main import app

    runner = CliRunner()
    refused = runner.invoke(app, ["demo", "--campaign", "no-such-campaign"])
    assert refused.exit_code == 1 and "no campaign with id 'no-such-campaign'" in refused.output
    skipped = runner.invoke(app, ["demo", "--campaign", "no-such-campaign", "--optional"])
    assert skipped.exit_code == 0 and "demo: skipped" in skipped.output
    assert _count(db) == 0
