"""One place for database setup: the engine, sessions and SQLite's embedded-mode tuning."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from threading import Lock
from typing import Any

from sqlalchemy import DateTime, event, text
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, create_engine

from quiz_api.core.config import Settings


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


SQLITE_BUSY_SECONDS = 30  # how long a writer waits for SQLite's lock before giving up


def make_engine(settings: Settings) -> Engine:
    url = settings.database_url
    if settings.is_sqlite:
        path = url.split("sqlite:///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS},
            pool_size=8,
        )
        _tune_sqlite(engine)
        return engine
    return create_engine(
        url,
        pool_size=settings.db.pool_size,
        max_overflow=settings.db.max_overflow,
        pool_timeout=settings.db.pool_timeout,
        # No ping per checkout (it was one more round trip on every request): a connection
        # the server dropped fails its first statement, SQLAlchemy then discards every pooled
        # connection, and that request is answered 503 database-unavailable (overload.py).
    )


def _tune_sqlite(engine: Engine) -> None:
    # WAL lets readers run beside the writer; synchronous=NORMAL is durable across
    # application crashes. pysqlite's own transaction handling is switched off so that every
    # transaction starts with BEGIN IMMEDIATE: a writer then waits for the lock (busy
    # timeout) instead of failing with "database is locked" when it upgrades a read lock.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cursor.close()

    # The threads of one worker also queue for the database's one write lock on a lock of
    # their own: SQLite's busy handler polls with growing sleeps (up to 100 ms), so waiting
    # there gave a p99 of 0.7 s under load, while a released threading lock wakes the next
    # thread at once (docs/benchmarks.md). Other processes still meet the busy timeout.
    # A plain Lock, not an RLock: a request's transaction may end on another thread of the
    # pool than the one that began it. It is released whichever way the transaction ends:
    # commit, rollback, or the pool's rollback when a connection is returned mid-transaction.
    write_lock = Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if not write_lock.acquire(timeout=SQLITE_BUSY_SECONDS):
            locked = sqlite3.OperationalError("database is locked (this worker's writer)")
            raise OperationalError("BEGIN IMMEDIATE", None, locked)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            write_lock.release()
            raise
        connection.info[_HOLDS_WRITE_LOCK] = True

    def _release(info: dict[Any, Any]) -> None:
        if info.pop(_HOLDS_WRITE_LOCK, False):
            write_lock.release()

    event.listen(engine, "commit", lambda connection: _release(connection.info))
    event.listen(engine, "rollback", lambda connection: _release(connection.info))
    event.listen(engine.pool, "reset", lambda _dbapi, record, _state: _release(record.info))


_HOLDS_WRITE_LOCK = "quiz_api.holds_write_lock"


@contextmanager
def hot_connection(engine: Engine) -> Iterator[Connection]:
    """A connection for the quiz's hot path (join, start, submit), which uses SQLAlchemy Core
    and as few round trips as it can.

    On PostgreSQL every statement commits by itself (autocommit): the hot path's writes are
    single statements, so a request pays no BEGIN and COMMIT round trips. On SQLite the
    statements of a request share one ``BEGIN IMMEDIATE`` transaction that the service
    commits (``connection.commit()``, a no-op on PostgreSQL). Uncommitted work is rolled
    back when the connection is returned."""
    with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            connection.execution_options(isolation_level="AUTOCOMMIT")
        yield connection


Bind = Session | Connection  # what the content caches read through on a miss


@contextmanager
def orm_session(bind: Bind) -> Iterator[Session]:
    """An ORM session over a request's session or over a hot-path connection (joining its
    transaction; the connection stays open)."""
    if isinstance(bind, Session):
        yield bind
        return
    with Session(bind=bind, expire_on_commit=False) as session:
        yield session


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for commands and scripts, committed on success and rolled back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def database_reachable(engine: Engine) -> bool:
    """Whether the database answers a trivial query (the health check)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True
