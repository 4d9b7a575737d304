from __future__ import annotations

from fastapi import APIRouter, Response, status
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from quiz_api.api.deps import (
    AttemptId,
    CurrentParticipant,
    EngineDep,
    NowDep,
    ParticipantId,
    RanksDep,
    SessionDep,
    SettingsDep,
    invalid_token,
)
from quiz_api.api.problems import Problem, problem_responses
from quiz_api.api.ratelimit import StartRateLimit
from quiz_api.api.schemas import AttemptOut, ResultOut, StartAttemptRequest, SubmitRequest
from quiz_api.db.engine import Bind, hot_connection
from quiz_api.db.models import PARTICIPANT, Attempt, Campaign, Participant, Result
from quiz_api.integrations.ranks import RankIndex
from quiz_api.services import attempts as service
from quiz_api.services.campaigns import get_campaign
from quiz_api.services.leaderboards import count_rank

router = APIRouter(prefix="/attempts", tags=["attempts"])

PROBLEMS = problem_responses(401, 403, 404, 409, 422, 503)
# OpenAPI links: the attempt's id in an answer names the operations on that attempt (for
# clients and for schemathesis' stateful tests, which follow them).
_ATTEMPT = {"attempt_id": "$response.body#/attempt_id"}
PAPER_LINKS = {
    "paper": {"operationId": "paper", "parameters": _ATTEMPT},
    "submit": {"operationId": "submit", "parameters": _ATTEMPT},
}
RESULT_LINKS = {
    "result": {"operationId": "result", "parameters": _ATTEMPT},
    "certificate": {"operationId": "certificate", "parameters": _ATTEMPT},
}


def _campaign(bind: Bind, campaign_id: str) -> Campaign:
    campaign = get_campaign(bind, campaign_id)
    assert campaign is not None
    return campaign


def _own_attempt(session: Session, participant: Participant, attempt_id: int) -> Attempt:
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.participant_id != participant.id:
        raise Problem(404, "not-found", "no such attempt for this participant")
    return attempt


def _rank(connection: Connection, ranks: RankIndex | None, participant_id: int) -> int | None:
    """The participant's city rank: from Redis when configured, else counted."""
    if ranks:
        return ranks.rank(connection, participant_id)
    return count_rank(connection, participant_id)


def _result_out(
    connection: Connection, result: Result, attempt: Attempt, rank: int | None
) -> ResultOut:
    campaign = _campaign(connection, attempt.campaign_id)
    return service.render_result(connection, result, attempt, campaign, rank)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AttemptOut,
    responses={
        200: {
            "model": AttemptOut,
            "description": "The attempt still open, and its paper",
            "links": PAPER_LINKS,
        },
        201: {"links": PAPER_LINKS},
        **PROBLEMS,
        **problem_responses(400, 429),
    },
    dependencies=[StartRateLimit],
    operation_id="start",
    summary="Start an attempt (or get the one still open) and its paper",
)
def start(
    participant_id: ParticipantId,
    engine: EngineDep,
    settings: SettingsDep,
    now: NowDep,
    body: StartAttemptRequest | None = None,
) -> Response:
    with hot_connection(engine) as connection:
        starter = service.load_starter(connection, participant_id)
        if starter is None:
            raise invalid_token()
        campaign = _campaign(connection, starter.campaign_id)
        attempt, created = service.start_attempt(
            connection,
            starter,
            campaign,
            now,
            settings.submit_grace_seconds,
            primary_last_grade=settings.primary_last_grade,
        )
        paper = service.render_paper(connection, attempt, campaign, now)
    return _json(paper, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@router.get(
    "/{attempt_id}",
    response_model=AttemptOut,
    responses=PROBLEMS,
    operation_id="paper",
    summary="The frozen paper of an attempt (the same on every request)",
)
def paper(
    participant: CurrentParticipant, session: SessionDep, now: NowDep, attempt_id: AttemptId
) -> AttemptOut:
    attempt = _own_attempt(session, participant, attempt_id)
    return service.render_paper(session, attempt, _campaign(session, attempt.campaign_id), now)


@router.post(
    "/{attempt_id}/submit",
    response_model=ResultOut,
    responses={200: {"links": RESULT_LINKS}, **PROBLEMS, **problem_responses(400)},
    operation_id="submit",
    summary="Submit the answers; scored on the server. Idempotent.",
)
def submit(
    body: SubmitRequest,
    participant_id: ParticipantId,
    engine: EngineDep,
    settings: SettingsDep,
    now: NowDep,
    ranks: RanksDep,
    attempt_id: AttemptId,
) -> Response:
    with hot_connection(engine) as connection:
        try:
            result, attempt = service.submit(
                connection, participant_id, attempt_id, body, now, settings.submit_grace_seconds
            )
        except Problem as problem:
            if problem.status == 404 and not _exists(connection, participant_id):
                raise invalid_token() from None
            raise
        if ranks:  # idempotent: a repeated submission records the same result again
            ranks.record(
                result.campaign_id,
                result.track,
                result.district,
                result.school_code,
                result.participant_id,
                result.score,
                result.duration_ms,
            )
        rank = _rank(connection, ranks, participant_id)
        connection.commit()  # the last read: on SQLite, free the writer's turn before rendering
        return _json(_result_out(connection, result, attempt, rank))


def _json(body: BaseModel, status_code: int = status.HTTP_200_OK) -> Response:
    """The body as JSON, without FastAPI validating it again against the route's response
    model: the services build it from validated data (see quiz_api.services.attempts)."""
    return Response(body.model_dump_json(), status_code, media_type="application/json")


def _exists(connection: Connection, participant_id: int) -> bool:
    query = select(PARTICIPANT.c.id).where(PARTICIPANT.c.id == participant_id)
    return connection.execute(query).first() is not None


@router.get(
    "/{attempt_id}/result",
    response_model=ResultOut,
    responses=PROBLEMS,
    operation_id="result",
    summary="The result and review of a submitted attempt",
)
def result(
    participant: CurrentParticipant,
    session: SessionDep,
    ranks: RanksDep,
    attempt_id: AttemptId,
) -> ResultOut:
    attempt = _own_attempt(session, participant, attempt_id)
    stored = session.get(Result, attempt_id)
    if stored is None:
        raise Problem(404, "not-found", "this attempt has no result yet")
    connection = session.connection()
    return _result_out(connection, stored, attempt, _rank(connection, ranks, stored.participant_id))
