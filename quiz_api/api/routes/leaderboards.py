from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from quiz_api.api.deps import (
    OPTIONAL_TOKEN,
    ContentDep,
    NowDep,
    OptionalParticipant,
    RanksDep,
    SessionDep,
    SettingsDep,
)
from quiz_api.api.problems import problem_responses
from quiz_api.api.schemas import PRINTABLE, LeaderboardEntry, LeaderboardOut, MyRank
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.db.models import Track
from quiz_api.services.campaigns import resolve_campaign
from quiz_api.services.leaderboards import BoardCache, Scope, my_place

router = APIRouter(prefix="/leaderboards", tags=["leaderboards"])


async def _board_cache(request: Request) -> BoardCache:
    """The application's board cache (one per worker process)."""
    boards: BoardCache = request.state.resources.boards
    return boards


@router.get(
    "/{track}",
    response_model=LeaderboardOut,
    responses=problem_responses(401, 404, 409, 422),
    openapi_extra=OPTIONAL_TOKEN,
    summary="Best attempt per participant: score, then time; with the caller's own rank",
)
def leaderboard(
    track: Track,
    boards: Annotated[BoardCache, Depends(_board_cache)],
    ranks: RanksDep,
    session: SessionDep,
    content: ContentDep,
    settings: SettingsDep,
    now: NowDep,
    participant: OptionalParticipant,
    scope: Scope = "city",
    code: Annotated[
        str | None, Query(max_length=100, pattern=PRINTABLE, description="district or school code")
    ] = None,
    limit: Annotated[int | None, Query(ge=1, le=200)] = None,
    campaign: Annotated[str | None, Query(max_length=64, pattern=PRINTABLE)] = None,
) -> LeaderboardOut:
    if participant is not None and campaign is None:
        campaign = participant.campaign_id
    row = resolve_campaign(content.campaigns, session, campaign, now)
    if scope != "city" and code is None and participant is not None:
        code = participant.district if scope == "district" else participant.school_code
    if scope != "city" and not code:
        raise DomainError(ProblemType.validation_error, f"scope={scope} needs `code`", field="code")
    entries, total = boards.top(
        session,
        row.id,
        track.value,
        scope,
        code if scope != "city" else None,
        limit or settings.leaderboard_size,
        now,
    )
    me = None
    if participant is not None and participant.track == track.value:
        mine = my_place(session, ranks, participant, row.id, scope, code)
        if mine is not None:
            me = MyRank(rank=mine.rank, score=mine.score, duration_ms=mine.duration_ms)
    return LeaderboardOut(
        campaign=row.id,
        track=track,
        scope=scope,
        code=code if scope != "city" else None,
        total=total,
        entries=[
            LeaderboardEntry(
                rank=e.rank, nickname=e.nickname, score=e.score, duration_ms=e.duration_ms
            )
            for e in entries
        ],
        me=me,
    )
