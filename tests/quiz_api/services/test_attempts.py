"""The attempts service, called directly: starting is idempotent while an attempt is open,
submitting is idempotent for the same answers, and every refusal is a domain error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.core.languages import Lang
from quiz_api.db.engine import hot_connection
from quiz_api.db.models import Attempt, AttemptStatus, Participant, Result, Track
from quiz_api.services import attempts as service
from quiz_api.services.campaigns import resolve_campaign
from quiz_api.services.participants import Newcomer, join
from tests.plugins.app import Clock
from tests.plugins.service_calls import CONTENT, GRACE, start, submit


@pytest.fixture
def adult(engine: Engine, db: Session, clock: Clock) -> int:
    with hot_connection(engine) as connection:
        campaign = resolve_campaign(CONTENT.campaigns, connection, None, clock())
        participant, created = join(
            connection, CONTENT.campaigns, campaign, Newcomer(Track.adult, Lang.en), clock()
        )
    assert created and participant.id is not None
    return participant.id


def test_starting_again_returns_the_open_attempt(
    engine: Engine, db: Session, adult: int, clock: Clock
) -> None:
    first, created = start(engine, adult, clock)
    clock.advance(seconds=60)
    again, created_again = start(engine, adult, clock)
    assert created and not created_again
    assert again.id == first.id and again.paper == first.paper
    assert db.exec(select(func.count()).select_from(Attempt)).one() == 1


def test_the_paper_shows_the_options_in_the_participant_s_language(
    engine: Engine, db: Session, adult: int, clock: Clock
) -> None:
    attempt, _ = start(engine, adult, clock)
    with hot_connection(engine) as connection:
        paper = service.paper_of(
            connection, CONTENT, attempt, service.campaign_of(connection, CONTENT, attempt)
        )
    assert [item.number for item in paper.items] == list(range(1, len(paper.items) + 1))
    assert paper.max_score == sum(item.points for item in paper.items) == 120
    for item in paper.items:
        assert [letter for letter, _ in item.options] == list("ABCDEF"[: len(item.options)])
        if item.question.type == "true_false":
            assert [text for _, text in item.options] == ["True", "False"]


def test_the_same_answers_again_return_the_stored_result(
    engine: Engine, db: Session, adult: int, clock: Clock
) -> None:
    attempt, _ = start(engine, adult, clock)
    assert attempt.id is not None
    answers = [("q1", ["A"]), ("q2", ["b "])]  # normalised: trimmed, upper case
    first = submit(engine, adult, attempt.id, answers, clock)
    clock.advance(seconds=5)
    again = submit(engine, adult, attempt.id, [("q2", ["B"]), ("q1", ["A"])], clock)
    assert (again.attempt_id, again.score, again.submitted_at) == (
        first.attempt_id,
        first.score,
        first.submitted_at,
    )
    assert db.exec(select(func.count()).select_from(Result)).one() == 1
    stored = db.get(Attempt, attempt.id)
    assert stored is not None and stored.status == AttemptStatus.submitted

    with pytest.raises(DomainError) as other:
        submit(engine, adult, attempt.id, [("q1", ["B"])], clock)
    assert other.value.type is ProblemType.already_submitted
    assert other.value.extra == {"attempt_id": attempt.id}


def test_every_fault_of_the_answers_is_reported_at_once(
    engine: Engine, db: Session, adult: int, clock: Clock
) -> None:
    attempt, _ = start(engine, adult, clock)
    assert attempt.id is not None
    with pytest.raises(DomainError) as caught:
        submit(engine, adult, attempt.id, [("q99", ["A"]), ("q1", ["Z"])], clock)
    assert caught.value.type is ProblemType.validation_error
    codes = [fault["code"] for fault in caught.value.extra["errors"]]
    assert codes == ["unknown_question", "unknown_option"]
    assert db.exec(select(func.count()).select_from(Result)).one() == 0


def test_an_abandoned_attempt_expires_and_cannot_be_submitted(
    engine: Engine, db: Session, adult: int, clock: Clock
) -> None:
    abandoned, _ = start(engine, adult, clock)
    assert abandoned.id is not None
    clock.advance(seconds=600 + GRACE + 1)
    fresh, created = start(engine, adult, clock)
    assert created and fresh.id != abandoned.id and fresh.attempt_no == 2
    with pytest.raises(DomainError) as caught:
        submit(engine, adult, abandoned.id, [], clock)
    assert caught.value.type is ProblemType.attempt_expired


def test_the_daily_limit_says_when_to_come_back(
    engine: Engine, db: Session, adult: int, clock: Clock
) -> None:
    for _ in range(3):  # the test campaign's attempts per day
        attempt, created = start(engine, adult, clock)
        assert created and attempt.id is not None
        submit(engine, adult, attempt.id, [], clock)
    with pytest.raises(DomainError) as caught:
        start(engine, adult, clock)
    assert caught.value.type is ProblemType.daily_attempt_limit_reached
    assert caught.value.extra == {"limit": 3}
    # 10:00 in Shanghai: local midnight is 14 hours away.
    assert caught.value.retry_in_seconds == int(timedelta(hours=14).total_seconds()) + 1


def test_someone_else_s_attempt_is_not_found_and_a_removed_participant_is_refused(
    engine: Engine, db: Session, adult: int, clock: Clock
) -> None:
    attempt, _ = start(engine, adult, clock)
    assert attempt.id is not None
    with hot_connection(engine) as connection:
        campaign = resolve_campaign(CONTENT.campaigns, connection, None, clock())
        other, _ = join(
            connection, CONTENT.campaigns, campaign, Newcomer(Track.adult, Lang.zh), clock()
        )
    assert other.id is not None
    with pytest.raises(DomainError) as caught:
        submit(engine, other.id, attempt.id, [], clock)
    assert caught.value.type is ProblemType.not_found
    missing = db.exec(select(func.max(Participant.id))).one()
    assert missing is not None
    with pytest.raises(DomainError) as gone:
        submit(engine, missing + 1, attempt.id, [], clock)
    assert gone.value.type is ProblemType.invalid_token
