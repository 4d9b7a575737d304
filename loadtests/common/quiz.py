"""The quiz API as the phone app uses it, for locust users: join, start, answer, submit,
read leaderboards. Every call validates the answer (``catch_response``) and groups URLs
with ids under one name. As the phone app does, a request refused by the server's admission
control (503 server-busy) goes again after its Retry-After; the refusals are counted under
their own name ("... → 503 server-busy, sent again"), so a report shows how many there were."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from locust import FastHttpUser
from locust.contrib.fasthttp import RestResponseContextManager

from loadtests.common.config import CONFIG
from loadtests.common.data import choose, random_address

API = "/api/v1"
BUSY_TRIES = 10  # as the phone app (site_builder/quiz_app/quiz.js: BUSY_TRIES)


def succeed(response: RestResponseContextManager) -> None:
    """Count the request as a success whatever its status."""
    response.success()  # type: ignore[no-untyped-call]  # locust's success() is not annotated


def fail(response: RestResponseContextManager, message: str) -> None:
    """Count the request as failed, for ``message``."""
    response.failure(message)  # type: ignore[no-untyped-call]  # locust's failure() is not annotated


def fail_answer(response: RestResponseContextManager, what: str) -> None:
    """Count the request as failed, with the status and the start of the server's answer."""
    fail(response, f"{what}: {response.status_code} {(response.text or '')[:200]}")


def retry_after(response: RestResponseContextManager, default: float = 2.0) -> float:
    """The seconds of the answer's Retry-After header, or ``default`` without one."""
    value = response.headers.get("Retry-After") if response.headers else None
    return float(value) if isinstance(value, str) and value else default


def record_submit(attempt_id: int, score: int) -> None:
    if CONFIG.submit_log is not None:
        with CONFIG.submit_log.open("a", encoding="utf-8") as log:
            log.write(f"{attempt_id} {score}\n")


class QuizUser(FastHttpUser):
    """A participant's session: its token and the headers a phone behind a proxy sends."""

    abstract = True
    rng = random.Random()
    # Locust starts each second's new users in one instant (spawn rate 100: a hundred at
    # once, every second). People arrive one after another, so each comes up to this many
    # seconds later. (Without it, the first requests measured the queue of that instant, and
    # locust's own: join p95 180-250 ms at 100 new adults a second, 26 ms spread out.)
    arrival_spread_seconds = 1.0

    def on_start(self) -> None:
        self.token: str | None = None
        self.address = random_address(self.rng)
        self.attempts_today = 0
        self.wait_seconds(self.rng.uniform(0, self.arrival_spread_seconds))

    # Unlike locust's, ``name`` is required: every request is reported under a name without ids.
    @contextmanager
    def rest(  # type: ignore[override]
        self, method: str, url: str, *, name: str, **kwargs: Any
    ) -> Iterator[RestResponseContextManager]:
        """``FastHttpUser.rest``, sent again after Retry-After while the server answers
        503 server-busy (at most BUSY_TRIES times in all); the last answer counts as it is.
        Like locust's, it keeps an exception of the caller's block as a failed request."""
        for tries_left in range(BUSY_TRIES - 1, -1, -1):
            with super().rest(method, url, name=name, **kwargs) as response:
                busy = (
                    tries_left > 0
                    and response.status_code == 503
                    and "server-busy" in (response.text or "")
                )
                if not busy:
                    yield response
                else:
                    response.request_meta["name"] = f"{name} → 503 server-busy, sent again"
                    succeed(response)
                    delay = retry_after(response)
            if not busy:
                return
            self.wait_seconds(delay + self.rng.uniform(0, 1))

    def headers(self) -> dict[str, str]:
        headers = {"X-Forwarded-For": self.address}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def join_track(self, body: dict[str, Any]) -> bool:
        self.token = None
        with self.rest(
            "POST",
            f"{API}/participants",
            json=body,
            headers=self.headers(),
            name=f"{API}/participants",
        ) as response:
            if response.status_code != 201:
                fail_answer(response, "join")
                return False
            token = (response.js or {}).get("token")
            if not token:
                fail(response, "join: no token")
                return False
            self.token = token
            self.attempts_today = 0
            return True

    def start_attempt(self) -> dict[str, Any] | None:
        with self.rest(
            "POST", f"{API}/attempts", headers=self.headers(), name=f"{API}/attempts"
        ) as response:
            paper = response.js or {}
            if response.status_code == 403 and "attempt-limit" in str(paper.get("type")):
                succeed(response)  # the campaign's limit: join again as someone new
                return None
            if response.status_code not in (200, 201):
                fail_answer(response, "start")
                return None
            if len(paper.get("questions", [])) < 1 or not paper.get("attempt_id"):
                fail(response, "start: the paper has no questions")
                return None
            self.attempts_today += 1
            return paper

    def submit_answers(self, paper: dict[str, Any]) -> dict[str, Any] | None:
        answers = [
            {"question_id": q["id"], "choices": choose(q, self.rng)} for q in paper["questions"]
        ]
        attempt_id = paper["attempt_id"]
        with self.rest(
            "POST",
            f"{API}/attempts/{attempt_id}/submit",
            json={"answers": answers},
            headers=self.headers(),
            name=f"{API}/attempts/[id]/submit",
        ) as response:
            result = response.js or {}
            if response.status_code != 200:
                fail_answer(response, "submit")
                return None
            if result.get("attempt_id") != attempt_id or "score" not in result:
                fail(response, "submit: not the result of this attempt")
                return None
            if len(result.get("review", [])) != len(paper["questions"]):
                fail(response, "submit: review does not match the paper")
                return None
            record_submit(attempt_id, result["score"])
            return result

    def leaderboard(self, track: str, scope: str = "city") -> None:
        params = "" if scope == "city" else f"?scope={scope}"
        with self.rest(
            "GET",
            f"{API}/leaderboards/{track}{params}",
            headers=self.headers(),
            name=f"{API}/leaderboards/[track]?scope={scope}",
        ) as response:
            if response.status_code != 200 or "entries" not in (response.js or {}):
                fail_answer(response, "leaderboard")

    def survey(self) -> None:
        """Read the satisfaction survey and, when this person may, answer it once."""
        with self.rest(
            "GET", f"{API}/survey", headers=self.headers(), name=f"{API}/survey"
        ) as response:
            survey = response.js or {}
            if response.status_code != 200 or "questions" not in survey:
                fail_answer(response, "survey")
                return
        if not survey.get("eligible"):
            return
        answers = {
            q["id"]: self.rng.choice([o["value"] for o in q["options"]])
            for q in survey["questions"]
            if q["type"] == "scale"
        }
        with self.rest(
            "POST",
            f"{API}/survey/responses",
            json={"survey": survey["survey"], "answers": answers},
            headers=self.headers(),
            name=f"{API}/survey/responses",
        ) as response:
            if response.status_code != 201:
                fail_answer(response, "survey answer")

    def think(self, seconds: float) -> None:
        """Wait as a person would (scaled down for short runs)."""
        if seconds > 0 and CONFIG.think_scale > 0:
            self.wait_seconds(seconds * CONFIG.think_scale)

    def wait_seconds(self, seconds: float) -> None:
        if seconds > 0:
            import gevent

            gevent.sleep(seconds)
