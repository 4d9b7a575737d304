"""The survey service, called directly: a participant answers once, after a finished
attempt; every refusal is a domain error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from quiz_api.content.survey import load_surveys
from quiz_api.core.config import PROJECT_ROOT
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.core.languages import Lang
from quiz_api.db.engine import hot_connection, session_scope
from quiz_api.db.models import Participant, SurveyAnswer, SurveyResponse, Track
from quiz_api.services import survey
from quiz_api.services.campaigns import resolve_campaign
from quiz_api.services.participants import Newcomer, join
from tests.plugins.app import Clock
from tests.plugins.service_calls import CONTENT, start, submit


@pytest.fixture
def participant(engine: Engine, db: Session, clock: Clock, staff_tables: None) -> Participant:
    with session_scope(engine) as session:
        survey.import_surveys(
            session, load_surveys(PROJECT_ROOT / "content" / "survey"), datetime.now(UTC)
        )
    with hot_connection(engine) as connection:
        campaign = resolve_campaign(CONTENT.campaigns, connection, None, clock())
        joined, _ = join(
            connection, CONTENT.campaigns, campaign, Newcomer(Track.adult, Lang.zh), clock()
        )
    return joined


def test_a_participant_answers_once_after_a_finished_attempt(
    engine: Engine, db: Session, participant: Participant, clock: Clock
) -> None:
    assert participant.id is not None
    with pytest.raises(DomainError) as early:
        survey.submit(
            db, CONTENT.surveys, participant, None, {"challenge-overall": 5}, None, clock()
        )
    assert early.value.type is ProblemType.survey_not_available

    attempt, _ = start(engine, participant.id, clock)
    assert attempt.id is not None
    submit(engine, participant.id, attempt.id, [], clock)  # blank answers still finish it
    response = survey.submit(
        db, CONTENT.surveys, participant, None, {"challenge-overall": 5}, " 很好 ", clock()
    )
    assert response.comment == "很好"
    assert survey.has_answered(db, participant.id, response.survey_id)

    with pytest.raises(DomainError) as again:
        survey.submit(
            db, CONTENT.surveys, participant, None, {"challenge-overall": 1}, None, clock()
        )
    assert again.value.type is ProblemType.survey_already_answered
    assert db.exec(select(func.count()).select_from(SurveyResponse)).one() == 1
    assert db.exec(select(SurveyAnswer.value)).all() == [5]


def test_unknown_questions_and_values_are_refused_with_the_field(
    engine: Engine, db: Session, participant: Participant, clock: Clock
) -> None:
    assert participant.id is not None
    attempt, _ = start(engine, participant.id, clock)
    assert attempt.id is not None
    submit(engine, participant.id, attempt.id, [], clock)
    for answers in ({"no-such-question": 3}, {"challenge-overall": 6}):
        with pytest.raises(DomainError) as caught:
            survey.submit(db, CONTENT.surveys, participant, None, answers, None, clock())
        assert caught.value.type is ProblemType.validation_error
        assert caught.value.extra == {"field": "answers"}
    assert db.exec(select(func.count()).select_from(SurveyResponse)).one() == 0
