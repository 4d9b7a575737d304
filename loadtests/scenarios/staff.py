"""Staff reading dashboards during a school rush: the school scenario's students plus a few
staff users refreshing the figures. The staff reports API is being built separately; until
it lands these users read what exists: GET /api/v1/stats and the city, district and school
leaderboards."""

from __future__ import annotations

import os

from locust import FastHttpUser, task

from loadtests.common import thresholds
from loadtests.common.config import CONFIG
from loadtests.common.quiz import fail_answer
from loadtests.scenarios.school import Student

thresholds.install()
API = "/api/v1"

__all__ = ["Staff", "Student"]


class Staff(FastHttpUser):
    fixed_count = int(os.environ.get("LOADTEST_STAFF_USERS", "10"))

    def wait_time(self) -> float:
        return 5.0 * CONFIG.think_scale  # a dashboard refreshing every few seconds

    def on_start(self) -> None:
        school = CONFIG.schools[0] if CONFIG.schools else None
        self.school = school["code"] if school else None
        self.district = school.get("district") if school else None

    def _get(self, url: str, name: str) -> None:
        with self.rest("GET", url, name=name) as response:
            if response.status_code != 200 or not isinstance(response.js, dict):
                fail_answer(response, name)

    @task(3)
    def stats(self) -> None:
        self._get(f"{API}/stats", f"{API}/stats")

    @task(2)
    def city_board(self) -> None:
        self._get(f"{API}/leaderboards/student?limit=50", f"{API}/leaderboards/[track]?scope=city")

    @task(1)
    def school_board(self) -> None:
        self._scoped_board("school", self.school)

    @task(1)
    def district_board(self) -> None:
        self._scoped_board("district", self.district)

    def _scoped_board(self, scope: str, code: str | None) -> None:
        if code:
            self._get(
                f"{API}/leaderboards/student?scope={scope}&code={code}",
                f"{API}/leaderboards/[track]?scope={scope}",
            )
