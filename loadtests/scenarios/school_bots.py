"""The school rush (``school.py``'s students) with scripted fast submitters mixed in, one in
ten users: each joins as a student of a generated school, starts a paper and submits it at
once. Every bot's result must come back held (``held: true``, no rank) and stay off its
school's board and the city's; a bot seen on a board fails the run (docs/benchmarks.md)."""

from __future__ import annotations

import itertools

from locust import task

from loadtests.common.config import CONFIG
from loadtests.common.data import school_address, seat, student_body
from loadtests.common.quiz import API, QuizUser, fail
from loadtests.scenarios.school import Student as Student  # the rush itself, weight 9

# school.py installs the thresholds (and its students come with it).
_bot_seats = itertools.count(start=100_000)
Student.weight = 9


class Bot(QuizUser):
    weight = 1

    def wait_time(self) -> float:
        return self.rng.uniform(5, 15) * CONFIG.think_scale

    def on_start(self) -> None:
        super().on_start()
        self.school, self.grade, self.class_name = seat(next(_bot_seats), CONFIG.schools)
        self.address = school_address(self.school)  # from inside a school: the hard case
        self.nickname = f"bot{self.rng.randint(1, 10**9)}"
        self.done = False

    @task
    def script(self) -> None:
        if self.done:
            for scope in ("school", "city"):
                self.not_on_board(scope)
            return
        body = student_body((self.school, self.grade, self.class_name), self.nickname)
        if self.token is None and not self.join_track(body):
            return
        paper = self.start_attempt()
        if paper is None:
            return
        if self.submit_answers(paper) is None:  # at once: no reading time
            return
        self.done = True
        with self.rest(
            "GET",
            f"{API}/attempts/{paper['attempt_id']}/result",
            headers=self.headers(),
            name=f"{API}/attempts/[id]/result (bot)",
        ) as response:
            result = response.js or {}
            if response.status_code != 200 or not result.get("held") or result.get("rank"):
                fail(response, "a bot's result was not held")

    def not_on_board(self, scope: str) -> None:
        params = "?limit=200" if scope == "city" else f"?scope={scope}&limit=200"
        with self.rest(
            "GET",
            f"{API}/leaderboards/student{params}",
            headers=self.headers(),
            name=f"{API}/leaderboards/[track]?scope={scope} (bot)",
        ) as response:
            data = response.js or {}
            names = {entry.get("nickname") for entry in data.get("entries", [])}
            if response.status_code != 200 or data.get("me") is not None or self.nickname in names:
                fail(response, f"a held bot is on the {scope} board")
