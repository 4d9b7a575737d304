"""The limits a load test is judged by (loadtests/common/config.py)."""

from __future__ import annotations

import pytest

from loadtests.common.config import Limits


def test_limits_travel_to_locust_through_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    limits = Limits(max_failure_ratio=0.02, p95_ms=80, p99_ms=200)
    for key, value in limits.as_env().items():
        monkeypatch.setenv(key, value)
    assert Limits.from_env() == limits
