"""Dependencies shared by the routes, as ``Annotated`` aliases: the clocks, the settings and
resources, the participant token and the staff token with the account's scope."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from quiz_api.api.resources import Resources
from quiz_api.content.daily import DailySpec
from quiz_api.core.config import Settings
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.core.languages import url_prefix
from quiz_api.core.tokens import participant_from_token, staff_claims
from quiz_api.db.models import Participant, StaffAccount
from quiz_api.integrations.ranks import RankIndex
from quiz_api.services.caches import ContentCaches
from quiz_api.services.participants import get_participant, unknown_participant
from quiz_api.services.schools import Districts
from quiz_api.services.scope import StaffScope
from quiz_api.services.staff import active_account

# The dependencies a hot-path request runs are ``async def``, so that FastAPI calls them in
# the event loop: a plain ``def`` dependency costs a hand-off to the thread pool and back,
# which measured more than the work of these (docs/benchmarks.md). Anything that may block
# (a database connection) stays in the thread pool: in ``get_session``, or in the route.


async def get_now() -> datetime:
    """The server's clock; tests override it to move time without waiting."""
    return datetime.now(UTC)


def get_clock() -> float:
    """Unix time for WeChat's signatures and identities; tests override it."""
    return time.time()


async def app_settings(request: Request) -> Settings:
    """The settings the application was made with (``create_app``)."""
    settings: Settings = request.app.state.settings
    return settings


# The application's resources (quiz_api/api/resources.py), made by its lifespan: these
# dependencies only hand them out, they never make anything.
async def app_resources(request: Request) -> Resources:
    resources: Resources = request.state.resources
    return resources


async def app_engine(request: Request) -> Engine:
    engine: Engine = request.state.resources.engine
    return engine


async def content_caches(request: Request) -> ContentCaches:
    content: ContentCaches = request.state.resources.content
    return content


async def districts(request: Request) -> Districts:
    loaded: Districts = request.state.resources.districts
    return loaded


async def daily_spec(request: Request) -> DailySpec | None:
    spec: DailySpec | None = request.state.resources.daily
    return spec


async def rank_index(request: Request) -> RankIndex | None:
    """The application's ranks in Redis, or None without Redis: then ranks are counted in
    the database."""
    ranks: RankIndex | None = request.state.resources.ranks
    return ranks


EngineDep = Annotated[Engine, Depends(app_engine)]


def get_session(engine: EngineDep) -> Iterator[Session]:
    """One session per request."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


ResourcesDep = Annotated[Resources, Depends(app_resources)]
# Ids are INTEGER columns: a larger one names nothing, and PostgreSQL would refuse to compare
# it (the schema says so, rather than a 404 on SQLite and a 422 on PostgreSQL).
MAX_ID = 2**31 - 1
AttemptId = Annotated[
    int, Path(ge=1, le=MAX_ID, description="The attempt id returned by POST /attempts")
]

SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(app_settings)]
ClockDep = Annotated[float, Depends(get_clock)]
ContentDep = Annotated[ContentCaches, Depends(content_caches)]
RanksDep = Annotated[RankIndex | None, Depends(rank_index)]
DistrictsDep = Annotated[Districts, Depends(districts)]
DailySpecDep = Annotated[DailySpec | None, Depends(daily_spec)]
NowDep = Annotated[datetime, Depends(get_now)]

_bearer = HTTPBearer(auto_error=False, description="The token returned by POST /participants")


def invalid_token() -> DomainError:
    """The answer to a token that is forged, or whose participant no longer exists."""
    return unknown_participant()


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
    return get_participant(session, participant_id)


async def _require_participant_id(participant_id: TokenParticipantId) -> int:
    if participant_id is None:
        raise DomainError(
            ProblemType.not_authenticated,
            "send the participant token as `Authorization: Bearer ...`",
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
# service's own query (which raises invalid-token when the participant is gone).
ParticipantId = Annotated[int, Depends(_require_participant_id)]


def quiz_page_url(request: Request, lang: str, **query: str) -> str:
    """The address of the quiz page in ``lang`` on this site (Chinese at the root)."""
    return f"{request.base_url}{url_prefix(lang)}quiz/?{urlencode(query)}"


_staff_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="StaffToken",
    description="The token returned by POST /api/v1/staff/token",
)


def _staff(
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_staff_bearer)],
) -> StaffAccount:
    if credentials is None:
        raise DomainError(
            ProblemType.not_authenticated,
            "send the staff token as `Authorization: Bearer ...` (POST /api/v1/staff/token)",
        )
    claims = staff_claims(settings.secret_key, credentials.credentials, now)
    account = active_account(session, *claims) if claims else None
    if account is None:
        raise DomainError(
            ProblemType.invalid_token, "the staff token is not valid or has expired: log in again"
        )
    return account


def _scope(account: Annotated[StaffAccount, Depends(_staff)]) -> StaffScope:
    return StaffScope.of(account)


CurrentStaff = Annotated[StaffAccount, Depends(_staff)]
# What the staff account of the request may read.
CurrentScope = Annotated[StaffScope, Depends(_scope)]
