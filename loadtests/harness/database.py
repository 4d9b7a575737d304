"""The stores of a run: a fresh database (PostgreSQL or SQLite), migrated and filled with the
shipped content, the surveys and the generated roster; Redis, when it answers."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine

from loadtests.common.content import synthetic_content
from loadtests.harness import ROOT, say

Database = Literal["postgres", "sqlite"]

PG_ADMIN = os.environ.get("LOADTEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@contextmanager
def fresh_database(kind: Database, workdir: Path, keep: bool) -> Iterator[str]:
    """A new, empty database for the run: a PostgreSQL database or a SQLite file."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'quiz.sqlite3'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"loadtest_{time.strftime('%Y%m%d_%H%M%S')}_{secrets.token_hex(3)}"
    # pre-ping: the crash test restarts PostgreSQL under this engine's pooled connection.
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    finally:
        if keep:
            say(f"kept database {name}")
        else:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def content_for_run(workdir: Path) -> Path:
    """The shipped content, or a generated bank of the same shape when the shipped bank
    cannot fill the campaign's papers yet."""
    from quiz_api.content.bank import ContentInvalid, load_bank, load_campaigns, stratum_sizes

    shipped = ROOT / "content"
    try:
        bank = load_bank(shipped / "quiz")
        load_campaigns(shipped / "campaigns", stratum_sizes(bank.questions))
    except ContentInvalid as exc:
        say(
            f"WARNING: the shipped bank cannot fill the campaign ({len(exc.errors)} problem(s), "
            "first: " + str(exc.errors[0]) + "); using a generated bank of the same shape"
        )
        return synthetic_content(shipped, workdir / "content")
    return shipped


def prepare_database(url: str, content: Path, schools: list[dict[str, Any]]) -> None:
    """Migrate, import the content, the surveys and the roster."""
    from alembic import command

    from quiz_api.content.importer import import_content
    from quiz_api.core.config import Settings
    from quiz_api.db.engine import make_engine, session_scope
    from quiz_api.db.migrate import alembic_config

    command.upgrade(alembic_config(url), "head")
    engine = make_engine(Settings(database_url=url, content_dir=content))
    try:
        with session_scope(engine) as session:
            report = import_content(session, content)
            say(f"imported questions: {report.bank}; campaigns: {', '.join(report.campaigns)}")
        _import_surveys(engine, ROOT / "content" / "survey")
        _add_roster(engine, schools)
    finally:
        engine.dispose()


def _import_surveys(engine: Engine, survey_dir: Path) -> None:
    if not survey_dir.is_dir():
        return
    from quiz_api.content.survey import SurveySpec, load_surveys
    from quiz_api.db.engine import session_scope
    from quiz_api.services.survey import import_surveys

    specs = [s for s in load_surveys(survey_dir) if isinstance(s, SurveySpec)]
    with session_scope(engine) as session:
        lines = import_surveys(session, specs, datetime.now(UTC))
    say(f"surveys: {', '.join(lines)}")


def _add_roster(engine: Engine, schools: list[dict[str, Any]]) -> None:
    """The generated schools (``loadtests.common.content.roster``) and their classes."""
    if not schools:
        return
    from quiz_api.db.engine import session_scope
    from quiz_api.db.models import School, SchoolClass

    with session_scope(engine) as session:
        for school in schools:
            session.add(
                School(
                    code=school["code"],
                    name=school["name"],
                    district=school["district"],
                    level=school["level"],
                )
            )
        session.flush()  # the classes refer to their school
        for school in schools:
            for grade, names in school["grades"].items():
                for name in names:
                    session.add(
                        SchoolClass(
                            school_code=school["code"],
                            grade=int(grade),
                            class_name=name,
                            enrolled=45,
                        )
                    )
    say(f"roster: {len(schools)} school(s)")


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def forget_ranks(url: str) -> None:
    """Drop the run's boards in Redis (its own namespace): they would outlive its database."""
    from quiz_api.core.config import Settings
    from quiz_api.integrations.ranks import RankIndex

    RankIndex(REDIS_URL, Settings(database_url=url).redis_namespace).forget()
