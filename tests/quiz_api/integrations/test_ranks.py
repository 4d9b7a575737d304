"""Ranks from Redis sorted sets agree with the database's count, whichever way the boards
were filled (recorded one by one, rebuilt from the database), and the database answers
while Redis has no ready board."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from quiz_api.api.app import create_app
from quiz_api.api.deps import get_now
from quiz_api.core.config import Settings
from quiz_api.db.models import BestScore, Participant
from quiz_api.integrations.ranks import RankIndex, board_score
from quiz_api.services.leaderboards import Scope, count_rank
from tests.plugins.app import Clock
from tests.plugins.database import finish_rank_rebuilds, redis_url
from tests.plugins.factories import cheapest_right, join, play, start, submit

CAMPAIGN = "test-campaign"  # imported by the fixtures (factories.campaign)
T0 = datetime(2026, 6, 10, 2, 0, tzinfo=UTC)

# (score, duration ms, seconds after T0 it was reached, district, school): ties on score,
# on score and duration (then the earlier wins), and on all three (then the lower id).
BESTS = [
    (90, 60_000, 0, "黄浦区", "S1"),
    (90, 60_000, 5, "黄浦区", "S2"),
    (90, 45_000, 9, "徐汇区", "S3"),
    (100, 80_000, 3, "徐汇区", "S3"),
    (70, 60_000, 1, "黄浦区", "S1"),
    (90, 60_000, 5, "徐汇区", "S3"),
    (0, 600_000, 2, "黄浦区", "S2"),
]


@pytest.fixture
def index(settings: Settings) -> Iterator[RankIndex]:
    ranks = RankIndex(redis_url(), namespace=f"test-{uuid.uuid4().hex[:8]}")
    yield ranks
    ranks.forget()


@pytest.fixture
def bests(db: Session) -> list[int]:
    """Participants with the best scores above, straight into the table."""
    ids = []
    for score, duration, seconds, district, school in BESTS:
        participant = Participant(
            campaign_id=CAMPAIGN, track="adult", lang="zh", day="2026-06-10", created_at=T0
        )
        db.add(participant)
        db.flush()
        assert participant.id is not None
        ids.append(participant.id)
        db.add(
            BestScore(
                participant_id=participant.id,
                campaign_id=CAMPAIGN,
                track="adult",
                district=district,
                school_code=school,
                score=score,
                duration_ms=duration,
                achieved_at=T0 + timedelta(seconds=seconds),
                attempt_id=0,
            )
        )
    db.commit()
    return ids


def _all_ranks(
    engine: Engine, index: RankIndex | None, ids: list[int], scope: Scope
) -> list[int | None]:
    with engine.connect() as connection:
        return [
            index.rank(connection, pid, scope) if index else count_rank(connection, pid, scope)
            for pid in ids
        ]


@pytest.mark.parametrize("scope", ["city", "district", "school"])
def test_ranks_rebuilt_from_the_database_agree_with_its_count(
    engine: Engine, index: RankIndex, bests: list[int], scope: Scope
) -> None:
    assert index.rebuild(engine, CAMPAIGN, "adult")
    expected = _all_ranks(engine, None, bests, scope)
    assert _all_ranks(engine, index, bests, scope) == expected
    if scope == "city":  # the order of BESTS, worked out by hand
        assert expected == [3, 4, 2, 1, 6, 5, 7]


def test_recorded_results_keep_each_participants_best(
    engine: Engine, index: RankIndex, bests: list[int], db: Session
) -> None:
    index.rebuild(engine, CAMPAIGN, "adult")  # marks the boards ready
    last = bests[-1]
    index.record(CAMPAIGN, "adult", "黄浦区", "S2", last, 95, 30_000)  # the database too:
    best = db.get(BestScore, last)
    assert best is not None
    best.score, best.duration_ms = 95, 30_000
    db.add(best)
    db.commit()
    index.record(CAMPAIGN, "adult", "黄浦区", "S2", last, 10, 1_000)  # worse: no change
    assert _all_ranks(engine, index, bests, "city") == _all_ranks(engine, None, bests, "city")
    assert _all_ranks(engine, index, [last], "city") == [2]


def test_without_a_ready_board_the_database_answers_and_one_rebuild_starts(
    engine: Engine, index: RankIndex, bests: list[int]
) -> None:
    expected = _all_ranks(engine, None, bests, "city")
    assert _all_ranks(engine, index, bests, "city") == expected  # counted, not from Redis
    finish_rank_rebuilds()
    assert index._redis.exists(index._ready_key(CAMPAIGN, "adult"))
    assert index._redis.zcard(index._board(CAMPAIGN, "adult", "city", None)) == len(bests)
    assert _all_ranks(engine, index, bests, "city") == expected


def test_board_scores_order_by_score_then_shorter_time() -> None:
    assert board_score(90, 45_000) > board_score(90, 60_000) > board_score(80, 1_000)
    assert float(board_score(1000, 1)) == board_score(1000, 1)  # exact in a double


def test_the_api_ranks_through_redis_when_it_is_configured(
    settings: Settings, db: Session, clock: Clock, request: pytest.FixtureRequest
) -> None:
    app = create_app(settings.model_copy(update={"redis_url": redis_url()}))
    app.dependency_overrides[get_now] = clock
    with TestClient(app) as client:
        index: RankIndex = client.app_state["resources"].ranks  # from the settings' Redis
        request.addfinalizer(index.forget)  # this run's boards, after the app has closed
        first, second = join(client, nickname="first"), join(client, nickname="second")
        play(client, db, clock, first, right=10, seconds=60)
        campaign = client.get("/api/v1/participants/me", headers=first).json()["campaign"]
        finish_rank_rebuilds()  # the first result found no board and started one
        assert index._redis.exists(index._ready_key(campaign, "adult"))
        paper = start(client, second)
        right = cheapest_right(db, paper, 14)
        clock.advance(seconds=60)
        result = submit(client, second, paper["attempt_id"], right).json()
        assert result["rank"] == 1  # recorded in Redis, ranked from it
        board = index._board(campaign, "adult", "city", None)
        assert index._redis.zcard(board) == 2
        me = client.get("/api/v1/leaderboards/adult", headers=first).json()["me"]
        assert me["rank"] == 2
