"""A morning push: the office's account sends today's question to its followers, who open
it within minutes. Each reads today's question (the anonymous, cacheable read), most answer
it (a visitor's first answer creates an adult participant and returns a token), some look
at the archive; who answered comes back and reads their own result with the token, and the
simulated phone then stands for the next follower."""

from __future__ import annotations

from typing import Any

from locust import task

from loadtests.common import thresholds
from loadtests.common.config import CONFIG
from loadtests.common.data import random_address
from loadtests.common.quiz import API, QuizUser, fail, fail_answer

thresholds.install()
LANGS = ("zh", "zh", "zh", "zh", "en", "ko", "ja")


class Follower(QuizUser):
    def wait_time(self) -> float:
        return self.rng.uniform(1, 5) * CONFIG.think_scale

    def today(self, lang: str) -> dict[str, Any] | None:
        with self.rest(
            "GET",
            f"{API}/daily/adult?lang={lang}",
            headers=self.headers(),
            name=f"{API}/daily/[track]" + ("" if self.token is None else " (token)"),
        ) as response:
            if response.status_code != 200 or not response.js:
                fail_answer(response, "daily question")
                return None
            body: dict[str, Any] = response.js
            return body

    @task
    def morning(self) -> None:
        lang = self.rng.choice(LANGS)
        question = self.today(lang)
        if question is None:
            return
        if self.token is not None:
            # Came back later and read their own result: this phone is done for the morning,
            # and the simulated user becomes the next follower who opens the push, so a run
            # is a stream of followers (tens of thousands of answers), not the same few.
            self.token = None
            self.address = random_address(self.rng)
            self.think(self.rng.uniform(1, 5))
            return
        self.think(self.rng.uniform(5, 20))  # reading the question
        if self.rng.random() < 0.8:
            self.answer(question, lang)
        if self.rng.random() < 0.2:
            with self.rest(
                "GET",
                f"{API}/daily/adult/archive?lang={lang}&limit=7",
                headers=self.headers(),
                name=f"{API}/daily/[track]/archive",
            ) as response:
                if response.status_code != 200:
                    fail_answer(response, "daily archive")

    def answer(self, question: dict[str, Any], lang: str) -> None:
        options = [option["id"] for option in question["question"]["options"]]
        body: dict[str, Any] = {"choices": [self.rng.choice(options)], "lang": lang}
        if question["question"]["type"] == "multiple":
            body["choices"] = self.rng.sample(options, 2)
        with self.rest(
            "POST",
            f"{API}/daily/adult/{question['date']}/answer",
            json=body,
            headers=self.headers(),
            name=f"{API}/daily/[track]/[date]/answer",
        ) as response:
            if response.status_code != 200 or not response.js:
                fail_answer(response, "daily answer")
                return
            token = response.js.get("token")
            if self.token is None and not token:
                fail(response, "daily answer: no token for a visitor")
                return
            self.token = self.token or token
