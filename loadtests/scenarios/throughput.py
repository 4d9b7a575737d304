"""As fast as the server goes: join, start and submit at once, three attempts a person
(the daily limit), then someone new. Finished attempts per second = submits per second."""

from __future__ import annotations

from locust import constant, task

from loadtests.common import thresholds
from loadtests.common.quiz import QuizUser

thresholds.install()


class Sprinter(QuizUser):
    wait_time = constant(0)
    arrival_spread_seconds = 0.0  # all at once: the server's top speed is the point

    @task
    def attempt(self) -> None:
        if (self.token is None or self.attempts_today >= 3) and not self.join_track(
            {"track": "adult", "lang": "zh"}
        ):
            return
        paper = self.start_attempt()
        if paper is None:
            self.token = None
            return
        self.submit_answers(paper)
