"""Dependencies shared by the routes, as ``Annotated`` aliases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from quiz_api.api.problems import Problem
from quiz_api.core.config import Settings
from quiz_api.core.tokens import participant_from_token
from quiz_api.db.engine import engine_dependency, get_session
from quiz_api.db.models import Participant
from quiz_api.integrations.ranks import RankIndex

# The dependencies a hot-path request runs are ``async def``, so that FastAPI calls them in
# the event loop: a plain ``def`` dependency costs a hand-off to the thread pool and back,
# which measured more than the work of these (docs/benchmarks.md). Anything that may block
# (a database connection) stays in the thread pool: in ``get_session``, or in the route.


async def get_now() -> datetime:
    """The server's clock; tests override it to move time without waiting."""
    return datetime.now(UTC)


async def app_settings(request: Request) -> Settings:
    """The settings the application was made with (``create_app``)."""
    settings: Settings = request.app.state.settings
    return settings


# Ids are INTEGER columns: a larger one names nothing, and PostgreSQL would refuse to compare
# it (the schema says so, rather than a 404 on SQLite and a 422 on PostgreSQL).
MAX_ID = 2**31 - 1
AttemptId = Annotated[
    int, Path(ge=1, le=MAX_ID, description="The attempt id returned by POST /attempts")
]

SessionDep = Annotated[Session, Depends(get_session)]
EngineDep = Annotated[Engine, Depends(engine_dependency)]
SettingsDep = Annotated[Settings, Depends(app_settings)]
NowDep = Annotated[datetime, Depends(get_now)]


async def rank_index(request: Request, settings: SettingsDep) -> RankIndex | None:
    """The application's ranks in Redis (one per worker process), or None without Redis:
    then ranks are counted in the database."""
    state: Any = request.app.state
    if not settings.redis_url:
        return None
    index: RankIndex | None = getattr(state, "rank_index", None)
    if index is None:
        index = state.rank_index = RankIndex(settings.redis_url, settings.redis_namespace)
    return index


RanksDep = Annotated[RankIndex | None, Depends(rank_index)]

_bearer = HTTPBearer(auto_error=False, description="The token returned by POST /participants")


def invalid_token() -> Problem:
    """The answer to a token that is forged, or whose participant no longer exists."""
    return Problem(
        401,
        "invalid-token",
        "the token is not valid: join again",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


async def _token_participant_id(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> int | None:
    """The participant id of a genuine token (no database read); None without a token."""
    if credentials is None:
        return None
    participant_id = participant_from_token(settings.secret_key, credentials.credentials)
    if participant_id is None:
        raise invalid_token()
    return participant_id


TokenParticipantId = Annotated[int | None, Depends(_token_participant_id)]


def _participant(session: SessionDep, participant_id: TokenParticipantId) -> Participant | None:
    if participant_id is None:
        return None
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise invalid_token()
    return participant


async def _require_participant_id(participant_id: TokenParticipantId) -> int:
    if participant_id is None:
        raise Problem(
            401,
            "not-authenticated",
            "send the participant token as `Authorization: Bearer ...`",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return participant_id


def _require_participant(
    participant_id: Annotated[int, Depends(_require_participant_id)],
    participant: Annotated[Participant | None, Depends(_participant)],
) -> Participant:
    assert participant is not None  # there is a token: _participant found its row or refused
    return participant


OptionalParticipant = Annotated[Participant | None, Depends(_participant)]
# ``openapi_extra`` of a route with an ``OptionalParticipant``: the schema says the token is
# optional (the empty requirement), where FastAPI lists the bearer scheme as required.
OPTIONAL_TOKEN: dict[str, Any] = {"security": [{}]}
CurrentParticipant = Annotated[Participant, Depends(_require_participant)]
# The hot path's form: the id a genuine token names, checked against the database by the
# route's own query (which answers invalid_token() when the participant is gone).
ParticipantId = Annotated[int, Depends(_require_participant_id)]
