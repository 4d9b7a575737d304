"""The database of a command: an engine made from this process's settings, for the
command's duration (the web application makes its own, in its lifespan)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from quiz_api.core.config import get_settings
from quiz_api.db.engine import make_engine, session_scope


@contextmanager
def command_session() -> Iterator[Session]:
    """A session committed on success and rolled back on error; its engine is disposed
    when the block ends."""
    engine = make_engine(get_settings())
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()
