"""Students of the generated schools starting in the same minute (spawn them all within 60 s):
each school behind one NAT address, every student joins with school, grade, class and a
nickname, answers at human pace, submits, then checks the school's leaderboard now and then.

Half of them come through their class's link of the school kit (the QR code on the
classroom poster): the join is the same one request, carrying ``source``."""

from __future__ import annotations

import itertools

from locust import task

from loadtests.common import thresholds
from loadtests.common.config import CONFIG
from loadtests.common.data import school_address, seat, student_body
from loadtests.common.quiz import QuizUser

thresholds.install()
_seats = itertools.count()
CLASS_LINK_SHARE = 0.5  # students who open the challenge from their class's QR code


class Student(QuizUser):
    def wait_time(self) -> float:
        return self.rng.uniform(20, 60) * CONFIG.think_scale

    def on_start(self) -> None:
        super().on_start()
        if not CONFIG.schools:
            raise RuntimeError("no roster: run through `python -m loadtests run school`")
        self.school, self.grade, self.class_name = seat(next(_seats), CONFIG.schools)
        self.address = school_address(self.school)
        self.class_link = self.rng.random() < CLASS_LINK_SHARE
        self.done = False

    @task
    def lesson(self) -> None:
        if self.done:  # the class waits for the others and looks at the school board
            self.leaderboard("student", "school")
            return
        body = student_body(
            (self.school, self.grade, self.class_name), f"同学{self.rng.randint(1, 99_999)}"
        )
        if self.class_link:
            body["source"] = "class_link"
        if self.token is None and not self.join_track(body):
            return
        self.think(self.rng.uniform(5, 20))  # the teacher explains
        paper = self.start_attempt()
        if paper is None:
            return
        self.think(len(paper["questions"]) * self.rng.uniform(3, 8))
        if self.submit_answers(paper) is not None:
            self.done = True
