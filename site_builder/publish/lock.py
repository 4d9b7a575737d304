"""One publish at a time per web root (two quick pushes must not race)."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".publish.lock"


@contextmanager
def exclusive(web_root: Path) -> Iterator[None]:
    """Hold the web root's publish lock; waits for a publish in progress to finish. The
    kernel drops the lock when the process dies, so a killed build never blocks the next."""
    web_root.mkdir(parents=True, exist_ok=True)
    with (web_root / LOCK_NAME).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
