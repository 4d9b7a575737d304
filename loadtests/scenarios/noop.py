"""GET /api/v1/noop as fast as the server goes: the denominator of the efficiency ratio."""

from __future__ import annotations

from locust import FastHttpUser, constant, task

from loadtests.common import thresholds
from loadtests.common.quiz import fail

thresholds.install()


class Noop(FastHttpUser):
    wait_time = constant(0)

    @task
    def noop(self) -> None:
        with self.rest("GET", "/api/v1/noop", name="/api/v1/noop") as response:
            if response.status_code != 200 or response.js != {"ok": True}:
                fail(response, f"noop: {response.status_code}")
