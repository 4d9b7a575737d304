"""The quiz API's databases: every test that asks for one runs on SQLite and on PostgreSQL
(the server on 127.0.0.1:5432; a database is created for the run and dropped after it),
or on the backends listed in QUIZ_TEST_BACKENDS. The schema is built by the Alembic
migrations, the content imported once per backend, and the participants' tables emptied
after each test. Redis, where a test needs it, is the server on 127.0.0.1:6379."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

from quiz_api.content.importer import import_content
from quiz_api.core.config import Settings
from quiz_api.db.engine import make_engine, session_scope
from quiz_api.db.migrate import alembic_config
from tests.plugins import factories

BACKENDS = [b for b in os.environ.get("QUIZ_TEST_BACKENDS", "sqlite,postgres").split(",") if b]
PG_SERVER = os.environ.get("QUIZ_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SECRET = "test-secret-" + "x" * 32
# Content imported once per run stays; every other table is emptied after each test,
# children first (derived from the models, so a new table is never forgotten).
CONTENT_TABLES = {"campaign", "question_version", "survey_version"}
PARTICIPANT_TABLES = tuple(
    table.name
    for table in reversed(SQLModel.metadata.sorted_tables)
    if table.name not in CONTENT_TABLES
)


def _migrate(url: str) -> None:
    from alembic import command

    command.upgrade(alembic_config(url), "head")


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "quiz.sqlite3"
        yield f"sqlite:///{path}"
        return
    name = f"quiz_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def content_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return factories.write_content(
        tmp_path_factory.mktemp("content"),
        factories.standard_bank(),
        [factories.campaign()],
        daily=factories.DAILY,
    )


def make_settings(database_url: str, content_dir: Path, **changes: Any) -> Settings:
    """The settings of a test application on ``database_url`` (no background integrity
    sweep: the tests that want one sweep by hand or start it)."""
    return Settings(
        env="test",
        database_url=database_url,
        secret_key=SECRET,
        content_dir=content_dir,
        site_dir=Path("/nonexistent"),
        **{"integrity_sweep_seconds": 0, **changes},
    )


@pytest.fixture(scope="session")
def settings(database_url: str, content_dir: Path) -> Settings:
    # Boards read right after a submission show it.
    return make_settings(database_url, content_dir, leaderboard_cache_seconds=0)


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    _migrate(settings.database_url)
    engine = make_engine(settings)
    with session_scope(engine) as session:
        import_content(session, settings.content_dir)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def inspector_engine(settings: Settings, engine: Engine) -> Iterator[Engine]:
    """The tests' own view of the database. On SQLite it uses pysqlite's default deferred
    transactions, so that a test reading rows never holds the lock the server needs."""
    inspector = create_engine(settings.database_url) if settings.is_sqlite else engine
    yield inspector
    if inspector is not engine:
        inspector.dispose()


@pytest.fixture
def db(engine: Engine, inspector_engine: Engine) -> Iterator[Session]:
    with Session(inspector_engine, expire_on_commit=False) as session:
        yield session
    with engine.begin() as connection:
        for table in PARTICIPANT_TABLES:
            connection.execute(text(f"DELETE FROM {table}"))


class CampaignRules(Protocol):
    def __call__(self, track: str, **rules: Any) -> None: ...


@pytest.fixture
def campaign_rules(db: Session) -> Iterator[CampaignRules]:
    """``campaign_rules("student", rounds=[...])``: the test campaign's track with these
    rules over its own, as an import of the changed file would store them. The campaign row
    outlives the test: it is put back after."""
    from quiz_api.db.models import Campaign

    campaign_id = factories.campaign()["id"]
    row = db.get(Campaign, campaign_id)
    assert row is not None
    before = (row.config, row.content_hash)

    def change(track: str, **rules: Any) -> None:
        row = db.get(Campaign, campaign_id)
        assert row is not None
        config = dict(row.config)
        config["tracks"] = {**config["tracks"], track: {**config["tracks"][track], **rules}}
        # A new hash, as for a changed file: the caches validate the config again.
        digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()
        row.config, row.content_hash = config, digest
        db.add(row)
        db.commit()

    yield change
    row = db.get(Campaign, campaign_id)
    assert row is not None
    row.config, row.content_hash = before
    db.add(row)
    db.commit()


def redis_url() -> str:
    """The Redis server of the tests, or a skip where none runs."""
    import redis

    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except (redis.RedisError, OSError):
        pytest.skip("no Redis server on 127.0.0.1:6379")
    return url


def finish_rank_rebuilds() -> None:
    """Wait for the rank boards' rebuilds started in the background (by a rank that found
    no board)."""
    import threading

    for thread in [t for t in threading.enumerate() if t.name.startswith("ranks-")]:
        thread.join(timeout=30)
