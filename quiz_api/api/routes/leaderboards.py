from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from quiz_api.api.deps import (
    OPTIONAL_TOKEN,
    NowDep,
    OptionalParticipant,
    RanksDep,
    SessionDep,
    SettingsDep,
)
from quiz_api.api.problems import Problem, problem_responses
from quiz_api.api.schemas import PRINTABLE, LeaderboardOut, MyRank
from quiz_api.db.models import BestScore, Track
from quiz_api.services.campaigns import resolve_campaign
from quiz_api.services.leaderboards import BoardCache, Scope, count_rank

router = APIRouter(prefix="/leaderboards", tags=["leaderboards"])


def _in_scope(best: BestScore, scope: Scope, code: str | None) -> bool:
    if scope == "district":
        return best.district == code
    if scope == "school":
        return best.school_code == code
    return True


async def _board_cache(request: Request, settings: SettingsDep) -> BoardCache:
    """The application's board cache (one per worker process)."""
    state: Any = request.app.state
    cache: BoardCache | None = getattr(state, "board_cache", None)
    if cache is None:
        cache = state.board_cache = BoardCache(settings.leaderboard_cache_seconds)
    return cache


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
    row = resolve_campaign(session, campaign, now)
    if scope != "city" and code is None and participant is not None:
        code = participant.district if scope == "district" else participant.school_code
    if scope != "city" and not code:
        raise Problem(422, "validation-error", f"scope={scope} needs `code`", field="code")
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
        best = session.get(BestScore, participant.id)
        if best is not None and best.campaign_id == row.id and _in_scope(best, scope, code):
            assert participant.id is not None
            connection = session.connection()
            rank = (
                ranks.rank(connection, participant.id, scope)
                if ranks
                else count_rank(connection, participant.id, scope)
            )
            assert rank is not None  # they have a best score
            me = MyRank(rank=rank, score=best.score, duration_ms=best.duration_ms)
    return LeaderboardOut(
        campaign=row.id,
        track=track,
        scope=scope,
        code=code if scope != "city" else None,
        total=total,
        entries=entries,
        me=me,
    )
