"""Leaderboards: best attempt per participant, score then time, ties, scopes, own rank."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from quiz_api.api.app import create_app
from quiz_api.api.deps import get_now
from quiz_api.core.config import Settings
from tests.plugins.app import Clock, assert_problem
from tests.plugins.factories import STUDENT, cheapest_right, join, play, start, submit

Headers = dict[str, str]


def board(client: TestClient, headers: Headers | None = None, **query: str) -> dict[str, Any]:
    response = client.get("/api/v1/leaderboards/adult", params=query, headers=headers or {})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_order_is_score_then_time_then_first_to_get_there(
    client: TestClient, db: Session, clock: Clock
) -> None:
    fast = join(client, nickname="fast")
    slow = join(client, nickname="slow")
    best = join(client, nickname="best")
    tie_late = join(client, nickname="tie-late")
    play(client, db, clock, fast, right=10, seconds=60)
    play(client, db, clock, slow, right=10, seconds=200)
    play(client, db, clock, best, right=14, seconds=300)
    clock.advance(seconds=5)
    play(client, db, clock, tie_late, right=10, seconds=60)  # same score and time as "fast", later
    entries = board(client)["entries"]
    assert [e["nickname"] for e in entries] == ["best", "fast", "tie-late", "slow"]
    assert [e["rank"] for e in entries] == [1, 2, 3, 4]


def test_best_attempt_counts_and_own_rank(client: TestClient, db: Session, clock: Clock) -> None:
    me = join(client, nickname="me")
    rival = join(client, nickname="rival")
    play(client, db, clock, rival, right=12, seconds=100)
    play(client, db, clock, me, right=14, seconds=100)
    play(client, db, clock, me, right=3, seconds=100)  # a worse attempt later changes nothing
    data = board(client, me)
    assert data["entries"][0]["nickname"] == "me" and data["total"] == 2
    assert data["me"]["rank"] == 1 and data["me"]["score"] == data["entries"][0]["score"]
    assert board(client, rival)["me"]["rank"] == 2


def test_limit_and_anonymous_reader(client: TestClient, db: Session, clock: Clock) -> None:
    for n in range(4):
        play(client, db, clock, join(client, nickname=f"p{n}"), right=n + 1, seconds=50)
    data = board(client, limit="2")
    assert len(data["entries"]) == 2 and data["total"] == 4 and data["me"] is None


def test_school_and_district_scopes(
    client: TestClient, db: Session, clock: Clock, school: str
) -> None:
    from quiz_api.db.models import School

    db.add(School(code="S003", name="Third", district="黄浦区", level="junior"))
    db.commit()
    here = join(client, **STUDENT)
    there = join(client, **{**STUDENT, "school_code": "S003", "nickname": "邻校"})
    far = join(
        client,
        **{**STUDENT, "school_code": "S002", "grade": 3, "class_name": "3班", "nickname": "远"},
    )
    for headers, right in ((here, 5), (there, 9), (far, 12)):
        paper = start(client, headers)
        clock.advance(seconds=60)  # a person's pace: an instant submission is held for review
        submit(client, headers, paper["attempt_id"], cheapest_right(db, paper, right))

    def names(**query: str) -> list[str]:
        response = client.get("/api/v1/leaderboards/student", params=query, headers=here)
        assert response.status_code == 200, response.text
        return [e["nickname"] for e in response.json()["entries"]]

    assert names() == ["远", "邻校", "小星"]
    assert names(scope="district", code="黄浦区") == ["邻校", "小星"]
    assert names(scope="school") == ["小星"]  # the caller's own school by default
    me = client.get(
        "/api/v1/leaderboards/student", params={"scope": "district"}, headers=here
    ).json()["me"]
    assert me["rank"] == 2
    assert_problem(
        client.get("/api/v1/leaderboards/student", params={"scope": "school"}),
        422,
        "validation-error",
    )
    assert_problem(client.get("/api/v1/leaderboards/pilots"), 422, "validation-error")


def test_a_worker_shows_the_same_board_for_a_moment_but_your_rank_is_fresh(
    settings: Settings, engine: Engine, db: Session, clock: Clock
) -> None:
    app = create_app(settings.model_copy(update={"leaderboard_cache_seconds": 2.0}))
    app.dependency_overrides[get_now] = clock
    with TestClient(app) as client:
        first = join(client, nickname="first")
        play(client, db, clock, first, right=10, seconds=60)
        assert [e["nickname"] for e in board(client)["entries"]] == ["first"]
        second = join(client, nickname="second")
        play(client, db, clock, second, right=14, seconds=60)
        clock.advance(seconds=1)
        seen = board(client, second)
        assert [e["nickname"] for e in seen["entries"]] == ["first"]  # the board of a second ago
        assert seen["me"]["rank"] == 1  # but the caller's own rank is read now
        clock.advance(seconds=1.5)
        assert [e["nickname"] for e in board(client)["entries"]] == ["second", "first"]
