"""Adults at human pace: join, start, read and answer about 4 s a question, submit, look at
the leaderboard now and then, answer the satisfaction survey now and then; after the day's
three attempts, someone new joins."""

from __future__ import annotations

from locust import task

from loadtests.common import thresholds
from loadtests.common.config import CONFIG
from loadtests.common.quiz import QuizUser

thresholds.install()
LANGS = ("zh", "zh", "zh", "zh", "en", "ko", "ja")


class Adult(QuizUser):
    def wait_time(self) -> float:
        return self.rng.uniform(2, 10) * CONFIG.think_scale

    @task
    def attempt(self) -> None:
        if self.token is None or self.attempts_today >= 3:
            body = {"track": "adult", "lang": self.rng.choice(LANGS)}
            if self.rng.random() < 0.7:
                body["nickname"] = f"读者{self.rng.randint(1, 999_999)}"
            if not self.join_track(body):
                return
            self.think(self.rng.uniform(3, 8))  # reading the rules
        paper = self.start_attempt()
        if paper is None:
            self.token = None
            return
        self.think(len(paper["questions"]) * self.rng.uniform(2, 6))
        if self.submit_answers(paper) is None:
            return
        self.think(self.rng.uniform(5, 15))  # reading the review
        if self.rng.random() < 0.5:
            self.leaderboard("adult")
        if self.rng.random() < 0.2:  # the satisfaction survey, now and then
            self.survey()
