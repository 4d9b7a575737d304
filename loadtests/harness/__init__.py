"""What ``python -m loadtests run`` puts together, one concern a module: ``database`` (a fresh
database filled with the content and the roster, Redis), ``server`` (the API in production
mode and nginx in front of it), ``locust`` (the load and its reports), ``chaos`` (the crash
test and its checks) and ``run`` (one run from start to verdict)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def say(message: str) -> None:
    print(f"[loadtests] {message}", flush=True)


def child_environment(**values: str) -> dict[str, str]:
    """This process's environment for a child (the server, locust) with ``values`` on top;
    the child imports this checkout's code whatever the virtualenv's install points to."""
    return {**os.environ, "PYTHONPATH": str(ROOT), **values}
