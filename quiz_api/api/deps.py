"""Dependencies shared by the routes, as ``Annotated`` aliases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from quiz_api.config import Settings, get_settings
from quiz_api.db import get_session
from quiz_api.models import Participant
from quiz_api.problems import Problem
from quiz_api.security import participant_from_token


def get_now() -> datetime:
    """The server's clock; tests override it to move time without waiting."""
    return datetime.now(UTC)


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
NowDep = Annotated[datetime, Depends(get_now)]

_bearer = HTTPBearer(auto_error=False, description="The token returned by POST /participants")


def _participant(
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Participant | None:
    if credentials is None:
        return None
    participant_id = participant_from_token(settings.secret_key, credentials.credentials)
    participant = session.get(Participant, participant_id) if participant_id else None
    if participant is None:
        raise Problem(
            401,
            "invalid-token",
            "the token is not valid: join again",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return participant


def _require_participant(
    participant: Annotated[Participant | None, Depends(_participant)],
) -> Participant:
    if participant is None:
        raise Problem(
            401,
            "not-authenticated",
            "send the participant token as `Authorization: Bearer ...`",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return participant


OptionalParticipant = Annotated[Participant | None, Depends(_participant)]
CurrentParticipant = Annotated[Participant, Depends(_require_participant)]
