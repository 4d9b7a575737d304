"""SQLite's embedded mode: the threads of a worker take turns at the one write lock on a
lock of their own, and every way a transaction can end gives the turn back."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from quiz_api.core.config import Settings
from quiz_api.db.engine import make_engine


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(
        Settings(
            env="test", database_url=f"sqlite:///{tmp_path / 'w.sqlite3'}", secret_key="k" * 40
        )
    )
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER)"))
    yield engine
    engine.dispose()


def _commit(connection: Connection) -> None:
    connection.commit()


def _rollback(connection: Connection) -> None:
    connection.rollback()


def _abandon(connection: Connection) -> None:
    """Returned to the pool mid-transaction: the pool rolls it back."""


@pytest.mark.parametrize("end", [_commit, _rollback, _abandon])
def test_every_way_a_transaction_ends_lets_the_next_writer_in(
    sqlite_engine: Engine, end: Callable[[Connection], None]
) -> None:
    with sqlite_engine.connect() as connection:
        connection.execute(text("INSERT INTO t VALUES (1)"))
        end(connection)
    written = threading.Event()

    def other_thread() -> None:
        with sqlite_engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (2)"))
        written.set()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join(timeout=10)
    assert written.is_set(), "the next writer still waits for the lock"


def test_a_session_closed_without_commit_lets_the_next_writer_in(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        session.execute(text("INSERT INTO t VALUES (1)"))
    with sqlite_engine.begin() as connection:  # same thread, the lock is free again
        connection.execute(text("INSERT INTO t VALUES (2)"))
        assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 1


def test_a_transaction_may_end_on_another_thread(sqlite_engine: Engine) -> None:
    """FastAPI opens a request's session on one thread of its pool and may close it on
    another: the turn is given back all the same."""
    connection = sqlite_engine.connect()
    began = threading.Thread(target=lambda: connection.execute(text("INSERT INTO t VALUES (1)")))
    began.start()
    began.join()
    connection.commit()  # on this thread
    connection.close()
    with sqlite_engine.begin() as other:
        assert other.execute(text("SELECT count(*) FROM t")).scalar() == 1
