"""Participants who answered through the API, for the question analytics tests: each
answer the test chose is remembered, so that the figures can be computed independently."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from quiz_api.db.models import QuestionVersion, StaffRole
from quiz_api.services.scope import StaffScope
from tests.plugins.app import Clock
from tests.plugins.factories import join, key, start, submit

CAMPAIGN = "test-campaign"
CITY = StaffScope(StaffRole.city)
POINTS = {"easy": 5, "medium": 10, "hard": 15}


@dataclass
class Answered:
    track: str
    lang: str
    district: str
    first: bool
    right: dict[str, bool]  # question id -> right
    score: int


def _wrong(correct: list[str]) -> list[str]:
    return [next(letter for letter in "ABCD" if letter not in correct)]


# From the start to the submission: longer than the campaign's minimum (2 s a question), or
# the result is held for review and the analytics leave it out.
READING = 60


def take(
    client: TestClient,
    db: Session,
    headers: dict[str, str],
    rng: random.Random,
    ability: float,
    clock: Clock,
) -> tuple[dict[str, bool], int]:
    paper = start(client, headers)
    clock.advance(seconds=READING)
    keys = key(db, paper["attempt_id"])
    answers, right, score = {}, {}, 0
    for number, item in enumerate(paper["questions"], 1):
        qid = f"q{number}"
        version = db.get(QuestionVersion, _version_of(db, paper["attempt_id"], number))
        assert version is not None
        odds = ability - {"easy": -1.0, "medium": 0.0, "hard": 1.0}[version.difficulty]
        ok = rng.random() < 1 / (1 + 2.718 ** (-odds))
        answers[qid] = keys[qid] if ok else _wrong(keys[qid])
        right[version.question_id] = ok
        score += POINTS[version.difficulty] if ok else 0
        assert item["id"] == qid
    response = submit(client, headers, paper["attempt_id"], answers)
    assert response.status_code == 200, response.text
    assert response.json()["score"] == score
    return right, score


def _version_of(db: Session, attempt_id: int, number: int) -> int:
    from quiz_api.db.models import Attempt

    attempt = db.get(Attempt, attempt_id)
    assert attempt is not None
    return int(attempt.paper["items"][number - 1]["v"])


@pytest.fixture
def answered_questions(
    client: TestClient, db: Session, school: str, clock: Clock
) -> list[Answered]:
    """24 adults (zh, en) and 12 students of S001 (黄浦区, ko); a third try again."""
    rng = random.Random(7)
    out = []
    people = [("adult", ("zh", "en")[n % 2], "") for n in range(24)]
    people += [("student", "ko", "黄浦区") for _ in range(12)]
    for n, (track, lang, district) in enumerate(people):
        body: dict[str, object] = {"track": track, "lang": lang}
        if track == "student":
            body |= {"school_code": school, "grade": 7, "class_name": "1班", "nickname": f"s{n}"}
        headers = join(client, **body)
        ability = rng.gauss(0.5, 1.2)
        for attempt in range(2 if n % 3 == 0 else 1):
            right, score = take(client, db, headers, rng, ability, clock)
            out.append(Answered(track, lang, district, attempt == 0, right, score))
    return out
