"""``python -m quiz_api ...`` run as an operator runs it: a process of its own in the project
root (not a pytest plugin: imported by the command tests)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests import ROOT


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quiz_api", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )
